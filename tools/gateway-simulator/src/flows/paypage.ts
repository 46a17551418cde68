import { formatTaiwanTimestamp } from '@tixclear/domain';
import { echoOf, executionFailed, invalidData, MSG } from '../answers';
import type { Merchant } from '../merchants';
import { isAnyPfn, paidWith, pfnCode } from '../pfn';
import type { MoneyRefund, OrderCode, PayPageOrder, RecurringCharge, VoucherPurchase } from '../state/types';
import type { RequestFor } from '../validation';
import { changed, unchanged, type FlowResult, type Services } from './context';
import { DEFAULT_LIMIT_PAY_DAYS, deferredPayment } from './deferred';
import { allowancesOf, carrierOf, invoiceFields, issueFor } from './invoice';
import { findOrder, isUploaded } from './money-refund';
import type { DeferredEnd, PaymentAction } from './purchase';

/*
 * PayPage orders (seed 001): api/orders opens an order with a payment URL; the payment page settles it and every
 * move is reported (『交易完成回傳資訊』, 『非即時交易回傳資訊』 for the waiting codes):
 *   - paid at once (250), abandoned (A0002) or failed (300);
 *   - a deferred tool (ATM 270, convenience store 260, WEBATM 280) waits for the money: a second `pay` is the
 *     money arriving (250); it may also expire (380) or arrive with the wrong amount (290) (endOrderDeferred);
 *   - a card order with `creditcard_is_automatic_payment` 0 is only authorised (245) until captured
 *     (capture.ts: 247 then 250) or released (300);
 *   - a recurring order (`regular`, or pfn DIRECTDEBIT) is charged once when paid, then per charge (recurring.ts);
 *   - `issue_invoice_state` 1 issues the e-invoice when paid.
 * api/queryorder answers the order state itself (no outer code; voucher purchases too, with their vouchers).
 */

const RETMSG: Readonly<Record<OrderCode, string>> = {
  '200': MSG.dataOk,
  '245': '授權成功',
  '247': '請款進行中',
  '250': MSG.paid,
  '260': MSG.awaitingDeferred,
  '270': MSG.awaitingDeferred,
  '280': MSG.awaitingDeferred,
  '290': MSG.paidMismatch,
  '300': MSG.paymentFailed,
  '380': MSG.paymentExpired,
  A0002: '放棄交易',
  '230': '退款成功',
};

/** Card tools that can be authorised then captured (自行請款模式). */
const CARD_TOOLS = new Set(['CREDITCARD', 'AMEX', 'UNIONPAY', 'ABROAD', 'C_INSTALLMENT', 'C_REDEEM']);

export function setPrc(order: PayPageOrder, prc: OrderCode): void {
  order.prc = prc;
  order.retmsg = RETMSG[prc];
}

export function openOrder(services: Services, merchant: Merchant, request: RequestFor<'orders'>): FlowResult {
  const { state } = services;
  if (state.orderByOrderId(merchant.uid, request.order_id) !== undefined) {
    return unchanged(invalidData('order_id (duplicate)'));
  }
  if (request.pfn !== undefined && !isAnyPfn(request.pfn) && pfnCode(request.pfn) === undefined) {
    return unchanged(invalidData('pfn'));
  }
  const ids = services.ids();
  const uid = ids.uid();
  const recurring = request.regular !== undefined || pfnCode(request.pfn ?? '') === 'DIRECTDEBIT';
  const order: PayPageOrder = {
    kind: 'paypage_order',
    merchantUid: merchant.uid,
    uid,
    key: ids.key(32),
    orderId: request.order_id,
    userId: request.user_id,
    cost: request.cost,
    currency: request.currency ?? 'TWD',
    items: request.items.map((i) => ({
      id: i.id,
      name: i.name,
      cost: i.cost,
      amount: i.amount,
      total: i.total,
    })),
    requestedPfn: request.pfn ?? '0',
    echo: echoOf(request),
    createdAt: services.clock.now(),
    prc: '200',
    retmsg: RETMSG['200'],
    pfn: '',
    acode: '',
    finishedAt: null,
    refunds: [],
    manualCapture: request.creditcard_is_automatic_payment === 0,
    paidCost: 0,
    limitPayDays: request.limit_pay_days ?? DEFAULT_LIMIT_PAY_DAYS,
    deferred: null,
    recurring: recurring
      ? {
          groupId:
            request.group_id !== undefined && request.group_id !== ''
              ? request.group_id
              : `D${String(uid).padStart(10, '0')}`,
          period: request.regular ?? 'M',
          total: Number(request.regular_total ?? '0') || 0,
          charges: [],
          stopFrom: null,
          stopReason: '',
        }
      : null,
    invoiceOnPayment: request.issue_invoice_state === 1 ? carrierOf(request) : null,
    invoice: null,
    cancelledAt: null,
  };
  state.addOrder(order);
  // The seed's sample answers uid as a number here (81127), unlike the voucher purchase ("93").
  return changed({
    code: '200',
    msg: MSG.dataOk,
    url: `${services.publicUrl()}/payment/${order.uid}.html`,
    uid: order.uid,
    key: order.key,
  });
}

