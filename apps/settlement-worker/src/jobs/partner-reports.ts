import { PartnerNotificationEntity } from '@tixclear/db';
import {
  deliverReport,
  QUEUES,
  reportsWithoutJob,
  sendReportJob,
  type DeliveryOptions,
  type QueueTiming,
} from '@tixclear/operations';
import type PgBoss from 'pg-boss';
import { LessThan, type DataSource } from 'typeorm';

/**
 * Partner reports: one queue job per report, one delivery per attempt (signed with the partner's report secrets). A failed attempt throws, so that pg-boss
 * retries it with its exponential backoff; the fifth failure flags the report and ends the job.
 */
export async function workPartnerReports(
  boss: PgBoss,
  dataSource: DataSource,
  pollingIntervalSeconds: number,
  delivery: DeliveryOptions,
): Promise<void> {
  await boss.work<{ notificationId: string }>(
    QUEUES.partnerReport,
    { pollingIntervalSeconds },
    async (jobs) => {
      for (const job of jobs) {
        const result = await deliverReport(dataSource, job.data.notificationId, delivery);
        if (result === 'retry') throw new Error(`report ${job.data.notificationId} not acknowledged`);
      }
    },
  );
}

/**
 * The outbox sweep: a report still pending a while after it was written is (re-)enqueued — one never handed to
 * the queue (the API stopped right after its commit), one whose job died of something other than the
 * partner's answer, or one a partner or operator asked for again. A report with a job still queued, waiting for
 * its retry or running is left to it (reportsWithoutJob), so none is delivered by two jobs at once.
 */
export async function sweepPendingReports(
  boss: PgBoss,
  dataSource: DataSource,
  timing: QueueTiming,
): Promise<number> {
  const stale = await dataSource.getRepository(PartnerNotificationEntity).find({
    select: { id: true },
    where: { state: 'pending', createdAt: LessThan(new Date(Date.now() - 30_000)) },
    take: 500,
  });
  const idle = await reportsWithoutJob(
    dataSource,
    stale.map((report) => report.id),
  );
  for (const id of idle) await sendReportJob(boss, id, timing);
  return idle.length;
}
