/*
 * Strict base64 (RFC 4648 §4, the standard alphabet, padded), because Node's `Buffer.from(s, 'base64')` is
 * lenient: it skips characters outside the alphabet, accepts the URL-safe alphabet, whitespace and missing
 * padding, and ignores non-zero trailing bits. Being lenient would let many different strings open as the same
 * envelope and would hide transport bugs (a `+` turned into a space by a form decoder) behind a later, vaguer
 * failure. Every reference client (PHP, C#, Java, Node, Python) emits exactly this canonical form.
 */

// Whole quanta of four, then at most one padded quantum. Linear: no nested or overlapping quantifiers.
const CANONICAL_SHAPE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes `text` if and only if it is canonical padded base64; returns `undefined` otherwise. Deliberately
 * not an exception: the caller folds every failure into one error of its own.
 */
export function decodeBase64Strict(text: string): Buffer | undefined {
  if (!CANONICAL_SHAPE.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  // The shape is right, but the last character may still carry non-zero unused bits ("QR==" for "QQ==").
  // Re-encoding is the simplest exact check that exactly one string maps to these bytes.
  return bytes.toString('base64') === text ? bytes : undefined;
}

/** Standard padded base64, the form every reference client produces. */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
