import { formatTaiwanTimestamp } from '@tixclear/domain';
import { echoOf, executed, executionFailed, invalidData, MSG } from '../answers';
import type { Merchant } from '../merchants';
import { isAnyPfn, paidWith, pfnCode } from '../pfn';
import type { PurchaseCode, PurchaseItemRecord, Voucher, VoucherPurchase } from '../state/types';
import type { RequestFor } from '../validation';
import { changed, unchanged, type FlowResult, type Services } from './context';
import { DEFAULT_LIMIT_PAY_DAYS, deferredPayment } from './deferred';

/*
 * api/voucherservicepurchase and api/voucherservicequery (seed 000 購買票券交易 / 查詢), and what the payment
 * page does to a purchase. A purchase opens as `200` with a payment URL; paying makes it `250` and issues the
 * vouchers (custom serials as sent; gift vouchers unpaid); the buyer may also abandon it (`A0002`) or the payment
 * may fail (`300`). Each final result is reported to the merchant (『購買票券交易回傳資訊』).
 */

const PURCHASE_MSG: Readonly<Record<PurchaseCode, string>> = {
  '200': MSG.awaitingPayment,
  '260': MSG.awaitingDeferred,
  '270': MSG.awaitingDeferred,
  '280': MSG.awaitingDeferred,
  '250': MSG.paid,
  '290': MSG.paidMismatch,
  '380': MSG.paymentExpired,
  '300': MSG.paymentFailed,
  A0002: MSG.abandoned,
};

export function purchase(
  services: Services,
  merchant: Merchant,
  request: RequestFor<'voucherservicepurchase'>,
): FlowResult {
  const { state } = services;
  // Decision: order_id is unique (唯一); a repeat is refused whatever it carries, and changes nothing. A client
  // that lost an answer must ask voucherservicequery, not send the purchase again.
  if (state.purchaseByOrderId(merchant.uid, request.order_id) !== undefined) {
    return unchanged(invalidData('order_id (duplicate)'));
  }
  if (!isAnyPfn(request.pfn) && pfnCode(request.pfn) === undefined) return unchanged(invalidData('pfn'));
  for (const [i, item] of request.items.entries()) {
    // 平台客戶 must number their vouchers (is_custom_serial 1, 「若客戶類型為平台客戶,此欄位必填1」).
    if (merchant.customerType === 'platform' && item.is_custom_serial !== 1) {
      return unchanged(invalidData(`items[${i}].is_custom_serial`));
    }
    const clash = firstHeldSerial(
      services,
      merchant.uid,
      item.id,
      item.serial_numbers ?? [],
      item.gift_serial_numbers ?? [],
    );
    if (clash !== undefined) return unchanged(invalidData(`items[${i}].${clash}`));
  }

  const ids = services.ids();
  const now = services.clock.now();
  const record: VoucherPurchase = {
    kind: 'voucher_purchase',
    merchantUid: merchant.uid,
    uid: ids.uid(),
    key: ids.key(40),
    orderId: request.order_id,
    userId: request.user_data.user_id,
    cost: request.cost,
    currency: request.currency ?? 'TWD',
    requestedPfn: request.pfn,
    items: request.items.map((item): PurchaseItemRecord => ({
      id: item.id,
      name: item.name,
      amount: item.amount,
      price: item.price,
      cost: item.cost,
      giftNumber: item.gift_number,
      trustStartDate: item.trust_start_date,
      trustEndDate: item.trust_end_date,
      isCustomSerial: item.is_custom_serial === 1,
      serials: item.serial_numbers ?? [],
      giftSerials: item.gift_serial_numbers ?? [],
      sharing: item.sharing,
    })),
    echo: echoOf(request),
    createdAt: now,
    code: '200',
    pfn: '',
    finishedAt: null,
    refunds: [],
    deferred: null,
  };
  state.addPurchase(record);
  return changed({
    code: '200',
    msg: MSG.dataOk,
    uid: String(record.uid),
    key: record.key,
    url: `${services.publicUrl()}/voucher/${record.uid}.html`,
  });
}

