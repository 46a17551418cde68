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

/** The API's dispatcher: one job per report, keyed by the report id so a repeat is not a second job. */
export function queueDispatcher(boss: PgBoss, timing: QueueTiming): ReportDispatcher {
  return {
    dispatch: async (ids) => {
      for (const id of ids) await sendReportJob(boss, id, timing);
    },
  };
}

export async function sendReportJob(
  boss: PgBoss,
  notificationId: string,
  timing: QueueTiming,
): Promise<void> {
  await boss.send(
    QUEUES.partnerReport,
    { notificationId },
    {
      singletonKey: notificationId,
      retryLimit: REPORT_ATTEMPTS - 1,
      retryDelay: timing.reportRetryDelaySeconds,
      retryBackoff: true,
    },
  );
}
