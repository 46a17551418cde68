import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_SCRYPT,
  hashPassword,
  needsRehash,
  parseStoredHash,
  verifyAgainstNothing,
  verifyPassword,
} from './password';

// A small cost keeps the spec fast; the default's own cost is checked once.
const LIGHT = { N: 2 ** 10, r: 8, p: 1 };

describe('operator password hashing (scrypt)', () => {
  it('stores its parameters with a fresh salt, and matches only the password itself', async () => {
    const a = await hashPassword('correct horse battery', LIGHT);
    const b = await hashPassword('correct horse battery', LIGHT);
    expect(a).not.toBe(b);
    expect(parseStoredHash(a)?.params).toEqual(LIGHT);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  it('uses 32 MiB of memory by default (N=2^15, r=8) and verifies at that cost', async () => {
    expect(DEFAULT_SCRYPT).toEqual({ N: 32768, r: 8, p: 1 });
    const stored = await hashPassword('a long enough password');
    expect(stored.startsWith('scrypt$32768$8$1$')).toBe(true);
    expect(await verifyPassword('a long enough password', stored)).toBe(true);
  });

  it('refuses passwords out of bounds when hashing, and never matches one too long', async () => {
    await expect(hashPassword('short', LIGHT)).rejects.toMatchObject({ code: 'PASSWORD_POLICY' });
    await expect(hashPassword('x'.repeat(257), LIGHT)).rejects.toMatchObject({ code: 'PASSWORD_POLICY' });
    const stored = await hashPassword('y'.repeat(256), LIGHT);
    expect(await verifyPassword('y'.repeat(256), stored)).toBe(true);
    expect(await verifyPassword('y'.repeat(257), stored)).toBe(false);
  });

  it('treats a stored value of another shape, or absurd parameters, as no match (not an exception)', async () => {
    const good = await hashPassword('correct horse battery', LIGHT);
    const parts = good.split('$');
    for (const bad of [
      '',
      'plain',
      `bcrypt$${parts.slice(1).join('$')}`,
      ['scrypt', String(2 ** 24), ...parts.slice(2)].join('$'),
      ['scrypt', '1000', ...parts.slice(2)].join('$'),
      [...parts.slice(0, 5), 'c2hvcnQ'].join('$'),
    ]) {
      expect(parseStoredHash(bad)).toBeUndefined();
      expect(await verifyPassword('correct horse battery', bad)).toBe(false);
    }
    expect(await verifyAgainstNothing('correct horse battery')).toBe(false);
  });

  it('says a hash made with weaker parameters needs rehashing', async () => {
    const weak = await hashPassword('correct horse battery', LIGHT);
    expect(needsRehash(weak)).toBe(true);
    expect(needsRehash(weak, LIGHT)).toBe(false);
  });
});
