import { formatTaiwanDate, parseTaiwanDate } from '@tixclear/domain';
import type { InvoiceLine, MoneyRefund, PayPageOrder, VoucherPurchase } from '../state/types';
import type { Services } from './context';

/*
 * Money refunds of a paid order by its gateway uid: api/refund (seed 001, PayPage orders) and api/esvcrefund
 * (seed 003, e-ticket orders; decision: voucher purchases and PayPage orders alike). Partial refunds are allowed
 * up to what was paid and not yet refunded; items, when sent, must name the order's products
 * ("退款項目必須和交易時之產品項目名稱相同"). A money refund does not touch the vouchers of a purchase: refunding
 * vouchers is api/voucherrefund.
 *
 * Refunds queue until the next Taiwan midnight ("系統退款時間為隔天凌晨零時才發動退款", seed 001 取消退款); until
 * then api/refundcancel takes one back, after it the refund is uploaded and stays. The money leaves the
 * merchant's holdings when the refund is requested and comes back if it is cancelled.
 */

export type RefundableOrder = VoucherPurchase | PayPageOrder;

export interface MoneyRefundRequest {
  readonly uid: string;
  readonly key: string;
  readonly cost: number;
  /** 4 void the invoice (default), 6 allowance, 0 (esvcrefund) no invoice. */
  readonly invoice_state?: number | undefined;
  readonly items?:
    | readonly {
        readonly name: string;
        readonly cost: number;
        readonly amount: number;
        readonly total: number;
      }[]
    | undefined;
}

export type MoneyRefundOutcome =
  | { readonly ok: true; readonly order: RefundableOrder; readonly refund: MoneyRefund }
  | { readonly ok: false; readonly detail: string };

const DAY_MS = 24 * 60 * 60 * 1000;

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

/** Paid, with money left to refund (a fully refunded PayPage order is 230). */
export function isPaid(order: RefundableOrder): boolean {
  return order.kind === 'voucher_purchase'
    ? order.code === '250' || order.code === '290'
    : order.prc === '250' || order.prc === '290';
}

/** What the buyer paid: the purchase's cost, or the PayPage order's captured/charged money. */
export function paidAmount(order: RefundableOrder): number {
  return order.kind === 'voucher_purchase' ? order.cost : order.paidCost;
}

/** Refunds that count: every one not cancelled. */
export function refundedSoFar(order: RefundableOrder): number {
  return order.refunds.reduce((sum, r) => sum + (r.cancelledAt === null ? r.cost : 0), 0);
}

/** The next Taiwan midnight after `at`: when a refund requested at `at` is uploaded to the provider. */
export function uploadTime(at: Date): Date {
  return new Date(parseTaiwanDate(formatTaiwanDate(at)).getTime() + DAY_MS);
}

export function isUploaded(refund: MoneyRefund, now: Date): boolean {
  return now.getTime() >= refund.uploadAt.getTime();
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
  const left = paidAmount(order) - refundedSoFar(order);
  if (request.cost > left) return { ok: false, detail: `cost (only ${left} left to refund)` };
  const names = new Set(order.items.map((item) => item.name));
  const stranger = (request.items ?? []).findIndex((item) => !names.has(item.name));
  if (stranger >= 0) return { ok: false, detail: `items[${stranger}].name (not a product of the order)` };
  const now = services.clock.now();
  const invoice = order.kind === 'paypage_order' ? order.invoice : null;
  const live = invoice !== null && invoice.state !== 4;
  const effect: 4 | 6 | null =
    !live || request.invoice_state === 0 ? null : request.invoice_state === 6 ? 6 : 4;
  if (effect !== null && request.items === undefined)
    return { ok: false, detail: 'items (required: the order has an e-invoice)' };
  if (effect === 4 && formatTaiwanDate(invoice!.issuedAt).slice(0, 6) !== formatTaiwanDate(now).slice(0, 6))
    return { ok: false, detail: 'invoice_state (跨發票月份無法作廢: use 6, an allowance)' };

  const refund: MoneyRefund = {
    refundUid: services.ids().uid(),
    via,
    cost: request.cost,
    at: now,
    deviceId,
    uploadAt: uploadTime(now),
    cancelledAt: null,
    invoiceEffect: effect,
  };
  order.refunds.push(refund);
  if (invoice !== null && effect === 6) {
    invoice.allowances.push({
      uid: refund.refundUid,
      amount: refund.cost,
      lines: linesOf(request.items ?? []),
    });
    invoice.state = 6;
  } else if (invoice !== null && effect === 4) {
    invoice.state = 4;
  }
  if (order.kind === 'paypage_order' && refundedSoFar(order) === order.paidCost) {
    order.prc = '230';
    order.retmsg = '退款成功';
  }
  services.state.holdings.record(
    order.merchantUid,
    via === 'refund' ? 'paypage_refund' : 'esvc_refund',
    -refund.cost,
    now,
    String(refund.refundUid),
  );
  return { ok: true, order, refund };
}

