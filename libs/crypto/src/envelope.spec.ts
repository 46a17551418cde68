import { createCipheriv } from 'node:crypto';
import { decryptEnvelope, decryptJson, encryptEnvelope, encryptJson } from './envelope';
import { CryptoInputError, EnvelopeError, KeyFormatError } from './errors';

const KEY = 'tixclear-fixed-vector-key-32byte';
const OTHER_KEY = 'ANOTHERmerchantKEY0123456789abcd';
const IV = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');

/** Raw AES-256-CBC without Node's padding, to craft envelopes whose padding we choose. */
function rawEnvelope(plainBlocks: Buffer, key = KEY, iv = IV): string {
  const cipher = createCipheriv('aes-256-cbc', Buffer.from(key, 'utf8'), iv).setAutoPadding(false);
  return Buffer.concat([iv, cipher.update(plainBlocks), cipher.final()]).toString('base64');
}

/** PKCS#7 done by hand, so that a test can pad bytes that are not UTF-8. */
function pkcs7(data: Buffer): Buffer {
  const n = 16 - (data.length % 16);
  return Buffer.concat([data, Buffer.alloc(n, n)]);
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Same bytes, non-canonical text: sets an unused low bit of the character before a single "=". */
function withUnusedBitSet(canonical: string): string {
  const last = BASE64_ALPHABET.indexOf(canonical.at(-2) ?? '');
  return `${canonical.slice(0, -2)}${BASE64_ALPHABET[last | 1] ?? ''}=`;
}

function caught(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('envelope round trips', () => {
  it.each([
    ['empty', ''],
    ['ASCII', '{"service_name":"api","cmd":"api/voucherservicequery"}'],
    ['Chinese', '{"name":"票券","store":"台北信義店"}'],
    ['astral characters', '{"emoji":"🎫𠀀"}'],
    ['exactly one block', '0123456789abcdef'],
    ['a leading BOM kept as text', '\uFEFF{"a":1}'],
  ])('decrypts what it encrypts: %s', (_label, text) => {
    expect(decryptEnvelope(encryptEnvelope(text, KEY), KEY)).toBe(text);
  });

  it('lays out base64(IV || ciphertext) with whole PKCS#7 blocks', () => {
    const bytes = Buffer.from(encryptEnvelope('0123456789abcdef', KEY, IV), 'base64');
    expect(bytes.subarray(0, 16)).toEqual(IV);
    // 16 bytes of text take a full extra block of padding.
    expect(bytes.length).toBe(16 + 32);
  });

  it('uses a fresh random IV per message unless one is given', () => {
    const a = encryptEnvelope('same', KEY);
    const b = encryptEnvelope('same', KEY);
    expect(a).not.toBe(b);
    expect(encryptEnvelope('same', KEY, IV)).toBe(encryptEnvelope('same', KEY, IV));
  });

  it('does not keep a reference to the caller’s IV', () => {
    const iv = Buffer.from(IV);
    const envelope = encryptEnvelope('x', KEY, iv);
    iv.fill(0);
    expect(Buffer.from(envelope, 'base64').subarray(0, 16)).toEqual(IV);
  });

  it('accepts one IV shared by service and encry_data (the C# sample)', () => {
    const service = encryptJson({ service_name: 'api', cmd: 'api/voucherquery' }, KEY, IV);
    const data = encryptJson({ store_uid: '398800730001', order_id: 'R1' }, KEY, IV);
    expect(decryptJson(service, KEY)).toEqual({ service_name: 'api', cmd: 'api/voucherquery' });
    expect(decryptJson(data, KEY)).toEqual({ store_uid: '398800730001', order_id: 'R1' });
  });

  it('round-trips JSON values, null included', () => {
    for (const value of [null, 0, 'x', [1, '票'], { a: { b: [true, null] } }]) {
      expect(decryptJson(encryptJson(value, KEY), KEY)).toEqual(value);
    }
  });

  it('reads PHP json_encode escapes (\\/ and \\uXXXX)', () => {
    const php = String.raw`{"url":"https:\/\/x","name":"\u7968\u5238"}`;
    const envelope = encryptEnvelope(php, KEY);
    expect(decryptJson(envelope, KEY)).toEqual({ url: 'https://x', name: '票券' });
    expect(decryptEnvelope(envelope, KEY)).toBe(php);
  });
});

describe('encryption input errors', () => {
  it.each([
    ['too short', 'short-key'],
    ['too long', `${KEY}x`],
    ['empty', ''],
    ['32 characters but more than 32 bytes', `${KEY.slice(0, 31)}票`],
    ['32 bytes but fewer than 32 characters', `${KEY.slice(0, 29)}票`],
  ])('refuses a key that is %s', (_label, key) => {
    for (const run of [
      () => encryptEnvelope('x', key),
      () => encryptJson({}, key),
      () => decryptEnvelope(encryptEnvelope('x', KEY), key),
      () => decryptJson(encryptJson({}, KEY), key),
    ]) {
      const error = caught(run);
      expect(error).toBeInstanceOf(KeyFormatError);
      expect(error).toMatchObject({ code: 'KEY_INVALID', field: 'key' });
      expect((error as Error).message).not.toContain(key || '\u0000');
    }
  });

  it('refuses a key that is not a string', () => {
    expect(caught(() => encryptEnvelope('x', 42 as unknown as string))).toMatchObject({
      code: 'KEY_INVALID',
    });
  });

  it.each([
    ['15 bytes', Buffer.alloc(15)],
    ['17 bytes', Buffer.alloc(17)],
    ['not a buffer', 'aaaaaaaaaaaaaaaa' as unknown as Buffer],
  ])('refuses an IV of %s', (_label, iv) => {
    const error = caught(() => encryptEnvelope('x', KEY, iv));
    expect(error).toBeInstanceOf(CryptoInputError);
    expect(error).toMatchObject({ code: 'CRYPTO_INPUT_INVALID', field: 'iv' });
  });

  it('refuses a plaintext with a lone surrogate rather than altering it', () => {
    for (const text of ['\uD800', 'a\uDC00b', '\uDBFF']) {
      expect(caught(() => encryptEnvelope(text, KEY))).toMatchObject({
        code: 'CRYPTO_INPUT_INVALID',
        field: 'plaintext',
      });
    }
  });

  it.each([
    ['undefined', undefined],
    ['a function', () => 1],
    ['a symbol', Symbol('s')],
    ['a BigInt', 1n],
    [
      'a cycle',
      (() => {
        const cycle: Record<string, unknown> = {};
        cycle['self'] = cycle;
        return cycle;
      })(),
    ],
  ])('refuses a value with no JSON form: %s', (_label, value) => {
    const error = caught(() => encryptJson(value, KEY));
    expect(error).toBeInstanceOf(CryptoInputError);
    expect(error).toMatchObject({ code: 'CRYPTO_INPUT_INVALID', field: 'value' });
  });
});

describe('malformed envelopes', () => {
  const valid = encryptJson({ a: 1 }, KEY, IV);
  const validBytes = Buffer.from(valid, 'base64');

  // Each malformation class, for decryptEnvelope (text) and decryptJson; the last two are text that opens fine
  // but is no JSON, so only decryptJson must refuse it.
  const forBoth: Array<[string, unknown]> = [
    ['empty string', ''],
    ['not a string', 12345],
    ['characters outside base64', '!!!!' + valid.slice(4)],
    ['junk Node would skip', `${valid.slice(0, 8)}*${valid.slice(8)}`],
    ['a space (what a form decoder makes of "+")', `${valid.slice(0, 10)} ${valid.slice(11)}`],
    ['URL-safe "-"', `${valid.slice(0, 10)}-${valid.slice(11)}`],
    ['URL-safe "_"', `${valid.slice(0, 10)}_${valid.slice(11)}`],
    ['missing padding', valid.replace(/=+$/, '')],
    ['non-zero unused bits before the padding', withUnusedBitSet(valid)],
    ['a line break', `${valid.slice(0, 20)}\n${valid.slice(20)}`],
    ['shorter than IV + one block', validBytes.subarray(0, 31).toString('base64')],
    ['only an IV', IV.toString('base64')],
    ['not whole blocks', Buffer.concat([validBytes, Buffer.alloc(1)]).toString('base64')],
    ['a truncated block', validBytes.subarray(0, validBytes.length - 5).toString('base64')],
    ['padding byte 0', rawEnvelope(Buffer.from('41414141414141414141414141414100', 'hex'))],
    ['padding byte 17', rawEnvelope(Buffer.from('41414141414141414141414141414111', 'hex'))],
    ['inconsistent padding', rawEnvelope(Buffer.from('41414141414141414141414141410302', 'hex'))],
    ['not UTF-8', rawEnvelope(pkcs7(Buffer.from('7b2261223a22ff227d', 'hex')))],
    ['a truncated UTF-8 sequence', rawEnvelope(pkcs7(Buffer.from('{"a":"票', 'utf8').subarray(0, 8)))],
    ['the wrong key', encryptJson({ a: 1 }, OTHER_KEY, IV)],
  ];
  const forJsonOnly: Array<[string, unknown]> = [
    ['text that is not JSON', encryptEnvelope('hello', KEY, IV)],
    ['a BOM before JSON', encryptEnvelope('\uFEFF{"a":1}', KEY, IV)],
  ];

  const open = (decrypt: (e: string, k: string) => unknown, envelope: unknown): unknown =>
    caught(() => decrypt(envelope as string, KEY));
  // The message line and the frame that threw: one throw site means a stack trace cannot tell the step either.
  const throwSite = (error: unknown): string =>
    ((error as Error).stack ?? '').split('\n').slice(0, 2).join('\n');
  const reference = {
    text: open(decryptEnvelope, ''),
    json: open(decryptJson, ''),
  };

  it('the reference failures are EnvelopeErrors without a cause or field', () => {
    for (const error of Object.values(reference)) {
      expect(error).toBeInstanceOf(EnvelopeError);
      expect(error).toMatchObject({ code: 'ENVELOPE_INVALID', field: undefined, name: 'EnvelopeError' });
      expect((error as Error).cause).toBeUndefined();
      expect(Object.keys(error as object).sort()).toEqual(['code', 'field', 'name']);
    }
  });

  it.each(forBoth)('decryptEnvelope refuses %s with the one error', (_label, envelope) => {
    const error = open(decryptEnvelope, envelope) as EnvelopeError;
    expect(error).toBeInstanceOf(EnvelopeError);
    expect(error.code).toBe('ENVELOPE_INVALID');
    expect(error.message).toBe((reference.text as Error).message);
    expect(throwSite(error)).toBe(throwSite(reference.text));
    expect(error.cause).toBeUndefined();
  });

  it.each([...forBoth, ...forJsonOnly])('decryptJson refuses %s with the one error', (_label, envelope) => {
    const error = open(decryptJson, envelope) as EnvelopeError;
    expect(error).toBeInstanceOf(EnvelopeError);
    expect(error.code).toBe('ENVELOPE_INVALID');
    expect(error.message).toBe((reference.json as Error).message);
    expect(throwSite(error)).toBe(throwSite(reference.json));
    expect(error.cause).toBeUndefined();
  });

  it('the crafted cases are malformed only where intended', () => {
    // Sanity of the fixtures: the same construction with correct padding opens fine.
    expect(decryptEnvelope(rawEnvelope(pkcs7(Buffer.from('{"a":1}'))), KEY)).toBe('{"a":1}');
    expect(decryptEnvelope(forJsonOnly[0]?.[1] as string, KEY)).toBe('hello');
    expect(decryptJson(valid, KEY)).toEqual({ a: 1 });
    // 32 bytes encode to 43 characters and one "=", so the padding and unused-bits cases really change something.
    expect(valid).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(withUnusedBitSet(valid), 'base64')).toEqual(Buffer.from(valid, 'base64'));
  });
});
