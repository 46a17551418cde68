import { taiwanBusinessDate } from '@tixclear/domain';
import { QUEUES } from '@tixclear/operations';
import { closedThrough, PeriodError, PeriodErrorCode } from '@tixclear/settlement';
import type PgBoss from 'pg-boss';
import type { EntityManager } from 'typeorm';
import { ConsoleError, ConsoleErrorCode } from '../../console-errors';
import { periodKey, runOfPeriod } from './runs-reader';

/** The longest period one run may cover from the console (a catch-up of a quarter). */
export const MAX_RUN_DAYS = 92;

/** `2026-12-05` or `2026-12-01_2026-12-05` (the export folder's name of the period), checked. */
export function parsePeriod(text: string, today: string): { start: string; end: string } {
  const match = /^(\d{4}-\d{2}-\d{2})(?:_(\d{4}-\d{2}-\d{2}))?$/.exec(text);
  const start = match?.[1];
  const end = match?.[2] ?? start;
  const real = (d: string | undefined): d is string =>
    d !== undefined && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);
  if (!real(start) || !real(end))
    throw new ConsoleError(
      ConsoleErrorCode.BodyInvalid,
      'a period YYYY-MM-DD or YYYY-MM-DD_YYYY-MM-DD',
      'period',
    );
  if (end < start)
    throw new ConsoleError(ConsoleErrorCode.BodyInvalid, 'the period ends before it starts', 'period');
  if (end >= today)
    throw new ConsoleError(
      ConsoleErrorCode.BodyInvalid,
      `a business day is settled once it has ended: the period must end before ${today}`,
      'period',
    );
  const days = (Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000 + 1;
  if (days > MAX_RUN_DAYS)
    throw new ConsoleError(ConsoleErrorCode.BodyInvalid, `at most ${MAX_RUN_DAYS} days in one run`, 'period');
  return { start, end };
}

export function todayInTaipei(now = new Date()): string {
  return taiwanBusinessDate(now);
}

export interface StartedRun {
  period: { start: string; end: string };
  /** The period's run, when one exists already (the worker creates it when it takes the job). */
  run: { id: string; state: string } | null;
  /** Whether a job was queued now; false when the run is completed or a job of the period is live. */
  queued: boolean;
  job_id: string | null;
}

/**
 * Asks for a period's settlement run the way the nightly schedule does: a job on the settlement queue, which
 * the worker runs (`SettlementRunner.run`, unique per period, resumed where it stood). Idempotent on the
 * period: a completed run queues nothing, and while a job of the period is queued or running no second one is
 * queued (checked under a transaction lock on the period, so two requests at once queue one job). A period the
 * books have closed is refused as the runner refuses it (`PERIOD_CLOSED`), unless its run has posted already.
 */
export async function startRun(
  tx: EntityManager,
  boss: PgBoss,
  period: { start: string; end: string },
): Promise<StartedRun> {
  const key = periodKey(period.start, period.end);
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('console run start'), hashtext($1))`, [key]);
  const run = await runOfPeriod(tx, period.start, period.end);
  const through = await closedThrough(tx);
  if (
    through !== null &&
    period.start <= through &&
    (!run || run.state === 'clearing' || run.state === 'posting')
  )
    throw new PeriodError(
      PeriodErrorCode.Closed,
      `the books are closed through ${through}: no run posts into ${period.start}..${period.end}`,
      'period',
    );
  if (run?.state === 'completed') return { period, run, queued: false, job_id: null };
  const [live] = await tx.query<{ id: string }[]>(
    `SELECT id::text FROM pgboss.job WHERE name = $1 AND singleton_key = $2 AND state IN ('created', 'retry', 'active')
      LIMIT 1`,
    [QUEUES.settlement, key],
  );
  if (live) return { period, run, queued: false, job_id: live.id };
  // The job is inserted on the audit's transaction: queued and audited together, or neither.
  const jobId = await boss.send(QUEUES.settlement, period, {
    singletonKey: key,
    db: { executeSql: async (text, values) => ({ rows: await tx.query<unknown[]>(text, values) }) },
  });
  return { period, run, queued: jobId !== null, job_id: jobId };
}
