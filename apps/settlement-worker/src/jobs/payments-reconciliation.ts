import type { Logger } from '@tixclear/logging';
import {
  DEFAULT_PAYMENT_QUERIES,
  reconcilePayments,
  type PaymentsGatewayPort,
  type PaymentsPartnerContexts,
} from '@tixclear/settlement';
import type { DataSource } from 'typeorm';

/**
 * After a completed run, each of its dates' payments is reconciled with the gateway's `queryorder`
 * (libs/settlement, payments/): at most `maxQueries` queries a date, the result stored, a difference on the
 * operators' queue and logged as a warning. A failure is logged and leaves the run as it is:
 * `npm run settle -- reconcile-payments --date …` does it again.
 */
export function reconcilePaymentsAfterRun(
  dataSource: DataSource,
  deps: { gateway: PaymentsGatewayPort; partners: PaymentsPartnerContexts },
  log: Logger,
  maxQueries = DEFAULT_PAYMENT_QUERIES,
): (start: string, end: string) => Promise<void> {
  return async (start, end) => {
    for (let date = start; date <= end; date = nextDate(date)) {
      try {
        const result = await reconcilePayments(dataSource, deps, date, { maxQueries });
        const fields = {
          date,
          checked: result.checked,
          unchecked: result.unchecked,
          differences: result.differences.length,
        };
        if (result.differences.length === 0) log.info(fields, 'payments reconciled with the gateway');
        else log.warn(fields, "payments differ from the gateway: on the operators' queue");
      } catch (error) {
        log.error({ err: error, date }, 'reconciling payments with the gateway failed');
      }
    }
  };
}

function nextDate(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
