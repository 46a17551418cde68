import { formatTaiwanTimestamp } from '@tixclear/domain';
import { echoOf, executed, executionFailed, invalidData, MSG } from '../answers';
import type { Merchant } from '../merchants';
import { isAnyPfn, paidWith, pfnCode } from '../pfn';
import type { MoneyRefund, OrderCode, PayPageOrder, VoucherPurchase } from '../state/types';
import type { RequestFor } from '../validation';
import { changed, unchanged, type FlowResult, type Services } from './context';
import { findOrder, refundMoney } from './money-refund';
import type { PaymentAction } from './purchase';

/*
 * The PayPage commands the engine uses (seed 001): api/orders opens an order with a payment URL, the payment page
 * settles it (250 paid, A0002 abandoned, 300 failed) and reports it (『交易完成回傳資訊』), api/queryorder answers
 * the order state itself (no outer code; voucher purchases too, with their vouchers), api/refund refunds money.
 */

const RETMSG: Readonly<Record<OrderCode, string>> = {
  '200': MSG.dataOk,
  '250': MSG.paid,
  '300': MSG.paymentFailed,
  A0002: '放棄交易',
  '230': '退款成功',
};

export function openOrder(services: Services, merchant: Merchant, request: RequestFor<'orders'>): FlowResult {
  const { state } = services;
  if (state.orderByOrderId(merchant.uid, request.order_id) !== undefined) {
    return unchanged(invalidData('order_id (duplicate)'));
  }
  if (request.pfn !== undefined && !isAnyPfn(request.pfn) && pfnCode(request.pfn) === undefined) {
    return unchanged(invalidData('pfn'));
  }
  const ids = services.ids();
  const order: PayPageOrder = {
    kind: 'paypage_order',
    merchantUid: merchant.uid,
    uid: ids.uid(),
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

export function settleOrder(
  services: Services,
  order: PayPageOrder,
  action: PaymentAction,
  chosenPfn?: string,
): { moved: boolean } {
  if (order.prc !== '200') return { moved: false };
  order.finishedAt = services.clock.now();
  switch (action) {
    case 'pay':
      order.prc = '250';
      order.pfn = paidWith(order.requestedPfn, chosenPfn);
      order.acode = services.ids().authCode();
      break;
    case 'cancel':
      order.prc = 'A0002';
      break;
    case 'fail':
      order.prc = '300';
      break;
  }
  order.retmsg = RETMSG[order.prc];
  const merchant = services.merchants.find('store', order.merchantUid);
  if (merchant !== undefined) services.report(merchant, 'orders', paymentReport(order));
  return { moved: true };
}

export function queryOrder(
  services: Services,
  merchant: Merchant,
  request: RequestFor<'queryorder'>,
): FlowResult {
  const order = findOrder(services, merchant.uid, request.uid, ['paypage_order', 'voucher_purchase']);
  if (order === undefined || order.key !== request.key)
    return unchanged(executionFailed('uid/key (no such order)'));
  return unchanged(order.kind === 'paypage_order' ? orderState(order) : purchaseOrderState(services, order));
}

export function refundOrder(
  services: Services,
  merchant: Merchant,
  request: RequestFor<'refund'>,
): FlowResult {
  const outcome = refundMoney(services, merchant.uid, request, 'refund', null);
  if (!outcome.ok)
    return unchanged({ key: request.key, uid: request.uid, ...executionFailed(outcome.detail) });
  const { order, refund } = outcome;
  // 『退款完成回傳資訊』 of the seed's sample, PayPage style (prc/retmsg).
  return changed({
    row_data: {
      uid: order.uid,
      refund_uid: refund.refundUid,
      key: order.key,
      prc: '230',
      finishtime: formatTaiwanTimestamp(refund.at),
      order_id: order.orderId,
      user_id: order.userId,
      cost: refund.cost,
      currency: order.currency,
      actual_cost: refund.cost,
      actual_currency: order.currency,
      retmsg: RETMSG['230'],
      pfn: order.pfn,
      payment_name: '',
      nois: '',
      group_id: '',
      refund_type: 1,
      expected_refund_date: '',
      ...order.echo,
    },
    key: order.key,
    uid: String(order.uid),
    ...executed(),
  });
}

/** 『交易完成回傳資訊』: the payment report. */
function paymentReport(order: PayPageOrder): Record<string, unknown> {
  const paid = order.prc === '250';
  return {
    uid: order.uid,
    key: order.key,
    prc: order.prc,
    finishtime: order.finishedAt === null ? '' : formatTaiwanTimestamp(order.finishedAt),
    cardno: paid ? '493817******0003' : '',
    acode: order.acode,
    card_type: paid ? 1 : '',
    issuing_bank: '',
    issuing_bank_uid: '',
    is_agent_charge: 0,
    transaction_mode: paid ? 1 : 0,
    supplier_name: paid ? 'simulator' : '',
    supplier_code: paid ? 'SIM' : '',
    order_id: order.orderId,
    user_id: order.userId,
    cost: order.cost,
    currency: order.currency,
    actual_cost: paid ? order.cost : 0,
    actual_currency: order.currency,
    price: '',
    actual_price: '',
    recharge_code: '',
    love_cost: 0,
    retmsg: order.retmsg,
    pfn: order.pfn,
    trans_type: 1,
    redeem: '',
    installment: '',
    payment_name: '',
    nois: '',
    group_id: '',
    bank_id: '',
    expired_date: '',
    result_type: paid ? 4 : '',
    result_content_type: order.pfn,
    result_content: paid ? '{}' : '',
    ...order.echo,
  };
}

/** 『交易查詢』 answer of a PayPage order. */
function orderState(order: PayPageOrder): Record<string, unknown> {
  return {
    ...paymentReport(order),
    appropriation_date: '',
    refund_order: order.refunds.map((r) => refundEntry(order, r)),
    cancel_order: [],
    invoice_state: 0,
    items: order.items.map((i) => ({
      id: i.id,
      name: i.name,
      cost: i.cost,
      amount: i.amount,
      total: i.total,
    })),
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
    refund_order: purchase.refunds.map((r) => refundEntry(purchase, r)),
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

function refundEntry(order: { readonly currency: string }, refund: MoneyRefund): Record<string, unknown> {
  return {
    uid: refund.refundUid,
    prc: '230',
    cost: refund.cost,
    currency: order.currency,
    actual_cost: refund.cost,
    actual_currency: order.currency,
    retmsg: RETMSG['230'],
    finishtime: formatTaiwanTimestamp(refund.at),
    appropriation_date: '',
  };
}