/** Whether the order waits for the money of a deferred tool (260/270/280). */
function waiting(order: PayPageOrder): boolean {
  return order.deferred !== null && order.prc === order.deferred.code;
}

export function settleOrder(
  services: Services,
  order: PayPageOrder,
  action: PaymentAction,
  chosenPfn?: string,
): { moved: boolean } {
  const deferredOpen = waiting(order);
  if (order.prc !== '200' && !deferredOpen) return { moved: false };
  if (deferredOpen && (action === 'cancel' || (action === 'fail' && order.prc !== '280')))
    return { moved: false };
  const now = services.clock.now();
  order.finishedAt = now;
  switch (action) {
    case 'pay': {
      if (deferredOpen) {
        markPaid(services, order, order.cost, now);
        break;
      }
      order.pfn = paidWith(order.requestedPfn, chosenPfn);
      const deferred = deferredPayment(order.pfn, order.uid, now, order.limitPayDays);
      if (deferred !== undefined) {
        order.deferred = deferred;
        order.finishedAt = null;
        setPrc(order, deferred.code);
      } else if (order.manualCapture && CARD_TOOLS.has(order.pfn)) {
        order.acode = services.ids().authCode();
        setPrc(order, '245');
      } else {
        order.acode = CARD_TOOLS.has(order.pfn) ? services.ids().authCode() : '';
        markPaid(services, order, order.cost, now);
      }
      break;
    }
    case 'cancel':
      setPrc(order, 'A0002');
      break;
    case 'fail':
      setPrc(order, '300');
      break;
  }
  reportOrder(services, order);
  return { moved: true };
}

/**
 * A deferred order's other ends (as endDeferred for purchases): `expire` (380) an open or waiting order,
 * `mismatch` (290: the money arrived, not the amount asked; booked as paid) an open, waiting or expired one.
 */
export function endOrderDeferred(
  services: Services,
  order: PayPageOrder,
  end: DeferredEnd,
): { moved: boolean } {
  const from: OrderCode[] =
    end === 'expire' ? ['200', '260', '270', '280'] : ['200', '260', '270', '280', '380'];
  if (!from.includes(order.prc)) return { moved: false };
  const now = services.clock.now();
  order.finishedAt = now;
  if (end === 'expire') {
    setPrc(order, '380');
  } else {
    if (order.pfn === '') order.pfn = paidWith(order.requestedPfn, undefined);
    markPaid(services, order, order.cost, now, '290');
  }
  reportOrder(services, order);
  return { moved: true };
}

/** The money arrived (250, or 290): into the holdings, a recurring order's first charge, the invoice if asked. */
export function markPaid(
  services: Services,
  order: PayPageOrder,
  amount: number,
  now: Date,
  prc: '250' | '290' = '250',
): void {
  setPrc(order, prc);
  order.finishedAt = now;
  order.paidCost += amount;
  const recurring = order.recurring;
  if (recurring !== null) {
    // The first charge is the order's own transaction; each later one is a transaction with its own uid.
    const nois = recurring.charges.length + 1;
    const uid = nois === 1 ? order.uid : services.ids().uid();
    services.state.addCharge(order, { uid, nois, at: now, cost: amount });
  }
  services.state.holdings.record(order.merchantUid, 'paypage_paid', amount, now, order.orderId);
  if (order.invoiceOnPayment !== null && order.invoice === null)
    issueFor(services, order, order.invoiceOnPayment);
}

/** The payment report of an order, or of one charge of a recurring order (its own uid, nois and amount). */
export function reportOrder(services: Services, order: PayPageOrder, charge?: RecurringCharge): void {
  const merchant = services.merchants.find('store', order.merchantUid);
  if (merchant !== undefined) services.report(merchant, 'orders', paymentReport(order, charge));
}

