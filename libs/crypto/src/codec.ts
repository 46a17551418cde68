import { CryptoInputError } from './errors';

/*
 * Text and JSON on either side of the cipher. Encoding is strict about our own inputs (a programming error
 * throws CryptoInputError); decoding returns `undefined` on anything malformed so that decryption can fold it
 * into its single error.
 */

// In Unicode mode a paired surrogate is one astral code point, so \p{Cs} only matches lone surrogates.
const LONE_SURROGATE = /\p{Cs}/u;

// fatal: invalid UTF-8 is an error, not U+FFFD. ignoreBOM: keep a leading U+FEFF as text rather than silently
// dropping it, so that decryptEnvelope returns exactly the characters that were encrypted.
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * UTF-8 bytes of a plaintext. A lone surrogate would be replaced by U+FFFD without a word, and the round trip
 * would no longer give back what went in; refuse it instead.
 */
export function encodeText(plaintext: string): Buffer {
  if (typeof plaintext !== 'string') {
    throw new CryptoInputError('The plaintext must be a string.', 'plaintext');
  }
  if (LONE_SURROGATE.test(plaintext)) {
    throw new CryptoInputError('The plaintext is not well-formed Unicode (lone surrogate).', 'plaintext');
  }
  return Buffer.from(plaintext, 'utf8');
}

/** The text of decrypted bytes, or `undefined` when they are not valid UTF-8. */
export function decodeText(bytes: Uint8Array): string | undefined {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Compact JSON as the Node and Python samples send it. We do not imitate PHP's `\/` and `\uXXXX` escapes:
 * they are optional in JSON and every parser, the gateway's included, reads both forms.
 */
export function serializeJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    // BigInt, cycles, a throwing toJSON: our own data, so the cause is safe (and useful) to keep.
    throw new CryptoInputError('The value cannot be serialised as JSON.', 'value', { cause: error });
  }
  if (text === undefined) {
    throw new CryptoInputError(
      'The value has no JSON representation (undefined, a function or a symbol).',
      'value',
    );
  }
  return text;
}

/** The parsed JSON value, boxed so that a decrypted `null` is told apart from failure. */
export function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}
