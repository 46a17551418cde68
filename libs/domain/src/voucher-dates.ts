import type { BusinessDate } from './taiwan-time';

/*
 * A voucher's dates (seed 000 『票券項目』) and what they allow, as Taiwan days `YYYY-MM-DD` (docs/protocol.md
 * §6, §7): `trust_start_date`..`trust_end_date` is the trust period (履約保證), `validity_end_date` the last
 * day of use (票券優惠結束日). Both ends are whole days: a voucher valid through 2026-12-31 is redeemable until
 * 23:59:59 Taiwan time that day (2026-12-31T15:59:59Z) and refused from 2027-01-01T00:00 Taiwan time.
 */

export interface VoucherDates {
  /** Unknown (`null`) for a voucher recorded before it was kept: no lower bound then. */
  trustStartDate: string | null;
  trustEndDate: string;
  validityEndDate: string;
}

/** Why a voucher may not be redeemed on a day; `undefined` when it may. */
export type RedemptionDateRefusal = 'trust_not_started' | 'expired';

/** The last Taiwan day a voucher may be redeemed: its validity end, but never past its trust period. */
export function lastRedeemableDate(dates: VoucherDates): string {
  return dates.validityEndDate < dates.trustEndDate ? dates.validityEndDate : dates.trustEndDate;
}

/**
 * Whether a voucher may be redeemed on Taiwan day `today`: within its trust period and not past its validity.
 * ISO dates compare as strings.
 */
export function redemptionDateRefusal(
  dates: VoucherDates,
  today: BusinessDate,
): RedemptionDateRefusal | undefined {
  if (dates.trustStartDate !== null && today < dates.trustStartDate) return 'trust_not_started';
  if (today > lastRedeemableDate(dates)) return 'expired';
  return undefined;
}

/** Whether the trust period is over on Taiwan day `today` (its last day has ended): an unused voucher expires. */
export function trustEnded(dates: Pick<VoucherDates, 'trustEndDate'>, today: BusinessDate): boolean {
  return today > dates.trustEndDate;
}