export function queryOrder(
  services: Services,
  merchant: Merchant,
  request: RequestFor<'queryorder'>,
): FlowResult {
  // A later charge of a recurring order is asked by its own uid and the order's key.
  const charge = /^\d+$/.test(request.uid) ? services.state.orderByChargeUid(Number(request.uid)) : undefined;
  if (charge !== undefined && charge.order.merchantUid === merchant.uid) {
    if (charge.order.key !== request.key) return unchanged(executionFailed('uid/key (no such order)'));
    return unchanged(orderState(services, charge.order, charge.charge));
  }
  const order = findOrder(services, merchant.uid, request.uid, ['paypage_order', 'voucher_purchase']);
  if (order === undefined || order.key !== request.key)
    return unchanged(executionFailed('uid/key (no such order)'));
  return unchanged(
    order.kind === 'paypage_order' ? orderState(services, order) : purchaseOrderState(services, order),
  );
}

/**
 * 『交易完成回傳資訊』 (and 『非即時交易回傳資訊』 while a deferred payment waits): the payment report. A recurring
 * order's is of one charge: the first (the order's own uid) unless a later `charge` is named (its uid, nois, amount,
 * time).
 */
export function paymentReport(order: PayPageOrder, later?: RecurringCharge): Record<string, unknown> {
  const paid = order.paidCost > 0 || order.prc === '245';
  const charge = later ?? order.recurring?.charges[0];
  const finishedAt = later?.at ?? order.finishedAt;
  const card = CARD_TOOLS.has(order.pfn) && paid;
  const waitingFor = order.deferred;
  return {
    uid: later?.uid ?? order.uid,
    key: order.key,
    prc: later === undefined ? order.prc : '250',
    finishtime: finishedAt === null ? '' : formatTaiwanTimestamp(finishedAt),
    cardno: card ? '493817******0003' : '',
    acode: order.acode,
    card_type: card ? '1' : '0',
    issuing_bank: card ? '合作金庫' : '',
    issuing_bank_uid: card ? '006' : '',
    is_agent_charge: 0,
    transaction_mode: paid || waitingFor !== null ? 1 : 0,
    supplier_name: paid || waitingFor !== null ? 'simulator' : '',
    supplier_code: paid || waitingFor !== null ? 'T0' : '',
    order_id: order.orderId,
    user_id: order.userId,
    cost: order.cost,
    currency: order.currency,
    // A recurring order's report is of one charge (its `nois`); otherwise what was paid.
    actual_cost: order.recurring === null ? order.paidCost : (charge?.cost ?? 0),
    actual_currency: order.currency,
    price: 0,
    actual_price: 0,
    recharge_code: '',
    love_cost: 0,
    retmsg: order.retmsg,
    pfn: order.pfn,
    trans_type: 1,
    redeem: '',
    installment: '',
    payment_name: order.recurring === null ? '' : `simulated ${order.recurring.period}`,
    nois: order.recurring === null ? '' : String(charge?.nois ?? 0),
    group_id: order.recurring?.groupId ?? '',
    bank_id: waitingFor?.bankId ?? '',
    expired_date: waitingFor === null ? '' : formatTaiwanTimestamp(waitingFor.expiresAt),
    result_type: 4,
    result_content_type: waitingFor?.contentType ?? order.pfn,
    result_content: JSON.stringify(waitingFor?.content ?? {}),
    ...order.echo,
  };
}

/**
 * 『交易查詢』 answer of a PayPage order; also the `content` of the capture and cancel answers. Of a later
 * `charge` of a recurring order: that charge (the order's refunds and cancels are listed on the order).
 */
