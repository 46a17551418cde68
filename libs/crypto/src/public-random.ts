import { randomBytes, randomFillSync } from 'node:crypto';

/*
 * Random bytes for values that travel in clear (an envelope's IV, an upstream order id), cut from a pool the
 * CSPRNG fills 4 KiB at a time: one OpenSSL call per 256 IVs instead of one each, which on the redemption path
 * (three such values per request) cost more than the AES itself. Every byte is handed out once, as a copy.
 * Not for secrets (keys): the pool keeps what it handed out until the next refill.
 */

const POOL = Buffer.allocUnsafe(4096);
let used = POOL.length;

export function publicRandomBytes(size: number): Buffer {
  if (size > POOL.length) return randomBytes(size);
  if (used + size > POOL.length) {
    randomFillSync(POOL);
    used = 0;
  }
  const bytes = Buffer.from(POOL.subarray(used, used + size));
  used += size;
  return bytes;
}
