import type { DataSource } from 'typeorm';

/**
 * A business day's figures, counts and whole TWD as decimal strings (bigint sums, never floats): vouchers sold,
 * redeemed online and offline, refunded, and the cleared vouchers' gross value, fees and shares.
 */
export interface DayTotals {
  date: string;
  vouchers_sold: string;
  redeemed_online: string;
  redeemed_offline: string;
  vouchers_refunded: string;
  vouchers_cleared: string;
  gross: string;
  fees: { escrow: string; gateway: string; issuance: string };
  shares: { headquarters: string; sales: string; reimbursement: string };
}

export interface DayPoint {
  date: string;
  gross: string;
  vouchers_cleared: string;
}

export const SERIES_DAYS = 90;

/**
 * A day's figures from `day_totals` (libs/db migration DayTotals): at most 8 rows a day, kept by triggers in the
 * statements that write clearings, redemption lines and purchase/refund entries. Never the journal, never the
 * day's clearings: a day of a million vouchers costs what a day of one does.
 */
export async function dayTotals(dataSource: DataSource, date: string): Promise<DayTotals> {
  const [r = {}] = await dataSource.query<Record<string, string>[]>(
    `SELECT coalesce(sum(sold), 0)::text AS sold, coalesce(sum(redeemed_online), 0)::text AS online,
            coalesce(sum(redeemed_offline), 0)::text AS offline, coalesce(sum(refunded), 0)::text AS refunded,
            coalesce(sum(vouchers_cleared), 0)::text AS cleared, coalesce(sum(gross), 0)::text AS gross,
            coalesce(sum(escrow_fee), 0)::text AS escrow, coalesce(sum(gateway_fee), 0)::text AS gateway,
            coalesce(sum(issuance_fee), 0)::text AS issuance, coalesce(sum(headquarters), 0)::text AS headquarters,
            coalesce(sum(sales), 0)::text AS sales, coalesce(sum(reimbursement), 0)::text AS reimbursement
       FROM day_totals WHERE business_date = $1::date`,
    [date],
  );
  const of = (key: string) => r[key] ?? '0';
  return {
    date,
    vouchers_sold: of('sold'),
    redeemed_online: of('online'),
    redeemed_offline: of('offline'),
    vouchers_refunded: of('refunded'),
    vouchers_cleared: of('cleared'),
    gross: of('gross'),
    fees: { escrow: of('escrow'), gateway: of('gateway'), issuance: of('issuance') },
    shares: { headquarters: of('headquarters'), sales: of('sales'), reimbursement: of('reimbursement') },
  };
}

/** The 90 days ending at `until` (inclusive), one point a day, days without clearings at zero (`day_totals`). */
export async function daySeries(dataSource: DataSource, until: string): Promise<DayPoint[]> {
  return dataSource.query<DayPoint[]>(
    `SELECT d::date::text AS date, coalesce(t.gross, 0)::text AS gross,
            coalesce(t.n, 0)::text AS vouchers_cleared
       FROM generate_series($1::date - ($2::int - 1), $1::date, interval '1 day') AS d
       LEFT JOIN (SELECT business_date, sum(gross) AS gross, sum(vouchers_cleared) AS n FROM day_totals
                   WHERE business_date BETWEEN $1::date - ($2::int - 1) AND $1::date GROUP BY business_date) t
         ON t.business_date = d::date
      ORDER BY d`,
    [until, SERIES_DAYS],
  );
}
