import { z } from 'zod';
import { purchaseRequestIssues } from '../rules/purchase';
import { refineWith } from '../rules/issues';
import {
  alnumId32,
  calendarDate,
  count,
  echoFields,
  gatewayCode,
  intOneOf,
  jsonStringArray,
  looseString,
  nonEmpty,
  optionalText,
  orderId,
  twd,
} from '../wire/fields';
import { sharingRequest } from './common';

/*
 * api/voucherservicepurchase (seed 000 購買票券交易): buy vouchers; the answer carries the payment page URL.
 * Field names, types and required-ness from 『購買票券交易』, 『消費者資訊』, 『票券項目』, 『票券宣告』.
 */

/** 『消費者資訊』. */
export const purchaseUserData = z.strictObject({
  user_id: nonEmpty,
  user_name: z.string().optional(),
  user_real_name: z.string().optional(),
  user_address_post_zone: z.string().optional(),
  user_address: z.string().optional(),
  /** 1 national id, 2 resident certificate, 3 passport. */
  user_sn_type: z.enum(['1', '2', '3']).optional(),
  user_sn: z.string().optional(),
  user_phone: z.string().optional(),
  user_cellphone_code: z.string().optional(),
  user_cellphone: z.string().optional(),
  user_email: z.string().optional(),
  user_birthday: z.string().optional(),
  ip: nonEmpty,
});

/** 『票券項目』. */
export const purchaseItem = z.strictObject({
  id: alnumId32,
  name: nonEmpty,
  /** Number of paid vouchers. */
  amount: count,
  /** Face value of each voucher (面額). */
  price: twd,
  /** Contained value of each voucher (內含價值); the fees are computed on it. */
  cost: twd,
  total_price: twd,
  total_cost: twd,
  /** Free vouchers on top of `amount`. */
  gift_number: count,
  trust_start_date: calendarDate,
  trust_end_date: calendarDate,
  /**
   * Marked required (必填) in the table, yet the seed's own sample request omits it; the gateway evidently
   * accepts its absence, so we do too.
   */
  validity_end_date: calendarDate.optional(),
  /** 1 = the merchant supplies the serials (mandatory for platform customers). */
  is_custom_serial: intOneOf([0, 1]),
  /** JSON-in-string on the wire; one serial per paid voucher when `is_custom_serial` is 1. */
  serial_numbers: jsonStringArray.optional(),
  /** Same for the gift vouchers. */
  gift_serial_numbers: jsonStringArray.optional(),
  sharing: sharingRequest,
});

/** 『票券宣告』: one per item, same names. Only h6, ul, li and b survive in `content` (the gateway strips others). */
export const purchaseDeclaration = z.strictObject({
  name: nonEmpty,
  content: z.string().optional(),
});

export const voucherServicePurchaseRequestShape = z.strictObject({
  store_uid: nonEmpty,
  order_id: orderId,
  /** Payment tool (附錄一 code or number); `"0"` for any. */
  pfn: nonEmpty,
  user_data: purchaseUserData,
  /** Only 1 is defined for each (named, single-store, immediate issue). */
  service_type: intOneOf([1]).optional(),
  area_type: intOneOf([1]).optional(),
  is_pre_issue: intOneOf([1]).optional(),
  /** Order total. */
  cost: twd,
  currency: z.literal('TWD').optional(),
  items: z.array(purchaseItem).min(1),
  declarations: z.array(purchaseDeclaration).min(1),
  ...echoFields,
  success_returl: z.string().optional(),
  failure_returl: z.string().optional(),
});

/** The purchase request, with the docs/protocol.md §3 business rules (see rules/purchase.ts) as refinements. */
export const voucherServicePurchaseRequestSchema = voucherServicePurchaseRequestShape.superRefine(
  refineWith(purchaseRequestIssues),
);

/** 『購買票券交易』回傳欄位. `code` 200 means the order is open and `url` is its payment page. */
export const voucherServicePurchaseResponseSchema = z.looseObject({
  code: gatewayCode,
  msg: optionalText,
  uid: looseString,
  key: z.string(),
  url: z.string(),
});

export type VoucherServicePurchaseRequest = z.output<typeof voucherServicePurchaseRequestSchema>;
export type VoucherServicePurchaseRequestWire = z.input<typeof voucherServicePurchaseRequestSchema>;
export type VoucherServicePurchaseResponse = z.output<typeof voucherServicePurchaseResponseSchema>;
export type VoucherServicePurchaseResponseWire = z.input<typeof voucherServicePurchaseResponseSchema>;
export type PurchaseItem = z.output<typeof purchaseItem>;
