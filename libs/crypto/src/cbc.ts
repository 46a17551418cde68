import { createCipheriv, createDecipheriv } from 'node:crypto';
import { decodeBase64Strict, encodeBase64 } from './base64';

/*
 * The wire layout of an envelope, in bytes: IV(16) || AES-256-CBC ciphertext with PKCS#7 padding, then base64
 * over the whole. Failures here return `undefined` instead of throwing so that the public layer owns the one
 * and only decryption error (see EnvelopeError); nothing of Node's crypto errors travels further.
 */

const CIPHER = 'aes-256-cbc';
const BLOCK_LENGTH = 16;
/** AES-CBC's IV is one block. It leads the envelope in clear, as in every reference client. */
export const IV_LENGTH = BLOCK_LENGTH;

export interface EnvelopeParts {
  readonly iv: Buffer;
  readonly ciphertext: Buffer;
}

/** Encrypts (Node pads with PKCS#7 by default) and lays out `base64(iv || ciphertext)`. */
export function sealBytes(plain: Buffer, key: Buffer, iv: Buffer): string {
  const cipher = createCipheriv(CIPHER, key, iv);
  return encodeBase64(Buffer.concat([iv, cipher.update(plain), cipher.final()]));
}

/**
 * Splits an envelope into IV and ciphertext, or `undefined` when it cannot be one: not a string, not strict
 * base64, shorter than IV plus one block (PKCS#7 always adds at least one byte, so even "" takes a block), or
 * a ciphertext that is not whole blocks. None of this involves the key, so no secret is at stake yet.
 */
export function splitEnvelope(envelope: unknown): EnvelopeParts | undefined {
  if (typeof envelope !== 'string') return undefined;
  const bytes = decodeBase64Strict(envelope);
  if (bytes === undefined || bytes.length < IV_LENGTH + BLOCK_LENGTH) return undefined;
  if ((bytes.length - IV_LENGTH) % BLOCK_LENGTH !== 0) return undefined;
  return { iv: bytes.subarray(0, IV_LENGTH), ciphertext: bytes.subarray(IV_LENGTH) };
}

/**
 * Decrypts and strips PKCS#7 padding, or `undefined` when the padding is wrong. A wrong key almost always
 * shows up here (a random last block has valid padding with probability about 1/256); without a MAC nothing
 * can detect it for certain, which is why the JSON layer checks again.
 */
export function openBytes(parts: EnvelopeParts, key: Buffer): Buffer | undefined {
  try {
    const decipher = createDecipheriv(CIPHER, key, parts.iv);
    return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]);
  } catch {
    // Node says "bad decrypt" (OpenSSL's padding check). Swallowed on purpose: see EnvelopeError.
    return undefined;
  }
}
