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
import { redeemedVoucher } from './common';

/* api/voucherquery (seed 000 票券核銷查詢): the result of a redemption, by our order_id. */

export const voucherQueryRequestSchema = z.strictObject({
  store_uid: nonEmpty,
  order_id: orderId,
});

/** 『票券核銷訂單查詢內容回傳』. A failed redemption may have no date and no items, hence optional. */
export const redemptionState = z.looseObject({
  order_id: z.string(),
  uid: looseString,
  key: z.string(),
  code: gatewayCode,
  msg: optionalText,
  reimbursement_date: optionalTaiwanTimestamp.optional(),
  items: z.array(redeemedVoucher).optional(),
  ...echoFieldsLoose,
});

export const voucherQueryResponseSchema = z.looseObject({
  code: gatewayCode,
  msg: optionalText,
  content: redemptionState.optional(),
});

export type VoucherQueryRequest = z.output<typeof voucherQueryRequestSchema>;
export type VoucherQueryResponse = z.output<typeof voucherQueryResponseSchema>;
export type VoucherQueryResponseWire = z.input<typeof voucherQueryResponseSchema>;
export type RedemptionState = z.output<typeof redemptionState>;
