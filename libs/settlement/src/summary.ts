import { twd } from '@tixclear/domain';
import type { DataSource } from 'typeorm';

export interface RunSummary {
  period: { start: string; end: string };
  state: string;
  vouchersCleared: number;
  vouchersHeld: number;
  holdReasons: Record<string, number>;
  /** Credits to each ledger by this run's clearings, whole TWD. */
  ledgers: { headquarters: number; sales: number; reimbursement: number };
  fees: { escrow: number; gateway: number; issuance: number };
  batches: Record<string, number>;
  itemsByStatus: Record<string, number>;
  /** Sum of every journal line ever posted: zero, always. */
  trialBalance: number;
}

/** What a run did, from the database (so a resumed run reports the same as an uninterrupted one). */
export async function summarizeRun(dataSource: DataSource, runId: string): Promise<RunSummary> {
  const one = async <T>(sql: string): Promise<T> => (await dataSource.query<T[]>(sql, [runId]))[0] as T;
  const many = async (sql: string): Promise<Record<string, number>> =>
    Object.fromEntries(
      (await dataSource.query<{ k: string; n: string }[]>(sql, [runId])).map((r) => [r.k, Number(r.n)]),
    );
  const run = await one<{ period_start: string; period_end: string; state: string }>(
    `SELECT period_start::text, period_end::text, state FROM settlement_runs WHERE id = $1`,
  );
  const cleared = await one<
    Record<'n' | 'hq' | 'sales' | 'reimb' | 'escrow' | 'gateway' | 'issuance', string>
  >(
    `SELECT count(*) AS n, coalesce(sum(headquarters),0) AS hq, coalesce(sum(sales),0) AS sales,
            coalesce(sum(reimbursement),0) AS reimb, coalesce(sum(escrow_fee),0) AS escrow,
            coalesce(sum(gateway_fee),0) AS gateway, coalesce(sum(issuance_fee),0) AS issuance
       FROM clearings WHERE run_id = $1`,
  );
  const balance = await one<{ total: string }>(
    `SELECT coalesce(sum(amount),0) AS total FROM journal_lines WHERE $1::uuid IS NOT NULL`,
  );
  const holdReasons = await many(
    `SELECT reason AS k, count(*) AS n FROM settlement_holds h
      WHERE run_id = $1 AND NOT EXISTS (SELECT 1 FROM clearings c WHERE c.redemption_line_id = h.redemption_line_id)
      GROUP BY reason`,
  );
  return {
    period: { start: run.period_start, end: run.period_end },
    state: run.state,
    vouchersCleared: Number(cleared.n),
    vouchersHeld: Object.values(holdReasons).reduce((a, b) => a + b, 0),
    holdReasons,
    ledgers: {
      headquarters: twd(cleared.hq),
      sales: twd(cleared.sales),
      reimbursement: twd(cleared.reimb),
    },
    fees: {
      escrow: twd(cleared.escrow),
      gateway: twd(cleared.gateway),
      issuance: twd(cleared.issuance),
    },
    batches: await many(
      `SELECT state AS k, count(*) AS n FROM payout_batches WHERE run_id = $1 GROUP BY state`,
    ),
    itemsByStatus: await many(
      `SELECT i.state AS k, count(*) AS n FROM payout_items i JOIN payout_batches b ON b.id = i.batch_id
        WHERE b.run_id = $1 GROUP BY i.state`,
    ),
    trialBalance: twd(balance.total),
  };
}
