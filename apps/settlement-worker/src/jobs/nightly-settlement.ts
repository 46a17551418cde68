import { taiwanBusinessDate } from '@tixclear/domain';
import type { Logger } from '@tixclear/logging';
import { createQueues, QUEUES } from '@tixclear/operations';
import {
  figuresSourceFrom,
  reconcileBooks,
  type ReconciliationResult,
  type Settlement,
} from '@tixclear/settlement';
import type PgBoss from 'pg-boss';
import type { DataSource } from 'typeorm';

export const SETTLEMENT_QUEUE = QUEUES.settlement;

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
  options: {
    pollingIntervalSeconds: number;
    cron: string;
    /** The books' database, and the source of the gateway's figures (RECONCILE_SOURCE; none: not reconciled). */
    reconcile: { dataSource: DataSource; source: string | undefined };
    /** The payments' reconciliation of a completed run's dates (reconcilePaymentsAfterRun). */
    payments?: (start: string, end: string) => Promise<void>;
  },
): Promise<void> {
  const reconcile = reconcileAfterRun(options.reconcile.dataSource, log, options.reconcile.source);
  await createQueues(boss, [SETTLEMENT_QUEUE]);
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
        if (result !== 'busy' && result.status === 'completed') {
          await reconcile(start, end);
          await options.payments?.(start, end);
        }
      }
    },
  );
  await boss.schedule(SETTLEMENT_QUEUE, options.cron, {}, { tz: 'Asia/Taipei' });
}

/**
 * After a completed run, each of its dates is reconciled with the gateway (libs/settlement, reconciliation/):
 * the result stored, a difference on the operators' queue and logged as a warning. A reconciliation that fails
 * is logged and leaves the run as it is: `npm run settle -- reconcile --date …` does it again.
 */
export function reconcileAfterRun(
  dataSource: DataSource,
  log: Logger,
  spec: string | undefined,
): (start: string, end: string) => Promise<void> {
  return async (start, end) => {
    if (spec === undefined) {
      log.info({ start, end }, 'books not reconciled with the gateway: RECONCILE_SOURCE is not set');
      return;
    }
    const source = figuresSourceFrom(spec);
    for (let date = start; date <= end; date = nextDate(date)) {
      try {
        const result: ReconciliationResult = await reconcileBooks(dataSource, source, date);
        const fields = {
          date,
          differences: result.differences,
          merchants: result.merchants.map((m) => ({
            merchant: m.merchantUid,
            books: m.booksHeld,
            gateway: m.gatewayHeld,
            differences: m.differences.length,
          })),
        };
        if (result.differences === 0) log.info(fields, 'books reconciled with the gateway');
        else log.warn(fields, "books differ from the gateway: on the operators' queue");
      } catch (error) {
        log.error({ err: error, date }, 'reconciling the books with the gateway failed');
      }
    }
  };
}

function nextDate(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
