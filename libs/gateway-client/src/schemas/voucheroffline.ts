import { z } from 'zod';
import { refineWith } from '../rules/issues';
import { offlineRequestIssues } from '../rules/offline';
import {
  count,
  echoFields,
  echoFieldsLoose,
  gatewayCode,
  intOneOf,
  looseString,
  nonEmpty,
  optionalTaiwanTimestamp,
  optionalText,
  orderId,
  payToken,
  taiwanTimestamp,
  twd,
} from '../wire/fields';
import { looseText } from './common';

/*
 * api/voucheroffline (seed 002 票券核銷線下交易): redemption at a POS, store or dealer mode. Unlike the online
 * redemption the answer carries no fee object: the split is computed on our side (libs/fee-engine).
 */

/** 『票券核銷交易發票資訊』. */
export const offlineInvoice = z.strictObject({
  number: nonEmpty,
  /** YYYYMMDDHHmmss per the table. */
  date: taiwanTimestamp,
});

export const voucherOfflineRequestShape = z.strictObject({
  /** 核銷點類型: 1 MYTIX store (default), 2 own redemption point. */
  reimbursement_from_type: intOneOf([1, 2]).optional(),
  reimbursement_store_uid: z.string().optional(),
  reimbursement_dealer_no: z.string().optional(),
  /** Required for physical vouchers. */
  issuance_uid: z.string().optional(),
  /** `MYTIX` + 16 characters, or a JSON string array of physical serials (decoded to the array). */
  pay_token: payToken,
  order_id: orderId,
  pos_trade_time: taiwanTimestamp.optional(),
  pos_id: z.string().optional(),
  clerk_no: z.string().optional(),
  success_returl: z.string().optional(),
  failure_returl: z.string().optional(),
  reimbursement_order_id: z.string().optional(),
  /** 0 no invoice (default), 1 the merchant issues its own and sends `invoice`. */
  issue_invoice_state: intOneOf([0, 1]).optional(),
  invoice: offlineInvoice.nullable().optional(),
  ...echoFields,
});

export const voucherOfflineRequestSchema = voucherOfflineRequestShape.superRefine(
  refineWith(offlineRequestIssues),
);

/** 『票券核銷線下交易產品金額資訊』. */
export const offlineProduct = z.looseObject({
  amount: count,
  cost: twd,
  price: twd,
  total_cost: twd,
  total_price: twd,
});

/** 『單張票券資訊』. */
export const offlineVoucher = z.looseObject({
  serial_no: looseText.optional(),
  custom_serial_no: looseText.optional(),
  book_no: looseText.optional(),
  /** 銷售點類型: 1 MYTIX store, 2 own sales point. */
  sales_from_type: intOneOf([1, 2]),
  sales_store_uid: looseText.optional(),
  sales_dealer_no: looseText.optional(),
  cost: twd,
  price: twd,
});

/** 『票券核銷線下交易產品資訊』. */
export const offlineItem = z.looseObject({
  issuance_uid: looseText.optional(),
  id: looseString,
  name: optionalText,
  products: z.array(offlineProduct),
  vouchers: z.array(offlineVoucher),
});

/** 『票券核銷線下交易資訊回傳』: repeats the request and adds the outcome (`code` 250 redeemed, 300 failed). */
export const offlineRedemption = z.looseObject({
  uid: looseString,
  key: z.string(),
  order_id: z.string(),
  code: gatewayCode,
  msg: optionalText,
  finishtime: optionalTaiwanTimestamp.optional(),
  pay_token: payToken.optional(),
  pos_trade_time: optionalTaiwanTimestamp.optional(),
  pos_id: optionalText,
  clerk_no: optionalText,
  items: z.array(offlineItem).optional(),
  reimbursement_from_type: intOneOf([1, 2]).optional(),
  reimbursement_store_uid: optionalText,
  reimbursement_dealer_no: optionalText,
  issuance_uid: optionalText,
  reimbursement_order_id: optionalText,
  issue_invoice_state: intOneOf([0, 1]).optional(),
  invoice: z
    .looseObject({ number: looseText.optional(), date: optionalTaiwanTimestamp.optional() })
    .nullish(),
  ...echoFieldsLoose,
});

export const voucherOfflineResponseSchema = z.looseObject({
  code: gatewayCode,
  msg: optionalText,
  content: offlineRedemption.optional(),
});

export type VoucherOfflineRequest = z.output<typeof voucherOfflineRequestSchema>;
export type VoucherOfflineRequestWire = z.input<typeof voucherOfflineRequestSchema>;
export type VoucherOfflineResponse = z.output<typeof voucherOfflineResponseSchema>;
export type VoucherOfflineResponseWire = z.input<typeof voucherOfflineResponseSchema>;
export type OfflineRedemption = z.output<typeof offlineRedemption>;
