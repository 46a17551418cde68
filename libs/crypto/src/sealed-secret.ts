import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { decodeBase64Strict } from './base64';
import { CryptoError, KeyFormatError } from './errors';

/**
 * Secrets at rest (partner keys in the database) sealed with AES-256-GCM under a master key that only the
 * environment holds. GCM authenticates: a tampered or foreign row fails to open instead of yielding garbage.
 * Format: `v1.` + base64(iv(12) || tag(16) || ciphertext). The version prefix lets the scheme change later.
 */
const VERSION = 'v1.';

export class SealedSecretError extends CryptoError {
  readonly code = 'SEALED_SECRET_INVALID';
  constructor() {
    super('A sealed secret could not be opened (wrong master key or damaged value).');
  }
}

/** Parses a master key given as 64 hex characters or base64 of 32 bytes. */
export function parseMasterKey(text: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : decodeBase64Strict(text);
  if (key?.length !== 32) {
    throw new KeyFormatError('The master key must be 32 bytes (64 hex characters or base64).', 'key');
  }
  return key;
}

export function sealSecret(plaintext: string, masterKey: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return VERSION + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

export function openSecret(sealed: string, masterKey: Buffer): string {
  if (!sealed.startsWith(VERSION)) throw new SealedSecretError();
  const raw = decodeBase64Strict(sealed.slice(VERSION.length));
  if (raw === undefined || raw.length < 28) throw new SealedSecretError();
  try {
    const decipher = createDecipheriv('aes-256-gcm', masterKey, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    throw new SealedSecretError();
  }
}
