import fc from 'fast-check';
import { createCipheriv } from 'node:crypto';
import { decryptEnvelope, decryptJson, encryptEnvelope, encryptJson } from './envelope';
import { EnvelopeError } from './errors';

/*
 * Properties over random input. The decryption side is where untrusted bytes arrive, so the central property
 * is: whatever a client sends, the only possible failure is EnvelopeError with its one message.
 */

const KEY = 'tixclear-property-test-key-32byt';
const ONE_MESSAGE = new EnvelopeError().message;

const merchantKey = fc.string({ unit: 'binary-ascii', minLength: 32, maxLength: 32 });
const iv = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => Buffer.from(bytes));

/** Runs `open`; a result is fine (CBC has no MAC, random input can decrypt), a throw must be THE error. */
function onlyEnvelopeError(open: () => unknown): void {
  try {
    open();
  } catch (error) {
    expect(error).toBeInstanceOf(EnvelopeError);
    expect((error as EnvelopeError).code).toBe('ENVELOPE_INVALID');
    expect((error as EnvelopeError).message).toBe(ONE_MESSAGE);
    expect((error as EnvelopeError).cause).toBeUndefined();
  }
}

const openers = [decryptEnvelope, decryptJson] as const;

describe('decryption of untrusted input', () => {
  it('random strings (any Unicode, any base64-looking text) throw nothing but EnvelopeError', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.string({
        unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ \n'),
        maxLength: 200,
      }),
      fc.base64String({ maxLength: 200 }),
    );
    fc.assert(
      fc.property(text, (envelope) => {
        for (const open of openers) onlyEnvelopeError(() => open(envelope, KEY));
      }),
      { numRuns: 2000 },
    );
  });

  it('random bytes of any length, base64-encoded, throw nothing but EnvelopeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 160 }), (bytes) => {
        const envelope = Buffer.from(bytes).toString('base64');
        for (const open of openers) onlyEnvelopeError(() => open(envelope, KEY));
      }),
      { numRuns: 2000 },
    );
  });

  it('random whole-block envelopes (the ones that reach the cipher) throw nothing but EnvelopeError', () => {
    const blocks = fc
      .integer({ min: 2, max: 8 })
      .chain((n) => fc.uint8Array({ minLength: 16 * n, maxLength: 16 * n }));
    fc.assert(
      fc.property(blocks, (bytes) => {
        const envelope = Buffer.from(bytes).toString('base64');
        for (const open of openers) onlyEnvelopeError(() => open(envelope, KEY));
      }),
      { numRuns: 2000 },
    );
  });

  it('well-padded random plaintexts (past the padding check) throw nothing but EnvelopeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), iv, (plain, ivBytes) => {
        // Encrypted by Node directly so that the bytes need not be UTF-8.
        const cipher = createCipheriv('aes-256-cbc', Buffer.from(KEY), ivBytes);
        const envelope = Buffer.concat([ivBytes, cipher.update(plain), cipher.final()]).toString('base64');
        for (const open of openers) onlyEnvelopeError(() => open(envelope, KEY));
      }),
      { numRuns: 1000 },
    );
  });

  it('bit flips in a valid envelope throw nothing but EnvelopeError', () => {
    const envelope = encryptJson({ store_uid: '398800730001', items: [{ id: 'A1', name: '票券' }] }, KEY);
    const bytes = Buffer.from(envelope, 'base64');
    fc.assert(
      fc.property(fc.nat({ max: bytes.length * 8 - 1 }), (bit) => {
        const tampered = Buffer.from(bytes);
        tampered[bit >> 3] = (tampered[bit >> 3] ?? 0) ^ (1 << (bit & 7));
        for (const open of openers) onlyEnvelopeError(() => open(tampered.toString('base64'), KEY));
      }),
      { numRuns: 1000 },
    );
  });

  it('opening with another merchant key throws nothing but EnvelopeError', () => {
    fc.assert(
      fc.property(fc.jsonValue(), merchantKey, merchantKey, (value, key, wrongKey) => {
        fc.pre(key !== wrongKey);
        onlyEnvelopeError(() => decryptJson(encryptJson(value, key), wrongKey));
      }),
      { numRuns: 500 },
    );
  });
});

describe('round trips', () => {
  it('any well-formed string, key and IV', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), merchantKey, iv, (text, key, ivBytes) => {
        expect(decryptEnvelope(encryptEnvelope(text, key, ivBytes), key)).toBe(text);
        expect(decryptEnvelope(encryptEnvelope(text, key), key)).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });

  it('any JSON value comes back as JSON.parse(JSON.stringify(value))', () => {
    fc.assert(
      fc.property(fc.jsonValue(), merchantKey, (value, key) => {
        expect(decryptJson(encryptJson(value, key), key)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 1000 },
    );
  });

  it('the envelope is canonical base64 of IV plus whole blocks, at least one block of padding', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 100 }), (text) => {
        const envelope = encryptEnvelope(text, KEY);
        const bytes = Buffer.from(envelope, 'base64');
        expect(bytes.toString('base64')).toBe(envelope);
        const plainLength = Buffer.byteLength(text, 'utf8');
        expect(bytes.length).toBe(16 + (Math.floor(plainLength / 16) + 1) * 16);
      }),
    );
  });
});
