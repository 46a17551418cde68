import { formatTaiwanDate } from '@tixclear/domain';
import type { Merchant } from '../merchants';
import type { PayPageOrder } from '../state/types';
import type { RequestFor } from '../validation';
import { changed, unchanged, type FlowResult, type Services } from './context';
import { markPaid, reportOrder } from './paypage';

/*
 * Recurring (direct debit) orders (seed 001 定期定額, 定期定額式扣款取消). An order with `regular` (or pfn
 * DIRECTDEBIT) gets a 定期定額式扣款編號 (`group_id`, given or `D` + 10 digits); paying it is the first charge
 * (nois 1). Each later charge is the control API's (`POST /_control/orders/<uid>/charge`): paid at once,
 * reported with its nois, into the holdings. api/disabledirectdebit stops the charges from `stop_time` on; the
 * stop day must be after today (the seed's sample refusal: B500 停扣日必須大於今日).
 */

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

/** One more charge of a recurring order; refused (not moved) when not recurring, unpaid, stopped or complete. */
export function chargeRecurring(services: Services, order: PayPageOrder): { moved: boolean; nois: number } {
  const recurring = order.recurring;
  const now = services.clock.now();
  const count = recurring?.charges.length ?? 0;
  if (
    recurring === null ||
    count === 0 ||
    (order.prc !== '250' && order.prc !== '230') ||
    (recurring.stopFrom !== null && formatTaiwanDate(now) >= recurring.stopFrom) ||
    (recurring.total > 0 && count >= recurring.total)
  ) {
    return { moved: false, nois: count };
  }
  markPaid(services, order, order.cost, now);
  reportOrder(services, order);
  return { moved: true, nois: recurring.charges.length };
}
