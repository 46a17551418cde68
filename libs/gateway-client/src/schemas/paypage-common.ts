import { z } from 'zod';
import {
  echoFieldsLoose,
  gatewayCode,
  jsonText,
  looseString,
  numberText,
  optionalCalendarDate,
  optionalTaiwanTimestamp,
  optionalText,
  optionalTwd,
  optionalTwdText,
  taiwanDateOrTimestamp,
} from '../wire/fields';
import { looseNumberText, looseText, paypageItemAnswer } from './common';

/*
 * PayPage (seed 001) structures shared by several answers and by the payment report. Everything we compute or
 * store (amounts, status, instants) is normalised; display-only fields are kept as text (`looseText`) so that
 * a new value shape on the gateway's side does not fail a payment we must record.
 */

/** 『電子發票折讓資訊』. */
export const invoiceAllowance = z.looseObject({
  uid: looseText.optional(),
  amount: optionalTwd.optional(),
  order_detail: jsonText.optional(),
});

/** 『交易查詢-退款資訊』 and 『交易查詢-取消資訊』 (the latter is a subset). */
export const orderSubTransaction = z.looseObject({
  uid: looseString,
  prc: gatewayCode.optional(),
  cost: optionalTwd.optional(),
  currency: optionalText,
  actual_cost: optionalTwd.optional(),
  actual_currency: optionalText,
  retmsg: optionalText,
  finishtime: optionalTaiwanTimestamp.optional(),
  appropriation_date: optionalCalendarDate.optional(),
});

/** 『有償票券項目』/『無償票券項目』. */
export const orderVoucher = z.looseObject({
  product_id: looseText.optional(),
  serial_number: looseText.optional(),
  name: looseText.optional(),
  cost: optionalTwd.optional(),
  issuer: looseText.optional(),
  refund_return_type: looseText.optional(),
});

/**
 * 『交易查詢』 answer fields: the state of a PayPage order. Also the content of the capture and cancel answers
 * and, minus the invoice part, the payment report (交易完成/非即時交易/訂單確認回傳資訊). `prc` is the order
 * status (附錄二: 250 paid, 245 authorised, 230 refunded, A0001 pending confirmation, ...).
 */
export const orderState = z.looseObject({
  uid: numberText,
  key: optionalText,
  prc: gatewayCode,
  finishtime: optionalTaiwanTimestamp.optional(),
  cardno: looseText.optional(),
  acode: looseText.optional(),
  card_type: looseText.optional(),
  issuing_bank: looseText.optional(),
  issuing_bank_uid: looseText.optional(),
  is_agent_charge: looseNumberText.optional(),
  transaction_mode: looseNumberText.optional(),
  supplier_name: looseText.optional(),
  supplier_code: looseText.optional(),
  order_id: optionalText,
  user_id: optionalText,
  cost: optionalTwd.optional(),
  currency: optionalText,
  actual_cost: optionalTwd.optional(),
  actual_currency: optionalText,
  voucher_paid: z.array(orderVoucher).nullish(),
  voucher_free: z.array(orderVoucher).nullish(),
  /** Recharge points or amount: not necessarily TWD, so kept as text. */
  price: looseText.optional(),
  actual_price: looseText.optional(),
  recharge_code: looseText.optional(),
  love_cost: optionalTwd.optional(),
  retmsg: optionalText,
  pfn: looseText.optional(),
  trans_type: looseNumberText.optional(),
  /** JSON in a string (紅利資訊, 分期資訊). */
  redeem: jsonText.optional(),
  installment: jsonText.optional(),
  payment_name: looseText.optional(),
  nois: looseText.optional(),
  group_id: looseText.optional(),
  bank_id: looseText.optional(),
  expired_date: optionalTaiwanTimestamp.optional(),
  appropriation_date: optionalCalendarDate.optional(),
  result_type: looseNumberText.optional(),
  result_content_type: looseText.optional(),
  /** JSON in a string: virtual account or convenience-store payment codes. */
  result_content: jsonText.optional(),
  refund_order: z.array(orderSubTransaction).nullish(),
  cancel_order: z.array(orderSubTransaction).nullish(),
  invoice_state: looseNumberText.optional(),
  /** The table says YYYYMMDD; the samples show YYYYMMDDHHmmss. Both read. */
  invoice_date: taiwanDateOrTimestamp.optional(),
  invoice_wordtrack: looseText.optional(),
  invoice_number: looseText.optional(),
  invoice_rand_code: looseText.optional(),
  invoice_amount: optionalTwdText.optional(),
  invoice_sales_amount: optionalTwdText.optional(),
  invoice_tax_amount: optionalTwdText.optional(),
  invoice_order_detail: jsonText.optional(),
  invoice_allowance: z.array(invoiceAllowance).nullish(),
  items: z.array(paypageItemAnswer).nullish(),
  ...echoFieldsLoose,
});

/** 『退款完成回傳資訊』: present when a refund completed at once. */
export const refundRow = z.looseObject({
  uid: numberText,
  refund_uid: numberText.optional(),
  key: optionalText,
  prc: gatewayCode.optional(),
  finishtime: optionalTaiwanTimestamp.optional(),
  order_id: optionalText,
  user_id: optionalText,
  cost: optionalTwd.optional(),
  currency: optionalText,
  actual_cost: optionalTwd.optional(),
  actual_currency: optionalText,
  retmsg: optionalText,
  pfn: looseText.optional(),
  payment_name: looseText.optional(),
  nois: looseText.optional(),
  group_id: looseText.optional(),
  /** 1 online, 2 manual (card), 3 manual (cash). */
  refund_type: looseNumberText.optional(),
  expected_refund_date: optionalCalendarDate.optional(),
  ...echoFieldsLoose,
});

/** The refund and refund-cancel answers: `code` B200/B500 and the refund row. */
export const refundAnswer = z.looseObject({
  key: optionalText,
  uid: looseString.optional(),
  code: gatewayCode,
  msg: optionalText,
  row_data: refundRow.nullish(),
});

/** The capture and cancel answers: `code`, `msg`, the order state in `content`. */
export const orderStateAnswer = z.looseObject({
  code: gatewayCode,
  msg: optionalText,
  content: orderState.optional(),
});

export type OrderState = z.output<typeof orderState>;
export type RefundRow = z.output<typeof refundRow>;
