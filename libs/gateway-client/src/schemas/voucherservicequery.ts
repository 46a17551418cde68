import { z } from 'zod';
import {
  echoFieldsLoose,
  gatewayCode,
  looseString,
  nonEmpty,
  optionalTaiwanTimestamp,
  optionalText,
  optionalTwd,
  orderId,
} from '../wire/fields';

/* api/voucherservicequery (seed 000 購買票券交易查詢): the state of a purchase order. */

export const voucherServiceQueryRequestSchema = z.strictObject({
  store_uid: nonEmpty,
  order_id: orderId,
});

/**
 * 『購買票券交易查詢回傳』, also the body of the purchase report (『購買票券交易回傳資訊』). `code` is the
 * purchase state (購買票券交易狀態碼: 250 paid, 300 failed, ...).
 */
export const purchaseState = z.looseObject({
  uid: looseString,
  key: z.string(),
  code: gatewayCode,
  msg: optionalText,
  finishtime: optionalTaiwanTimestamp.optional(),
  order_id: z.string(),
  user_id: optionalText,
  cost: optionalTwd.optional(),
  currency: optionalText,
  actual_cost: optionalTwd.optional(),
  actual_currency: optionalText,
  pfn: optionalText,
  ...echoFieldsLoose,
});

export const voucherServiceQueryResponseSchema = z.looseObject({
  code: gatewayCode,
  msg: optionalText,
  content: purchaseState.optional(),
});

export type VoucherServiceQueryRequest = z.output<typeof voucherServiceQueryRequestSchema>;
export type VoucherServiceQueryResponse = z.output<typeof voucherServiceQueryResponseSchema>;
export type VoucherServiceQueryResponseWire = z.input<typeof voucherServiceQueryResponseSchema>;
export type PurchaseState = z.output<typeof purchaseState>;
