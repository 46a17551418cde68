import { publicRandomBytes } from './public-random';

describe('publicRandomBytes', () => {
  it('hands out each pooled byte once: IVs across several refills of the pool all differ', () => {
    // 16 × 1,000 bytes: the 4 KiB pool is refilled three times on the way.
    const ivs = Array.from({ length: 1_000 }, () => publicRandomBytes(16).toString('hex'));
    expect(ivs.every((iv) => iv.length === 32)).toBe(true);
    expect(new Set(ivs).size).toBe(ivs.length);
  });

  it('returns a copy: a value held stays as it was when the pool is refilled', () => {
    const held = publicRandomBytes(16);
    const before = Buffer.from(held);
    for (let i = 0; i < 600; i++) publicRandomBytes(16); // past the 4 KiB pool: refilled at least twice
    expect(held.equals(before)).toBe(true);
  });

  it('serves a size larger than the pool straight from the generator', () => {
    const big = publicRandomBytes(10_000);
    expect(big).toHaveLength(10_000);
    // 10,000 random bytes take far more than a handful of distinct values.
    expect(new Set(big).size).toBeGreaterThan(200);
  });
});
