import { randomBytes } from 'node:crypto';
import { KeyFormatError } from './errors';
import { openSecret, parseMasterKey, sealSecret, SealedSecretError } from './sealed-secret';

describe('sealed secrets', () => {
  const master = randomBytes(32);

  it('round-trips and never stores the clear text', () => {
    const sealed = sealSecret('g4LxEvWTz4ftVrsjei9zIaJLnjXo1QG0', master);
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(sealed).not.toContain('g4LxEvWTz4ftVrsjei9zIaJLnjXo1QG0');
    expect(openSecret(sealed, master)).toBe('g4LxEvWTz4ftVrsjei9zIaJLnjXo1QG0');
  });

  it('refuses a wrong master key, a tampered value and junk with one error', () => {
    const sealed = sealSecret('secret', master);
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('AA') ? 'BB' : 'AA');
    for (const [value, key] of [
      [sealed, randomBytes(32)],
      [tampered, master],
      ['v1.', master],
      ['nonsense', master],
    ] as const) {
      expect(() => openSecret(value, key)).toThrow(SealedSecretError);
    }
  });

  it('parses master keys in hex or base64 and refuses other lengths', () => {
    const key = randomBytes(32);
    expect(parseMasterKey(key.toString('hex')).equals(key)).toBe(true);
    expect(parseMasterKey(key.toString('base64')).equals(key)).toBe(true);
    expect(() => parseMasterKey('abcd')).toThrow(KeyFormatError);
    expect(() => parseMasterKey('not base64 at all!')).toThrow(KeyFormatError);
  });
});
