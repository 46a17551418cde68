import PgBoss from 'pg-boss';
import type { DataSource } from 'typeorm';
import { REPORT_ATTEMPTS } from './reports/report-delivery';
import type { ReportDispatcher } from './reports/partner-outbox';

/** Queue names: one place, shared by the API (which sends) and the worker (which works). */
export const QUEUES = {
  partnerReport: 'partner-report',
  reconcile: 'reconcile',
  sweepReports: 'sweep-reports',
  /** Settlement runs of a period (`{ start, end }`): the worker's nightly schedule and the console send them. */
  settlement: 'settlement',
} as const;

export interface QueueTiming {
  /** Seconds before the first retry of a partner report; doubled each time (pg-boss backoff). */
  reportRetryDelaySeconds: number;
}

/** Where the queue's own errors go (a pino logger fits): pg-boss reports lost connections and failed maintenance here. */
export interface QueueErrorLog {
  error(fields: { err: unknown }, message: string): void;
}

/**
 * The PostgreSQL-backed job queue (pg-boss, in its own `pgboss` schema), so that no job is lost to a restart.
 * `role: 'producer'` only sends (the API); the worker also works and schedules. pg-boss's errors are logged,
 * never dropped: an unhandled `error` event would end the process, an ignored one would hide a stalled queue.
 */
export async function openJobQueue(
  connectionString: string,
  role: 'producer' | 'worker',
  log: QueueErrorLog,
): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString,
    max: role === 'worker' ? 4 : 2,
    supervise: role === 'worker',
    schedule: role === 'worker',
  });
  boss.on('error', (error) => log.error({ err: error }, 'job queue error'));
  await boss.start();
  await createQueues(boss, Object.values(QUEUES));
  return boss;
}

/**
 * Creates the queues (a no-op for one that exists). Two processes creating the same queue at once on a fresh
 * database can deadlock inside pg-boss (PostgreSQL aborts one with 40P01); the aborted one only has to ask again.
 */
export async function createQueues(
  boss: Pick<PgBoss, 'createQueue'>,
  names: readonly string[],
  attempts = 5,
): Promise<void> {
  for (const name of names) {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await boss.createQueue(name);
        break;
      } catch (error) {
        if ((error as { code?: unknown }).code !== '40P01' || attempt >= attempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  }
}

/** How long a report waits for others to share its insert, and the most one insert carries. */
export const REPORT_BATCH = { waitMs: 20, maxJobs: 100 } as const;

/**
 * The API's dispatcher: one job per new report (its id is the job's singleton key, which reportsWithoutJob
 * reads). Reports handed over within REPORT_BATCH.waitMs go in one insert: a job insert is a statement and a
 * commit in pg-boss's tables, a large share of a redemption's database work when sent one by one
 * (docs/benchmarks.md). The wait is nothing next to a report's own retry delays, and a batch lost to a crash
 * is still `pending` in the outbox, which the worker's sweep enqueues. Each caller learns whether its own
 * batch went in.
 */
export function queueDispatcher(boss: PgBoss, timing: QueueTiming): ReportDispatcher {
  interface Batch {
    ids: string[];
    flush: () => void;
    sent: Promise<void>;
  }
  let pending: Batch | undefined;
  const open = (): Batch => {
    const batch: Batch = { ids: [], flush: () => undefined, sent: Promise.resolve() };
    const due = new Promise<void>((resolve) => {
      const timer = setTimeout(() => batch.flush(), REPORT_BATCH.waitMs);
      batch.flush = () => {
        clearTimeout(timer);
        if (pending === batch) pending = undefined;
        resolve();
      };
    });
    batch.sent = due.then(() => sendReportJobs(boss, batch.ids, timing));
    return batch;
  };
  return {
    dispatch: (ids) => {
      if (ids.length === 0) return Promise.resolve();
      const batch = (pending ??= open());
      batch.ids.push(...ids);
      if (batch.ids.length >= REPORT_BATCH.maxJobs) batch.flush();
      return batch.sent;
    },
  };
}

export async function sendReportJob(
  boss: PgBoss,
  notificationId: string,
  timing: QueueTiming,
): Promise<void> {
  await sendReportJobs(boss, [notificationId], timing);
}

/**
 * One insert for many report jobs. It does not look for a job the report already has: a caller that may meet
 * one (the sweep, a resend) filters with {@link reportsWithoutJob} first.
 */
export async function sendReportJobs(
  boss: PgBoss,
  notificationIds: readonly string[],
  timing: QueueTiming,
): Promise<void> {
  if (notificationIds.length === 0) return;
  await boss.insert(
    notificationIds.map((notificationId) => ({
      name: QUEUES.partnerReport,
      data: { notificationId },
      singletonKey: notificationId,
      retryLimit: REPORT_ATTEMPTS - 1,
      retryDelay: timing.reportRetryDelaySeconds,
      retryBackoff: true,
    })),
  );
}

/**
 * Of these reports, those with no job queued, waiting for its retry or running. A report's jobs carry its id as
 * singleton key, but on a standard pg-boss queue that key does not stop a second job: only this check does, so
 * that the sweep and a resend never start a second delivery of a report beside the first (twice at once, and
 * without the first's backoff).
 */
export async function reportsWithoutJob(dataSource: DataSource, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const live = await dataSource.query<{ id: string }[]>(
    `SELECT singleton_key AS id FROM pgboss.job
      WHERE name = $1 AND singleton_key = ANY($2) AND state IN ('created', 'retry', 'active')`,
    [QUEUES.partnerReport, ids],
  );
  const busy = new Set(live.map((row) => row.id));
  return ids.filter((id) => !busy.has(id));
}
