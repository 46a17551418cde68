import PgBoss from 'pg-boss';
import { REPORT_ATTEMPTS } from './report-delivery';
import type { ReportDispatcher } from './partner-outbox';

/** Queue names: one place, shared by the API (which sends) and the worker (which works). */
export const QUEUES = {
  partnerReport: 'partner-report',
  reconcile: 'reconcile',
  sweepReports: 'sweep-reports',
} as const;

export interface QueueTiming {
  /** Seconds before the first retry of a partner report; doubled each time (pg-boss backoff). */
  reportRetryDelaySeconds: number;
}

/**
 * The PostgreSQL-backed job queue (pg-boss, in its own `pgboss` schema), so that no job is lost to a restart.
 * `role: 'producer'` only sends (the API); the worker also works and schedules.
 */
export async function openJobQueue(connectionString: string, role: 'producer' | 'worker'): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString,
    max: role === 'worker' ? 4 : 2,
    supervise: role === 'worker',
    schedule: role === 'worker',
  });
  boss.on('error', () => undefined);
  await boss.start();
  for (const name of Object.values(QUEUES)) await boss.createQueue(name);
  return boss;
}

/**
 * The API's dispatcher: one job per report, keyed by the report id so a repeat is not a second job. Reports
 * handed over in the same turn of the event loop go in one insert (one round trip for many: under load,
 * concurrent requests finish together); each caller still learns whether its own batch went in.
 */
export function queueDispatcher(boss: PgBoss, timing: QueueTiming): ReportDispatcher {
  let pending: { ids: string[]; sent: Promise<void> } | undefined;
  return {
    dispatch: (ids) => {
      if (ids.length === 0) return Promise.resolve();
      if (!pending) {
        const batch = { ids: [] as string[], sent: Promise.resolve() };
        batch.sent = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
          pending = undefined;
          return sendReportJobs(boss, batch.ids, timing);
        });
        pending = batch;
      }
      pending.ids.push(...ids);
      return pending.sent;
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

/** One insert for many report jobs; a job already queued for a report (same singleton key) is left alone. */
export async function sendReportJobs(
  boss: PgBoss,
  notificationIds: readonly string[],
  timing: QueueTiming,
): Promise<void> {
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
