import { z } from 'zod';
import {
  echoFieldsLoose,
  gatewayCode,
  looseString,
  nonEmpty,
  optionalTaiwanTimestamp,
  optionalText,
  orderId,
} from '../wire/fields';
import { voucherRefAnswer } from './common';

/*
 * api/voucherrefundquery (seed 000 票券退款交易查詢). The seed's table names `api/voucherrefund` here, its PHP
 * sample `api/voucherrefundquery`; docs/protocol.md §3 takes the latter.
 */

export const voucherRefundQueryRequestSchema = z.strictObject({
  store_uid: nonEmpty,
  order_id: orderId,
});

/** 『票券退款訂單查詢內容回傳』. */
export const refundState = z.looseObject({
  order_id: z.string(),
  uid: looseString,
  key: z.string(),
  code: gatewayCode,
  msg: optionalText,
  refund_date: optionalTaiwanTimestamp.optional(),
  items: z.array(voucherRefAnswer).optional(),
  ...echoFieldsLoose,
});

export const voucherRefundQueryResponseSchema = z.looseObject({
  code: gatewayCode,
  msg: optionalText,
  content: refundState.optional(),
});

export type VoucherRefundQueryRequest = z.output<typeof voucherRefundQueryRequestSchema>;
export type VoucherRefundQueryResponse = z.output<typeof voucherRefundQueryResponseSchema>;
export type VoucherRefundQueryResponseWire = z.input<typeof voucherRefundQueryResponseSchema>;
export type RefundState = z.output<typeof refundState>;
