import { formatTaiwanDate } from '@tixclear/domain';
import type { Merchant } from '../merchants';
import type { PayPageOrder } from '../state/types';
import type { RequestFor } from '../validation';
import { changed, unchanged, type FlowResult, type Services } from './context';
import { markPaid, reportOrder } from './paypage';

/*
 * Recurring (direct debit) orders (seed 001 定期定額, 定期定額式扣款取消). An order with `regular` (or pfn
 * DIRECTDEBIT) gets a 定期定額式扣款編號 (`group_id`, given or `D` + 10 digits); paying it is the first charge
 * (nois 1). Each later charge is a transaction of its own uid (queried with the order's key), paid at once,
 * reported with its uid and nois, into the holdings (under the order's order_id): on the simulator's clock, each
 * period after the first charge (`chargeDue`, `POST /_control/recurring/charge-due`), or one at once
 * (`POST /_control/orders/<uid>/charge`). api/disabledirectdebit stops the charges from `stop_time` on; the stop
 * day must be after today (the seed's sample refusal: B500 停扣日必須大於今日).
 */

const DAY_MS = 86_400_000;
const TAIWAN_MS = 8 * 3_600_000;

/** When charge `nois` (2, 3, ...) of an order first charged at `first` falls due: its period (『分期類型定義』) later. */
export function chargeDueAt(first: Date, period: string, nois: number): Date | null {
  const n = nois - 1;
  const days: Readonly<Record<string, number>> = { W: 7, F: 14 };
  const months: Readonly<Record<string, number>> = { M: 1, S: 3, H: 6, A: 12 };
  const day = days[period];
  if (day !== undefined) return new Date(first.getTime() + n * day * DAY_MS);
  const month = months[period];
  if (month === undefined) return null; // O: a one-off charge
  // Months on the Taiwan calendar, the day of the month kept or the month's last (31 Jan + 1 month: 28 Feb).
  const local = new Date(first.getTime() + TAIWAN_MS);
  const target = new Date(local);
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + n * month);
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(local.getUTCDate(), last));
  return new Date(target.getTime() - TAIWAN_MS);
}

/** Every charge due by the simulator's clock, order by order, each reported: what the gateway does each period. */
export function chargeDue(services: Services): { uid: number; nois: number; chargeUid: number }[] {
  const charged: { uid: number; nois: number; chargeUid: number }[] = [];
  const now = services.clock.now().getTime();
  for (const order of services.state.orders.values()) {
    const first = order.recurring?.charges[0];
    if (first === undefined) continue;
    for (;;) {
      const due = chargeDueAt(
        first.at,
        order.recurring?.period ?? 'O',
        (order.recurring?.charges.length ?? 0) + 1,
      );
      if (due === null || due.getTime() > now) break;
      const { moved, nois } = chargeRecurring(services, order);
      if (!moved) break;
      charged.push({ uid: order.uid, nois, chargeUid: order.recurring?.charges.at(-1)?.uid ?? 0 });
    }
  }
  return charged;
}

export function disableDirectDebit(
  services: Services,
  merchant: Merchant,
  request: RequestFor<'disabledirectdebit'>,
): FlowResult {
  const answer = (code: 'B200' | 'B500', msg: string) => ({
    code,
    msg,
    order_id: request.order_id,
    group_id: request.group_id,
  });
  const order = services.state.orderByOrderId(merchant.uid, request.order_id);
  const recurring = order?.recurring;
  if (
    order === undefined ||
    recurring === null ||
    recurring === undefined ||
    recurring.groupId !== request.group_id
  )
    return unchanged(answer('B500', '執行失敗: order_id/group_id (no such recurring order)'));
  const today = formatTaiwanDate(services.clock.now());
  if (request.stop_time <= today) return unchanged(answer('B500', '停扣日必須大於今日'));
  recurring.stopFrom = request.stop_time;
  recurring.stopReason = request.stop_reason ?? '';
  return changed(answer('B200', '執行成功'));
}

/**
 * One more charge of a recurring order; refused (not moved) when not recurring, unpaid, stopped or complete.
 * `ignoreStop` plays a gateway that misbehaves: it charges after the stop day of disabledirectdebit.
 */
export function chargeRecurring(
  services: Services,
  order: PayPageOrder,
  ignoreStop = false,
): { moved: boolean; nois: number } {
  const recurring = order.recurring;
  const now = services.clock.now();
  const count = recurring?.charges.length ?? 0;
  if (
    recurring === null ||
    count === 0 ||
    (order.prc !== '250' && order.prc !== '230') ||
    (!ignoreStop && recurring.stopFrom !== null && formatTaiwanDate(now) >= recurring.stopFrom) ||
    (recurring.total > 0 && count >= recurring.total)
  ) {
    return { moved: false, nois: count };
  }
  markPaid(services, order, order.cost, now);
  reportOrder(services, order, recurring.charges.at(-1));
  return { moved: true, nois: recurring.charges.length };
}
