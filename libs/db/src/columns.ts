import type { ValueTransformer } from 'typeorm';

/**
 * Money is whole TWD in `bigint` columns. node-postgres returns bigint as a string (it cannot know the value
 * fits a JS number); amounts here are bounded far below 2^53, so we convert and check rather than carry
 * strings around the code.
 */
export const twdColumn: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => {
    if (value === null) return null;
    const n = Number(value);
    if (!Number.isSafeInteger(n)) throw new RangeError(`bigint column value ${value} is not a safe integer`);
    return n;
  },
};

/**
 * Decimal places of a stored sharing ratio (`numeric(7, 6)` on vouchers and redemption lines). A ratio with
 * more is refused at purchase, never rounded: rounded shares would no longer sum to 1.
 */
export const SHARING_SCALE = 6;
