import { taiwanBusinessDate } from '@tixclear/domain';
import type { Logger } from '@tixclear/logging';
import type { Settlement } from '@tixclear/settlement';
import type PgBoss from 'pg-boss';

export const SETTLEMENT_QUEUE = 'settlement';

export interface SettlementJob {
  /** YYYY-MM-DD; absent for the nightly schedule: yesterday in Taiwan. */
  start?: string;
  end?: string;
}

/**
 * Nightly settlement from the PostgreSQL-backed queue: the schedule fires at 00:30 Taiwan time and settles the
 * business day that just ended. A run whose pay-offs are still with the gateway is sent again a little later,
 * until it completes. Two workers cannot run one run at once (the runner's advisory lock), and the job is
 * keyed by its period, so a schedule firing twice does not queue it twice.
 */
export async function workSettlement(
  boss: PgBoss,
  settlement: Settlement,
  log: Logger,
  options: { pollingIntervalSeconds: number; cron: string },
): Promise<void> {
  await boss.createQueue(SETTLEMENT_QUEUE);
  await boss.work<SettlementJob>(
    SETTLEMENT_QUEUE,
    { pollingIntervalSeconds: options.pollingIntervalSeconds },
    async (jobs) => {
      for (const job of jobs) {
        const end = job.data.end ?? taiwanBusinessDate(new Date(Date.now() - 24 * 60 * 60 * 1000));
        const start = job.data.start ?? end;
        const result = await settlement.runner.run(start, end, { payoutWaitMs: 30_000 });
        if (result !== 'busy' && result.status === 'waiting') {
          await boss.send(
            SETTLEMENT_QUEUE,
            { start, end },
            { startAfter: 300, singletonKey: `${start}_${end}` },
          );
        }
        log.info(
          { start, end, status: result === 'busy' ? 'busy elsewhere' : result.status },
          'settlement run',
        );
      }
    },
  );
  await boss.schedule(SETTLEMENT_QUEUE, options.cron, {}, { tz: 'Asia/Taipei' });
}
