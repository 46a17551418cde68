import type { DataSource } from 'typeorm';

/** A business day's cleared totals, whole TWD as decimal strings (bigint sums, never floats). */
export interface DayTotals {
  date: string;
  vouchers_cleared: number;
  gross: string;
  fees: { escrow: string; gateway: string; issuance: string };
  shares: { headquarters: string; sales: string; reimbursement: string };
}

export interface DayPoint {
  date: string;
  gross: string;
  vouchers_cleared: number;
}

export const SERIES_DAYS = 90;

/** A day's totals from its clearings (one row per cleared voucher, the fee engine's split), not the journal. */
export async function dayTotals(dataSource: DataSource, date: string): Promise<DayTotals> {
  const [row] = await dataSource.query<Record<string, string>[]>(
    `SELECT count(*) AS n, coalesce(sum(cost), 0) AS gross,
            coalesce(sum(escrow_fee), 0) AS escrow, coalesce(sum(gateway_fee), 0) AS gateway,
            coalesce(sum(issuance_fee), 0) AS issuance, coalesce(sum(headquarters), 0) AS headquarters,
            coalesce(sum(sales), 0) AS sales, coalesce(sum(reimbursement), 0) AS reimbursement
       FROM clearings WHERE business_date = $1::date`,
    [date],
  );
  const r = row ?? {};
  return {
    date,
    vouchers_cleared: Number(r.n ?? 0),
    gross: String(r.gross ?? '0'),
    fees: {
      escrow: String(r.escrow ?? '0'),
      gateway: String(r.gateway ?? '0'),
      issuance: String(r.issuance ?? '0'),
    },
    shares: {
      headquarters: String(r.headquarters ?? '0'),
      sales: String(r.sales ?? '0'),
      reimbursement: String(r.reimbursement ?? '0'),
    },
  };
}

/** The 90 days ending at `until` (inclusive), one point a day, days without clearings at zero. */
export async function daySeries(dataSource: DataSource, until: string): Promise<DayPoint[]> {
  return dataSource.query<DayPoint[]>(
    `SELECT d::date::text AS date, coalesce(c.gross, 0)::text AS gross, coalesce(c.n, 0)::int AS vouchers_cleared
       FROM generate_series($1::date - ($2::int - 1), $1::date, interval '1 day') AS d
       LEFT JOIN (SELECT business_date, sum(cost) AS gross, count(*) AS n FROM clearings
                   WHERE business_date BETWEEN $1::date - ($2::int - 1) AND $1::date GROUP BY business_date) c
         ON c.business_date = d::date
      ORDER BY d`,
    [until, SERIES_DAYS],
  );
}