export function orderState(
  services: Services,
  order: PayPageOrder,
  charge?: RecurringCharge,
): Record<string, unknown> {
  const { echo_0, echo_1, echo_2, echo_3, echo_4, ...report } = paymentReport(order, charge);
  const invoice = invoiceFields(order, order.invoice);
  // The buyer's carrier is known from the order on, before the invoice exists (the seed's samples show it).
  const carrier = order.invoice?.carrier ?? order.invoiceOnPayment;
  const now = services.clock.now();
  return {
    ...report,
    voucher_paid: [],
    voucher_free: [],
    pay_mode_uid: 1,
    store_group_id: '',
    appropriation_date: '',
    invoice_state: invoice.state,
    invoice_date: invoice.date,
    invoice_wordtrack: invoice.wordtrack,
    invoice_number: invoice.number,
    invoice_rand_code: invoice.rand_code,
    invoice_seller_ban: invoice.seller_ban,
    invoice_buyer_ban: invoice.buyer_ban,
    invoice_left_qrcode: invoice.left_qrcode,
    invoice_middle_barcode: invoice.middle_barcode,
    invoice_right_qrcode: invoice.right_qrcode,
    invoice_title_type: invoice.title_type,
    invoice_title: invoice.title,
    invoice_print_type: invoice.print_type,
    invoice_print_device: invoice.print_device,
    invoice_amount: invoice.amount,
    invoice_sales_amount: invoice.sales_amount,
    invoice_tax_amount: invoice.tax_amount,
    invoice_order_detail: invoice.order_detail,
    invoice_ratetype: invoice.ratetype,
    invoice_input_type: invoice.input_type,
    invoice_cloud_type: carrier?.cloudType ?? '',
    invoice_mobile_code: carrier?.mobileCode ?? '',
    invoice_tax_id: carrier?.taxId ?? '',
    invoice_natural_person: carrier?.naturalPerson ?? '',
    invoice_love_code: carrier?.loveCode ?? '',
    invoice_b2b_title: carrier?.b2bTitle ?? '',
    invoice_b2b_id: carrier?.b2bId ?? '',
    invoice_b2b_post_zone: carrier?.b2bPostZone ?? '',
    invoice_b2b_address: carrier?.b2bAddress ?? '',
    invoice_allowance: allowancesOf(order.invoice),
    refund_order: charge === undefined ? order.refunds.map((r) => refundEntry(order, r, now)) : [],
    cancel_order:
      order.cancelledAt === null || charge !== undefined
        ? []
        : [
            {
              uid: order.uid,
              prc: '220',
              cost: order.cost,
              currency: order.currency,
              actual_cost: order.cost,
              actual_currency: order.currency,
              retmsg: '取消成功',
              finishtime: formatTaiwanTimestamp(order.cancelledAt),
            },
          ],
    items: order.items.map((i) => ({
      id: i.id,
      name: i.name,
      cost: i.cost,
      amount: i.amount,
      total: i.total,
    })),
    echo_0,
    echo_1,
    echo_2,
    echo_3,
    echo_4,
  };
}

/** A voucher purchase seen through api/queryorder: its vouchers as 有償/無償票券項目. */
function purchaseOrderState(services: Services, purchase: VoucherPurchase): Record<string, unknown> {
  const vouchers = services.state.vouchers.filter((v) => v.purchaseUid === purchase.uid);
  const entry = (v: (typeof vouchers)[number]) => ({
    product_id: v.itemId,
    serial_number: v.customSerialNo ?? v.serialNo,
    name: v.name,
    cost: v.cost,
  });
  const paid = purchase.code === '250';
  const now = services.clock.now();
  return {
    uid: purchase.uid,
    key: purchase.key,
    prc: purchase.code,
    finishtime: purchase.finishedAt === null ? '' : formatTaiwanTimestamp(purchase.finishedAt),
    order_id: purchase.orderId,
    user_id: purchase.userId,
    cost: purchase.cost,
    currency: purchase.currency,
    actual_cost: paid ? purchase.cost : 0,
    actual_currency: purchase.currency,
    voucher_paid: vouchers.filter((v) => v.isPaid).map(entry),
    voucher_free: vouchers.filter((v) => !v.isPaid).map(entry),
    retmsg: paid ? MSG.paid : '',
    pfn: purchase.pfn,
    trans_type: 1,
    bank_id: purchase.deferred?.bankId ?? '',
    expired_date: purchase.deferred === null ? '' : formatTaiwanTimestamp(purchase.deferred.expiresAt),
    result_type: 4,
    result_content_type: purchase.deferred?.contentType ?? purchase.pfn,
    result_content: JSON.stringify(purchase.deferred?.content ?? {}),
    refund_order: purchase.refunds.map((r) => refundEntry(purchase, r, now)),
    items: purchase.items.map((i) => ({
      id: i.id,
      name: i.name,
      cost: i.cost,
      amount: i.amount,
      total: i.cost * i.amount,
    })),
    ...purchase.echo,
  };
}

/** 『交易查詢-退款資訊』: 230 once requested, 220 (取消成功) when cancelled before its upload. */
function refundEntry(
  order: { readonly currency: string },
  refund: MoneyRefund,
  now: Date,
): Record<string, unknown> {
  const cancelled = refund.cancelledAt !== null;
  return {
    uid: refund.refundUid,
    prc: cancelled ? '220' : '230',
    cost: refund.cost,
    currency: order.currency,
    actual_cost: cancelled ? 0 : refund.cost,
    actual_currency: order.currency,
    retmsg: cancelled ? '取消成功' : isUploaded(refund, now) ? '退款成功' : '退款申請中',
    finishtime: formatTaiwanTimestamp(refund.cancelledAt ?? refund.at),
    appropriation_date: '',
  };
}
