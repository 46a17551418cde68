import { formatTaiwanTimestamp } from '@tixclear/domain';
import { echoOf, executed, executionFailed, invalidData, MSG, withDetail } from '../answers';
import type { Merchant } from '../merchants';
import { SimulatorState } from '../state/store';
import type { VoucherRefund } from '../state/types';
import type { RequestFor } from '../validation';
import { changed, unchanged, type FlowResult, type Services } from './context';
import { lookupActive } from './vouchers';

/*
 * api/voucherrefund and api/voucherrefundquery (seed 000 票券退款交易 / 查詢): refund unused vouchers
 * ("對未進行使用的票券") bought by one buyer account ("票券購買者需為同一帳號"). All or nothing, like redemption:
 * a redeemed, refunded, unknown or gift voucher (decision: nothing was paid for it) makes the whole refund `300`.
 * Recorded either way and reported (『票券退款通知』).
 */

export function refundVouchers(
  services: Services,
  merchant: Merchant,
  request: RequestFor<'voucherrefund'>,
): FlowResult {
  const { state } = services;
  const key = SimulatorState.key(merchant.uid, request.order_id);
  if (state.refunds.has(key)) return unchanged(invalidData('order_id (duplicate)'));

  const now = services.clock.now();
  const found = lookupActive(services, merchant.uid, request.items);
  let failure = found.ok ? undefined : found.detail;
  if (found.ok) {
    const gift = found.vouchers.findIndex((v) => !v.isPaid);
    const buyers = new Set(found.vouchers.map((v) => v.buyerUserId));
    if (gift >= 0) failure = `items[${gift}]: a gift voucher has nothing to refund`;
    else if (buyers.size > 1) failure = 'items: the vouchers were bought by different accounts';
  }
  if (found.ok && failure === undefined) {
    for (const voucher of found.vouchers) {
      voucher.status = 'refunded';
      voucher.refundedBy = { orderId: request.order_id, at: now };
    }
    const cost = found.vouchers.reduce((sum, v) => sum + v.cost, 0);
    state.holdings.record(merchant.uid, 'voucher_refund', -cost, now, request.order_id);
  }
  const ids = services.ids();
  const record: VoucherRefund = {
    merchantUid: merchant.uid,
    uid: ids.uid(),
    key: ids.key(32),
    orderId: request.order_id,
    code: failure === undefined ? '230' : '300',
    msg: failure === undefined ? MSG.refunded : withDetail(MSG.refundFailed, failure),
    at: now,
    items:
      failure === undefined ? request.items.map((i) => ({ id: i.id, serial_number: i.serial_number })) : [],
    echo: echoOf(request),
  };
  state.refunds.set(key, record);
  const answer = refundAnswer(record);
  services.report(merchant, 'voucherrefund', answer);
  return changed(answer);
}

/** 『票券退款交易』回傳欄位, also 『票券退款通知』. */
function refundAnswer(record: VoucherRefund): Record<string, unknown> {
  return {
    code: record.code,
    msg: record.msg,
    uid: String(record.uid),
    key: record.key,
    order_id: record.orderId,
    refund_date: record.code === '230' ? formatTaiwanTimestamp(record.at) : '',
    items: record.items,
    ...record.echo,
  };
}

export function refundQuery(
  services: Services,
  merchant: Merchant,
  request: RequestFor<'voucherrefundquery'>,
): FlowResult {
  const record = services.state.refunds.get(SimulatorState.key(merchant.uid, request.order_id));
  if (record === undefined) return unchanged(executionFailed('order_id (no such refund)'));
  const { code, msg, uid, key, order_id, refund_date, items, ...echo } = refundAnswer(record);
  return unchanged({
    ...executed(),
    content: { order_id, uid, key, code, msg, refund_date, items, ...echo },
  });
}
