import type { MoneyRefund, PayPageOrder, VoucherPurchase } from '../state/types';
import type { Services } from './context';

/*
 * Money refunds of a paid order by its gateway uid: api/refund (seed 001, PayPage orders) and api/esvcrefund
 * (seed 003, e-ticket orders; decision: voucher purchases and PayPage orders alike). Partial refunds are allowed
 * up to what is left; items, when sent, must name the order's products ("退款項目必須和交易時之產品項目名稱相同").
 * A money refund does not touch the vouchers of a purchase: refunding vouchers is api/voucherrefund.
 */

export type RefundableOrder = VoucherPurchase | PayPageOrder;

export interface MoneyRefundRequest {
  readonly uid: string;
  readonly key: string;
  readonly cost: number;
  readonly items?: readonly { readonly name: string }[] | undefined;
}

export type MoneyRefundOutcome =
  | { readonly ok: true; readonly order: RefundableOrder; readonly refund: MoneyRefund }
  | { readonly ok: false; readonly detail: string };

export function findOrder(
  services: Services,
  storeUid: string,
  uid: string,
  kinds: readonly RefundableOrder['kind'][],
): RefundableOrder | undefined {
  if (!/^\d+$/.test(uid)) return undefined;
  const n = Number(uid);
  const candidates: (RefundableOrder | undefined)[] = [
    services.state.purchases.get(n),
    services.state.orders.get(n),
  ];
  return candidates.find((o) => o !== undefined && o.merchantUid === storeUid && kinds.includes(o.kind));
}

export function isPaid(order: RefundableOrder): boolean {
  return order.kind === 'voucher_purchase' ? order.code === '250' : order.prc === '250';
}

export function refundedSoFar(order: RefundableOrder): number {
  return order.refunds.reduce((sum, r) => sum + r.cost, 0);
}

export function refundMoney(
  services: Services,
  storeUid: string,
  request: MoneyRefundRequest,
  via: MoneyRefund['via'],
  deviceId: string | null,
): MoneyRefundOutcome {
  const kinds: RefundableOrder['kind'][] =
    via === 'refund' ? ['paypage_order'] : ['voucher_purchase', 'paypage_order'];
  const order = findOrder(services, storeUid, request.uid, kinds);
  if (order === undefined) return { ok: false, detail: 'uid (no such order)' };
  if (order.key !== request.key) return { ok: false, detail: 'key (does not match the order)' };
  if (!isPaid(order)) return { ok: false, detail: 'the order is not paid (or fully refunded)' };
  if (request.cost < 1) return { ok: false, detail: 'cost (nothing to refund)' };
  const left = order.cost - refundedSoFar(order);
  if (request.cost > left) return { ok: false, detail: `cost (only ${left} left to refund)` };
  const names = new Set(order.items.map((item) => item.name));
  const stranger = (request.items ?? []).findIndex((item) => !names.has(item.name));
  if (stranger >= 0) return { ok: false, detail: `items[${stranger}].name (not a product of the order)` };

  const refund: MoneyRefund = {
    refundUid: services.ids().uid(),
    via,
    cost: request.cost,
    at: services.clock.now(),
    deviceId,
  };
  order.refunds.push(refund);
  if (order.kind === 'paypage_order' && refundedSoFar(order) === order.cost) {
    order.prc = '230';
    order.retmsg = '退款成功';
  }
  return { ok: true, order, refund };
}
