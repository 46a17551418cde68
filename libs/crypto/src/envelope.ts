import { IV_LENGTH, openBytes, sealBytes, splitEnvelope, type EnvelopeParts } from './cbc';
import { decodeText, encodeText, parseJson, serializeJson } from './codec';
import { CryptoInputError, EnvelopeError } from './errors';
import { keyBytes } from './key-material';
import { publicRandomBytes } from './public-random';

/*
 * The protocol envelope (docs/protocol.md §1, seed 000 附錄四): base64(IV(16) || AES-256-CBC(key, IV, PKCS#7(utf8(text)))).
 *
 * Keys are validated before an envelope is looked at, so a KeyFormatError depends on configuration only.
 * Everything that depends on the envelope fails with EnvelopeError, thrown from one place per public function,
 * with nothing attached: the message, the (absent) cause and even the stack are the same whichever check failed.
 */

/**
 * Encrypts `plaintext` for the gateway. The IV is random per message unless one is given: tests pin it to get
 * fixed vectors, and the C# sample encrypts `service` and `encry_data` under one shared IV.
 */
export function encryptEnvelope(plaintext: string, key: string, iv?: Buffer): string {
  const secret = keyBytes(key);
  return sealBytes(encodeText(plaintext), secret, ivOrRandom(iv));
}

/** Opens an envelope to its exact text. Throws EnvelopeError for anything malformed, wrong key included. */
export function decryptEnvelope(envelope: string, key: string): string {
  const secret = keyBytes(key);
  const parts = splitEnvelope(envelope);
  const text = parts === undefined ? undefined : openText(parts, secret);
  if (text === undefined) throw new EnvelopeError();
  return text;
}

/** Encrypts the compact JSON of `value`. */
export function encryptJson(value: unknown, key: string, iv?: Buffer): string {
  return sealJson(value, keyBytes(key), iv);
}

/**
 * Opens an envelope and parses its JSON. Both `{"a":"\/\u7968"}` (PHP's json_encode) and `{"a":"/票"}` give
 * the same value. Throws EnvelopeError for anything malformed, text that is not JSON included.
 */
export function decryptJson(envelope: string, key: string): unknown {
  const secret = keyBytes(key);
  const parts = splitEnvelope(envelope);
  const opened = parts === undefined ? undefined : openJson(parts, secret);
  if (opened === undefined) throw new EnvelopeError();
  return opened.value;
}

/** Internal to the library (the key ring): encrypt JSON with already validated key bytes. */
export function sealJson(value: unknown, secret: Buffer, iv?: Buffer): string {
  return sealBytes(encodeText(serializeJson(value)), secret, ivOrRandom(iv));
}

/** Internal to the library: decrypt, UTF-8 decode and parse, or `undefined` if any step fails. */
export function openJson(parts: EnvelopeParts, secret: Buffer): { value: unknown } | undefined {
  const text = openText(parts, secret);
  return text === undefined ? undefined : parseJson(text);
}

function openText(parts: EnvelopeParts, secret: Buffer): string | undefined {
  const plain = openBytes(parts, secret);
  return plain === undefined ? undefined : decodeText(plain);
}

function ivOrRandom(iv: Buffer | undefined): Buffer {
  if (iv === undefined) return publicRandomBytes(IV_LENGTH);
  if (!(iv instanceof Uint8Array) || iv.length !== IV_LENGTH) {
    throw new CryptoInputError(`The IV must be ${IV_LENGTH} bytes.`, 'iv');
  }
  // A copy: the caller's buffer may be reused or changed after we return.
  return Buffer.from(iv);
}
