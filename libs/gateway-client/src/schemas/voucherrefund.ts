import { z } from 'zod';
import { refineWith } from '../rules/issues';
import { distinctVoucherRefs } from '../rules/vouchers';
import {
  echoFields,
  echoFieldsLoose,
  gatewayCode,
  looseString,
  nonEmpty,
  optionalText,
  orderId,
  taiwanTimestamp,
} from '../wire/fields';
import { voucherRef, voucherRefAnswer } from './common';

/* api/voucherrefund (seed 000 票券退款交易): refund unused vouchers of one buyer account. */

export const voucherRefundRequestShape = z.strictObject({
  store_uid: nonEmpty,
  /** Our refund order id (a new id, not the purchase's). */
  order_id: orderId,
  items: z.array(voucherRef).min(1),
  ...echoFields,
});

export const voucherRefundRequestSchema = voucherRefundRequestShape.superRefine(
  refineWith(distinctVoucherRefs),
);

/** 『票券退款交易』回傳欄位, also the refund report (『票券退款通知』). `code` 230 = refunded. */
export const refundResult = z.looseObject({
  code: gatewayCode,
  msg: optionalText,
  uid: looseString,
  key: z.string(),
  order_id: z.string(),
  refund_date: taiwanTimestamp,
  items: z.array(voucherRefAnswer),
  ...echoFieldsLoose,
});

export const voucherRefundResponseSchema = refundResult;

export type VoucherRefundRequest = z.output<typeof voucherRefundRequestSchema>;
export type VoucherRefundRequestWire = z.input<typeof voucherRefundRequestSchema>;
export type VoucherRefundResponse = z.output<typeof voucherRefundResponseSchema>;
export type VoucherRefundResponseWire = z.input<typeof voucherRefundResponseSchema>;
