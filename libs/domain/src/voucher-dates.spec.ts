import { describe, expect, it } from '@jest/globals';
import { taiwanBusinessDate } from './taiwan-time';
import { lastRedeemableDate, redemptionDateRefusal, trustEnded, type VoucherDates } from './voucher-dates';

const dates: VoucherDates = {
  trustStartDate: '2026-01-01',
  trustEndDate: '2027-06-30',
  validityEndDate: '2026-12-31',
};
const at = (iso: string) => taiwanBusinessDate(new Date(iso));

describe('voucher dates at redemption (Taiwan days)', () => {
  it('redeems on the last day of validity until 23:59:59 Taiwan time, and refuses from midnight', () => {
    expect(redemptionDateRefusal(dates, at('2026-12-31T15:59:59.999Z'))).toBeUndefined();
    expect(redemptionDateRefusal(dates, at('2026-12-31T16:00:00.000Z'))).toBe('expired');
    // 23:59 UTC on the 31st is already 07:59 on 1 January in Taipei.
    expect(redemptionDateRefusal(dates, at('2026-12-31T23:59:00.000Z'))).toBe('expired');
  });

  it('refuses before the trust period starts (00:00 Taiwan time is its first instant)', () => {
    expect(redemptionDateRefusal(dates, at('2025-12-31T15:59:59.999Z'))).toBe('trust_not_started');
    expect(redemptionDateRefusal(dates, at('2025-12-31T16:00:00.000Z'))).toBeUndefined();
  });

  it('never redeems past the trust period, whatever the validity says', () => {
    const late = { ...dates, validityEndDate: '2027-12-31' };
    expect(lastRedeemableDate(late)).toBe('2027-06-30');
    expect(redemptionDateRefusal(late, at('2027-06-30T15:59:59.999Z'))).toBeUndefined();
    expect(redemptionDateRefusal(late, at('2027-06-30T16:00:00.000Z'))).toBe('expired');
  });

  it('has no lower bound for a voucher whose trust start is unknown', () => {
    expect(
      redemptionDateRefusal({ ...dates, trustStartDate: null }, at('2000-01-01T00:00:00Z')),
    ).toBeUndefined();
  });

  it('ends the trust period once its last Taiwan day is over', () => {
    expect(trustEnded(dates, at('2027-06-30T15:59:59.999Z'))).toBe(false);
    expect(trustEnded(dates, at('2027-06-30T16:00:00.000Z'))).toBe(true);
  });
});
