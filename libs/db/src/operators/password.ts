import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Operator passwords, hashed with scrypt (node:crypto: memory-hard, no native dependency). The stored form
 * carries its parameters, `scrypt$<N>$<r>$<p>$<salt b64url>$<hash b64url>`, so they can be raised later
 * (`needsRehash`) without locking anyone out. Comparison is constant-time over the derived bytes.
 */
export interface ScryptParams {
  /** CPU/memory cost, a power of two: memory is 128·N·r bytes (32 MiB at the defaults). */
  N: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT: Readonly<ScryptParams> = { N: 2 ** 15, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Longer passwords are refused before hashing: a megabyte-long password must not cost the server more. */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

export class PasswordPolicyError extends Error {
  readonly code = 'PASSWORD_POLICY';
  readonly field = 'password';
}

/** Refuses a password outside PASSWORD_MIN..PASSWORD_MAX characters. */
export function checkPasswordPolicy(password: string): void {
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) {
    throw new PasswordPolicyError(`a password has ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`);
  }
}

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = {
    N: params.N,
    r: params.r,
    p: params.p,
    // Node refuses more than 32 MiB by default: room for the parameters' own need, twice over.
    maxmem: 256 * params.N * params.r + 1024 * 1024,
  };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  checkPasswordPolicy(password);
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join(
    '$',
  );
}

interface Stored {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

/** The parts of a stored hash, or undefined for anything not of our shape (never an exception). */
export function parseStoredHash(stored: string): Stored | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const isPowerOfTwo = Number.isSafeInteger(N) && N > 1 && (N & (N - 1)) === 0;
  // Bounds keep a corrupted row from asking for gigabytes.
  if (!isPowerOfTwo || N > 2 ** 20 || !Number.isInteger(r) || r < 1 || r > 32) return undefined;
  if (!Number.isInteger(p) || p < 1 || p > 16) return undefined;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const key = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length < 16 || key.length !== KEY_BYTES) return undefined;
  return { params: { N, r, p }, salt, key };
}

/**
 * Whether the password matches the stored hash. A hash of another shape, or a password out of bounds, is
 * false after the same work as a real comparison (no early answer that times differently).
 */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parsed = (stored && parseStoredHash(stored)) || dummy();
  const tooLong = password.length > PASSWORD_MAX;
  const key = await derive(tooLong ? '' : password, parsed.salt, parsed.params);
  return timingSafeEqual(key, parsed.key) && !tooLong && parsed !== dummyHash;
}

/** Whether a stored hash was made with weaker parameters than `params` (rehash it at the next sign-in). */
export function needsRehash(stored: string, params: ScryptParams = DEFAULT_SCRYPT): boolean {
  const parsed = parseStoredHash(stored);
  return !parsed || parsed.params.N < params.N || parsed.params.r < params.r || parsed.params.p < params.p;
}

let dummyHash: Stored | undefined;
/** A hash no password matches, with the default cost: what an unknown name is compared against. */
function dummy(): Stored {
  dummyHash ??= { params: { ...DEFAULT_SCRYPT }, salt: randomBytes(SALT_BYTES), key: randomBytes(KEY_BYTES) };
  return dummyHash;
}

/** Compares a password with an unknown operator's (none): the same cost as a real one, always false. */
export function verifyAgainstNothing(password: string): Promise<boolean> {
  return verifyPassword(password, null);
}