export type CancelOutcome =
  | { readonly ok: true; readonly order: RefundableOrder; readonly refund: MoneyRefund }
  | { readonly ok: false; readonly detail: string; readonly msg?: string };

/** The seed's own refusal text (取消退款 sample answer). */
export const NOT_PENDING_MSG = '無法取消此筆退款,原因為目前此筆狀態不是申請中。';

/**
 * api/refundcancel: `uid` is the refund's uid (refund_uid) or its order's uid (then its latest refund), `key` the
 * order's key. Only a refund still queued (before its upload at the next Taiwan midnight) and not cancelled yet.
 * Undoes what the refund did: the money, the order's 230, the invoice's allowance or void.
 */
export function findCancellable(
  services: Services,
  storeUid: string,
  uid: string,
  key: string,
): CancelOutcome {
  if (!/^\d+$/.test(uid)) return { ok: false, detail: 'uid (no such refund)' };
  const n = Number(uid);
  const orders: RefundableOrder[] = [...services.state.orders.values(), ...services.state.purchases.values()];
  let order: RefundableOrder | undefined;
  let refund: MoneyRefund | undefined;
  for (const candidate of orders) {
    if (candidate.merchantUid !== storeUid) continue;
    const own = candidate.refunds.find((r) => r.refundUid === n);
    if (own !== undefined) {
      order = candidate;
      refund = own;
      break;
    }
    if (candidate.uid === n) {
      order = candidate;
      refund = candidate.refunds.at(-1);
    }
  }
  if (order === undefined || order.key !== key) return { ok: false, detail: 'uid/key (no such refund)' };
  const now = services.clock.now();
  if (refund === undefined || refund.cancelledAt !== null || isUploaded(refund, now)) {
    return { ok: false, detail: 'not pending', msg: NOT_PENDING_MSG };
  }
  return { ok: true, order, refund };
}

/** Cancels a refund found by findCancellable. */
export function applyCancel(services: Services, order: RefundableOrder, refund: MoneyRefund): void {
  const now = services.clock.now();
  refund.cancelledAt = now;
  if (order.kind === 'paypage_order') {
    if (order.prc === '230') {
      order.prc = '250';
      order.retmsg = '付款完成';
    }
    const invoice = order.invoice;
    if (invoice !== null && refund.invoiceEffect === 6) {
      const at = invoice.allowances.findIndex((a) => a.uid === refund.refundUid);
      if (at >= 0) invoice.allowances.splice(at, 1);
      invoice.state = invoice.allowances.length > 0 ? 6 : 2;
    } else if (invoice !== null && refund.invoiceEffect === 4) {
      invoice.state = invoice.allowances.length > 0 ? 6 : 2;
    }
  }
  services.state.holdings.record(
    order.merchantUid,
    'refund_cancelled',
    refund.cost,
    now,
    String(refund.refundUid),
  );
}

function linesOf(
  items: readonly {
    readonly name: string;
    readonly cost: number;
    readonly amount: number;
    readonly total: number;
  }[],
): InvoiceLine[] {
  return items.map((i) => ({
    Description: i.name,
    Quantity: String(i.amount),
    UnitPrice: String(i.cost),
    Amount: String(i.total),
  }));
}
