import type { Merchant } from '../merchants';
import type { PayPageOrder } from '../state/types';
import type { RequestFor } from '../validation';
import { changed, unchanged, type FlowResult, type Services } from './context';
import { findOrder } from './money-refund';
import { markPaid, orderState, reportOrder, setPrc } from './paypage';

/*
 * Card authorisation (seed 001 信用卡授權請款 / 信用卡取消授權): an order paid by card with
 * `creditcard_is_automatic_payment` 0 stops at 245 (授權成功). api/authorizedrequestpayment captures it once, all
 * or part (up to the authorised cost, items named as in the order): the answer shows 247 (請款進行中) with
 * actual_cost 0, as the seed's sample; the simulated provider confirms at once, so the order is 250 right after
 * the answer, with the captured amount paid, and reported. api/cancelauthorization releases it: the order ends
 * 300 (交易失敗, as the sample's content shows) with a cancel_order entry (220). Both answer `B200` + the order
 * state in `content`, or `B500` (unknown order, wrong key, not 245).
 */

function authorised(
  services: Services,
  merchant: Merchant,
  request: { readonly uid: string; readonly key: string },
): PayPageOrder | string {
  const order = findOrder(services, merchant.uid, request.uid, ['paypage_order']);
  if (order === undefined || order.kind !== 'paypage_order' || order.key !== request.key)
    return 'uid/key (no such order)';
  if (order.prc !== '245') return `訂單狀態不是授權成功 (${order.prc})`;
  return order;
}

export function capture(
  services: Services,
  merchant: Merchant,
  request: RequestFor<'authorizedrequestpayment'>,
): FlowResult {
  const order = authorised(services, merchant, request);
  if (typeof order === 'string') return unchanged({ code: 'B500', msg: `執行失敗: ${order}` });
  if (request.cost < 1 || request.cost > order.cost)
    return unchanged({ code: 'B500', msg: `執行失敗: cost (1 to ${order.cost})` });
  const names = new Set(order.items.map((i) => i.name));
  const stranger = (request.items ?? []).findIndex((i) => !names.has(i.name));
  if (stranger >= 0)
    return unchanged({ code: 'B500', msg: `執行失敗: items[${stranger}].name (not a product of the order)` });
  setPrc(order, '247');
  const answer = { code: 'B200', msg: '執行成功,請款處理進行中。', content: orderState(services, order) };
  markPaid(services, order, request.cost, services.clock.now());
  reportOrder(services, order);
  return changed(answer);
}

export function cancelAuthorization(
  services: Services,
  merchant: Merchant,
  request: RequestFor<'cancelauthorization'>,
): FlowResult {
  const order = authorised(services, merchant, request);
  if (typeof order === 'string') return unchanged({ code: 'B500', msg: `執行失敗: ${order}` });
  const now = services.clock.now();
  order.cancelledAt = now;
  order.finishedAt = now;
  setPrc(order, '300');
  reportOrder(services, order);
  return changed({ code: 'B200', msg: '執行成功,取消授權完成', content: orderState(services, order) });
}