function firstHeldSerial(
  services: Services,
  merchantUid: string,
  itemId: string,
  serials: readonly string[],
  giftSerials: readonly string[],
): string | undefined {
  const held = (serial: string) => services.state.serialHolder(merchantUid, itemId, serial) !== undefined;
  const paid = serials.findIndex(held);
  if (paid >= 0) return `serial_numbers[${paid}]`;
  const gift = giftSerials.findIndex(held);
  return gift >= 0 ? `gift_serial_numbers[${gift}]` : undefined;
}

export function purchaseQuery(
  services: Services,
  merchant: Merchant,
  request: RequestFor<'voucherservicequery'>,
): FlowResult {
  const found = services.state.purchaseByOrderId(merchant.uid, request.order_id);
  if (found === undefined) return unchanged(executionFailed('order_id (no such order)'));
  return unchanged({ ...executed(), content: purchaseState(services, found) });
}

/**
 * 『購買票券交易查詢回傳』, which is also the body of the purchase report. Decision: once vouchers are issued it
 * also lists them as seed 001's 『交易查詢』 does for voucher orders (`voucher_paid`/`voucher_free`, 『有償/無償
 * 票券項目』), so a general customer (is_custom_serial 0) learns the MYTIX serials the gateway gave its vouchers;
 * seed 000's table has no such field, and its client reads the content loosely.
 */
export function purchaseState(services: Services, purchase: VoucherPurchase): Record<string, unknown> {
  const paid = purchase.code === '250';
  const vouchers = services.state.vouchers.filter((v) => v.purchaseUid === purchase.uid);
  const entry = (v: Voucher) => ({
    product_id: v.itemId,
    serial_number: v.customSerialNo ?? v.serialNo,
    name: v.name,
    cost: v.isPaid ? v.cost : 0,
  });
  const waiting = purchase.deferred;
  return {
    uid: String(purchase.uid),
    key: purchase.key,
    code: purchase.code,
    msg: PURCHASE_MSG[purchase.code],
    finishtime: purchase.finishedAt === null ? '' : formatTaiwanTimestamp(purchase.finishedAt),
    order_id: purchase.orderId,
    user_id: purchase.userId,
    cost: String(purchase.cost),
    currency: purchase.currency,
    actual_cost: paid ? String(purchase.cost) : '',
    actual_currency: paid ? purchase.currency : '',
    pfn: purchase.pfn,
    ...(waiting === null
      ? {}
      : {
          bank_id: waiting.bankId,
          expired_date: formatTaiwanTimestamp(waiting.expiresAt),
          result_type: 4,
          result_content_type: waiting.contentType,
          result_content: JSON.stringify(waiting.content),
        }),
    ...(vouchers.length === 0
      ? {}
      : {
          voucher_paid: vouchers.filter((v) => v.isPaid).map(entry),
          voucher_free: vouchers.filter((v) => !v.isPaid).map(entry),
        }),
    ...purchase.echo,
  };
}

export type PaymentAction = 'pay' | 'cancel' | 'fail';

/**
 * The buyer's decision on the payment page. An open (`200`) purchase moves; paying with a deferred tool (ATM,
 * convenience store, WEBATM) only hands out the codes (260/270/280) and a second `pay` is the money arriving.
 * Paying issues the vouchers; abandoning or failing frees the custom serials for reuse. Every move is reported.
 */
