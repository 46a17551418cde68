import { formatTaiwanTimestamp } from '@tixclear/domain';
import { executed, executionFailed } from '../answers';
import type { Merchant } from '../merchants';
import type { MoneyRefund } from '../state/types';
import type { RequestFor } from '../validation';
import { changed, unchanged, type FlowResult, type Services } from './context';
import { applyCancel, findCancellable, refundMoney, type RefundableOrder } from './money-refund';

/*
 * api/refund and api/refundcancel (seed 001 交易退款 / 取消退款). A refund answers `B200` with 『退款完成回傳資訊』
 * (`row_data`, prc 230) or `B500`; it queues until the next Taiwan midnight, and until then api/refundcancel
 * takes it back (`B200`, the row with prc 220 取消成功). After the upload, or for a refund already cancelled, the
 * answer is the seed's own `B500` ("…目前此筆狀態不是申請中。") with `row_data` null.
 */

export function refundOrder(
  services: Services,
  merchant: Merchant,
  request: RequestFor<'refund'>,
): FlowResult {
  const outcome = refundMoney(services, merchant.uid, request, 'refund', null);
  if (!outcome.ok)
    return unchanged({ key: request.key, uid: request.uid, ...executionFailed(outcome.detail) });
  const { order, refund } = outcome;
  return changed({
    row_data: refundRow(order, refund, '230', '退款完成'),
    key: order.key,
    uid: String(order.uid),
    ...executed(),
  });
}

export function refundCancel(
  services: Services,
  merchant: Merchant,
  request: RequestFor<'refundcancel'>,
): FlowResult {
  // Several rows: all or nothing, every one checked before any is cancelled.
  const targets = request.rows ?? [{ uid: request.uid, key: request.key }];
  const refused = (detail: string, msg?: string) =>
    unchanged({
      key: request.key,
      uid: request.uid,
      code: 'B500',
      msg: msg ?? executionFailed(detail).msg,
      row_data: null,
    });
  const found: { readonly order: RefundableOrder; readonly refund: MoneyRefund }[] = [];
  for (const target of targets) {
    const outcome = findCancellable(services, merchant.uid, target.uid, target.key);
    if (!outcome.ok) return refused(outcome.detail, outcome.msg);
    if (found.some((f) => f.refund === outcome.refund)) return refused('rows (the same refund twice)');
    found.push(outcome);
  }
  for (const { order, refund } of found) applyCancel(services, order, refund);
  const last = found.at(-1)!;
  return changed({
    key: last.order.key,
    uid: String(last.order.uid),
    code: 'B200',
    msg: '執行成功',
    row_data: refundRow(last.order, last.refund, '220', '取消成功'),
  });
}

/** 『退款完成回傳資訊』. */
export function refundRow(
  order: RefundableOrder,
  refund: MoneyRefund,
  prc: '230' | '220',
  retmsg: string,
): Record<string, unknown> {
  return {
    uid: order.uid,
    refund_uid: refund.refundUid,
    key: order.key,
    prc,
    finishtime: formatTaiwanTimestamp(refund.cancelledAt ?? refund.at),
    order_id: order.orderId,
    user_id: order.userId,
    cost: refund.cost,
    currency: order.currency,
    actual_cost: prc === '220' ? 0 : refund.cost,
    actual_currency: order.currency,
    retmsg,
    pfn: order.pfn,
    payment_name: '',
    nois: '',
    group_id: order.kind === 'paypage_order' ? (order.recurring?.groupId ?? '') : '',
    refund_type: 1,
    expected_refund_date: '',
    ...order.echo,
  };
}
