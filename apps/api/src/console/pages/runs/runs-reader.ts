import { settlementRunStates } from '@tixclear/db';
import { QUEUES } from '@tixclear/operations';
import type { DataSource } from 'typeorm';
import { cursorParams, cursorSql, isKeysetCursor } from './keyset';

/** A settlement run as the console lists it: its step, times and the counts that are cheap to read. */
export interface RunRow {
  id: string;
  period_start: string;
  period_end: string;
  /** The next step to do (clearing → posting → batching → paying → exporting), or `completed`. */
  state: string;
  /** Steps done of the five, from the state (the runner moves it only after its step is done). */
  steps_done: number;
  steps_total: number;
  created_at: Date;
  updated_at: Date;
  /** Seconds from the run's creation to its last move (completed: its whole duration). */
  duration_seconds: number;
  /** Seconds since its last move, while it is not completed (how long its current step has taken). */
  current_step_seconds: number | null;
  /**
   * Paid vouchers cleared so far, from the clearing's per-chunk sums (`clearing_fee_sums`, a few rows a chunk):
   * it grows chunk by chunk while the run clears.
   */
  paid_vouchers_cleared: number;
  vouchers_held: number;
  batches: Record<string, number>;
  items: Record<string, number>;
  /** A queued, retrying or running job of the settlement queue for this period. */
  job: { state: string; created_on: Date } | null;
}

/** One run with the counts of its clearing (read for one run only: the run index of clearings). */
export interface RunDetail extends RunRow {
  vouchers_cleared: number;
  cleared_value: string;
  hold_reasons: Record<string, number>;
}

export const RUN_STEPS = settlementRunStates.filter((s) => s !== 'completed');
export const RUNS_PAGE = 20;

/** The settlement queue's key of a period, as the worker sends it (`<start>_<end>`). */
export function periodKey(start: string, end: string): string {
  return `${start}_${end}`;
}

const RUN_COLUMNS = `
  r.id, r.period_start::text AS period_start, r.period_end::text AS period_end, r.state, r.created_at,
  r.updated_at, extract(epoch FROM r.updated_at - r.created_at)::int AS duration_seconds,
  CASE WHEN r.state <> 'completed' THEN extract(epoch FROM now() - r.updated_at)::int END AS current_step_seconds,
  (SELECT coalesce(sum(f.vouchers), 0) FROM clearing_fee_sums f WHERE f.run_id = r.id)::int AS paid_vouchers_cleared,
  (SELECT count(*) FROM settlement_holds h WHERE h.run_id = r.id
      AND NOT EXISTS (SELECT 1 FROM clearings c WHERE c.redemption_line_id = h.redemption_line_id))::int
    AS vouchers_held,
  coalesce((SELECT jsonb_object_agg(s, n) FROM (SELECT b.state AS s, count(*) AS n FROM payout_batches b
            WHERE b.run_id = r.id GROUP BY b.state) x), '{}') AS batches,
  coalesce((SELECT jsonb_object_agg(s, n) FROM (SELECT i.state AS s, count(*) AS n FROM payout_batches b
            JOIN payout_items i ON i.batch_id = b.id WHERE b.run_id = r.id GROUP BY i.state) x), '{}') AS items,
  (SELECT jsonb_build_object('state', j.state, 'created_on', j.created_on) FROM pgboss.job j
    WHERE j.name = '${QUEUES.settlement}' AND j.singleton_key = r.period_start::text || '_' || r.period_end::text
      AND j.state IN ('created', 'retry', 'active') ORDER BY j.created_on DESC LIMIT 1) AS job`;

type RawRun = Omit<RunRow, 'steps_done' | 'steps_total' | 'job'> & {
  job: { state: string; created_on: string } | null;
};

function withSteps(row: RawRun): RunRow {
  const at = RUN_STEPS.indexOf(row.state as (typeof RUN_STEPS)[number]);
  return {
    ...row,
    steps_done: at < 0 ? RUN_STEPS.length : at,
    steps_total: RUN_STEPS.length,
    job: row.job ? { state: row.job.state, created_on: new Date(row.job.created_on) } : null,
  };
}

/** Runs newest first, a page at a time (`before` = the previous page's `next`); bounded, indexed reads. */
export async function listRuns(
  dataSource: DataSource,
  options: { before?: string; limit?: number } = {},
): Promise<{ runs: RunRow[]; next: string | null }> {
  const limit = options.limit ?? RUNS_PAGE;
  const rows = await dataSource.query<(RawRun & { cursor: string })[]>(
    `SELECT ${RUN_COLUMNS}, ${cursorSql('r.created_at', 'r.id')} AS cursor FROM settlement_runs r
      WHERE ($1::timestamptz IS NULL OR (r.created_at, r.id) < ($1::timestamptz, $2::uuid))
      ORDER BY r.created_at DESC, r.id DESC LIMIT $3`,
    [...cursorParams(options.before), limit + 1],
  );
  const page = rows.slice(0, limit);
  return {
    runs: page.map(({ cursor: _, ...row }) => withSteps(row)),
    next: rows.length > limit ? (page.at(-1)?.cursor ?? null) : null,
  };
}

export const isCursor = isKeysetCursor;

/** One run with its clearing's counts, or null. */
export async function readRun(dataSource: DataSource, id: string): Promise<RunDetail | null> {
  const [row] = await dataSource.query<RawRun[]>(
    `SELECT ${RUN_COLUMNS} FROM settlement_runs r WHERE r.id = $1`,
    [id],
  );
  if (!row) return null;
  const [cleared] = await dataSource.query<{ n: string; value: string }[]>(
    `SELECT count(*) AS n, coalesce(sum(cost), 0)::text AS value FROM clearings WHERE run_id = $1`,
    [id],
  );
  const reasons = await dataSource.query<{ reason: string; n: string }[]>(
    `SELECT reason, count(*) AS n FROM settlement_holds h
      WHERE run_id = $1 AND NOT EXISTS (SELECT 1 FROM clearings c WHERE c.redemption_line_id = h.redemption_line_id)
      GROUP BY reason ORDER BY reason`,
    [id],
  );
  return {
    ...withSteps(row),
    vouchers_cleared: Number(cleared?.n ?? 0),
    cleared_value: cleared?.value ?? '0',
    hold_reasons: Object.fromEntries(reasons.map((r) => [r.reason, Number(r.n)])),
  };
}

/** The run of a period, if any. */
export async function runOfPeriod(
  dataSource: Pick<DataSource, 'query'>,
  start: string,
  end: string,
): Promise<{ id: string; state: string } | null> {
  const [row] = await dataSource.query<{ id: string; state: string }[]>(
    `SELECT id, state FROM settlement_runs WHERE period_start = $1 AND period_end = $2`,
    [start, end],
  );
  return row ?? null;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