export function settlePurchase(
  services: Services,
  purchase: VoucherPurchase,
  action: PaymentAction,
  chosenPfn?: string,
): { moved: boolean } {
  const waiting = purchase.deferred !== null && purchase.code === purchase.deferred.code;
  if (purchase.code !== '200' && !waiting) return { moved: false };
  // A code handed out can only be paid (or expire, see endDeferred); WEBATM (280) may also fail.
  if (waiting && action === 'cancel') return { moved: false };
  if (waiting && action === 'fail' && purchase.code !== '280') return { moved: false };
  const now = services.clock.now();
  purchase.finishedAt = now;
  switch (action) {
    case 'pay': {
      if (!waiting) {
        purchase.pfn = paidWith(purchase.requestedPfn, chosenPfn);
        const deferred = deferredPayment(purchase.pfn, purchase.uid, now, DEFAULT_LIMIT_PAY_DAYS);
        if (deferred !== undefined) {
          purchase.deferred = deferred;
          purchase.code = deferred.code;
          purchase.finishedAt = null;
          break;
        }
      }
      purchase.code = '250';
      issueVouchers(services, purchase, now);
      break;
    }
    case 'cancel':
      purchase.code = 'A0002';
      services.state.releaseSerials(purchase);
      break;
    case 'fail':
      purchase.code = '300';
      services.state.releaseSerials(purchase);
      break;
  }
  const merchant = services.merchants.find('store', purchase.merchantUid);
  if (merchant !== undefined)
    services.report(merchant, 'voucherservicepurchase', purchaseState(services, purchase));
  return { moved: true };
}

/** How a deferred payment (convenience store, virtual account) ends besides being paid (seed 001 附錄二). */
export type DeferredEnd = 'expire' | 'mismatch';

/**
 * `expire`: not paid by the gateway's deadline (380) — an open purchase only; its serials stay reserved, since
 * the gateway may still verify a late payment into 290. `mismatch`: paid, but not the amount asked (290) — an
 * open or expired purchase; the money arrived, so the vouchers are issued as a payment's are. Both reported.
 */
export function endDeferred(
  services: Services,
  purchase: VoucherPurchase,
  end: DeferredEnd,
): { moved: boolean } {
  const from = end === 'expire' ? ['200', '260', '270', '280'] : ['200', '260', '270', '280', '380'];
  if (!from.includes(purchase.code)) return { moved: false };
  const now = services.clock.now();
  purchase.finishedAt = now;
  if (end === 'expire') {
    purchase.code = '380';
  } else {
    purchase.code = '290';
    if (purchase.pfn === '') purchase.pfn = paidWith(purchase.requestedPfn, undefined);
    issueVouchers(services, purchase, now);
  }
  const merchant = services.merchants.find('store', purchase.merchantUid);
  if (merchant !== undefined)
    services.report(merchant, 'voucherservicepurchase', purchaseState(services, purchase));
  return { moved: true };
}

function issueVouchers(services: Services, purchase: VoucherPurchase, now: Date): void {
  const ids = services.ids();
  const issue = (item: PurchaseItemRecord, isPaid: boolean, customSerial: string | undefined): Voucher => ({
    issuerUid: purchase.merchantUid,
    purchaseUid: purchase.uid,
    purchaseOrderId: purchase.orderId,
    itemId: item.id,
    name: item.name,
    isPaid,
    cost: item.cost,
    price: item.price,
    sharing: item.sharing,
    serialNo: ids.voucherSerial(),
    customSerialNo: item.isCustomSerial ? (customSerial ?? null) : null,
    payToken: ids.payToken(),
    buyerUserId: purchase.userId,
    issuedAt: now,
    status: 'active',
    redeemedBy: null,
    refundedBy: null,
  });
  for (const item of purchase.items) {
    for (let k = 0; k < item.amount; k += 1) services.state.addVoucher(issue(item, true, item.serials[k]));
    for (let k = 0; k < item.giftNumber; k += 1)
      services.state.addVoucher(issue(item, false, item.giftSerials[k]));
  }
  const paid = purchase.items.reduce((sum, item) => sum + item.cost * item.amount, 0);
  services.state.holdings.record(purchase.merchantUid, 'voucher_purchase_paid', paid, now, purchase.orderId);
}
