import { KeyFormatError, type KeyField } from './errors';

/** AES-256 takes 32 key bytes; the gateway hands out 32-character keys and uses their UTF-8 bytes as is. */
export const KEY_LENGTH = 32;

/**
 * The AES key bytes of a merchant key. The protocol says "a 32-character key used as its 32 UTF-8 bytes",
 * which only holds when every character is a single UTF-8 byte, so both counts must be 32. Anything else is
 * refused rather than hashed, padded or truncated, as some AES wrappers do: such a key could never interoperate
 * with the gateway, and failing on it at start-up beats failing on every request.
 */
export function keyBytes(key: string, field: KeyField = 'key', keyId?: string): Buffer {
  if (typeof key !== 'string') {
    throw new KeyFormatError('The merchant key must be a string.', field, keyId);
  }
  const bytes = Buffer.from(key, 'utf8');
  if (key.length !== KEY_LENGTH || bytes.length !== KEY_LENGTH) {
    // Never echo the key itself: it is a secret, and errors end up in logs.
    throw new KeyFormatError(
      `The merchant key must be ${KEY_LENGTH} single-byte characters (got ${key.length} characters, ${bytes.length} UTF-8 bytes).`,
      field,
      keyId,
    );
  }
  return bytes;
}
