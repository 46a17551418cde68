import { fromDbString } from '@tixclear/domain';
import type { ValueTransformer } from 'typeorm';

/**
 * Money is whole TWD in `bigint` columns. node-postgres returns bigint as a string (it cannot know the value
 * fits a JS number); the domain's one reader, `fromDbString`, makes it a checked `Twd` (MONEY_INVALID past 2^53).
 */
export const twdColumn: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : fromDbString(value)),
};

/**
 * Decimal places of a stored sharing ratio (`numeric(7, 6)` on vouchers and redemption lines). A ratio with
 * more is refused at purchase, never rounded: rounded shares would no longer sum to 1.
 */
export const SHARING_SCALE = 6;
