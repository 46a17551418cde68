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
import { redeemedVoucher, voucherRef } from './common';

/* api/vouchertransaction (seed 000 票券核銷交易): redeem vouchers online. */

export const voucherTransactionRequestShape = z.strictObject({
  store_uid: nonEmpty,
  /** Our redemption id, unique per merchant: it is also the key to resolve an unknown outcome. */
  order_id: orderId,
  user_id: nonEmpty,
  ip: nonEmpty,
  items: z.array(voucherRef).min(1),
  ...echoFields,
});

export const voucherTransactionRequestSchema = voucherTransactionRequestShape.superRefine(
  refineWith(distinctVoucherRefs),
);

/**
 * 『票券核銷交易』回傳欄位, also the redemption report (『票券核銷交易回傳資訊』). `code` 250 = redeemed;
 * each item carries the gateway's split in `fee`.
 */
export const redemptionResult = z.looseObject({
  code: gatewayCode,
  msg: optionalText,
  uid: looseString,
  key: z.string(),
  order_id: z.string(),
  reimbursement_date: taiwanTimestamp,
  items: z.array(redeemedVoucher),
  ...echoFieldsLoose,
});

export const voucherTransactionResponseSchema = redemptionResult;

export type VoucherTransactionRequest = z.output<typeof voucherTransactionRequestSchema>;
export type VoucherTransactionRequestWire = z.input<typeof voucherTransactionRequestSchema>;
export type VoucherTransactionResponse = z.output<typeof voucherTransactionResponseSchema>;
export type VoucherTransactionResponseWire = z.input<typeof voucherTransactionResponseSchema>;
export type RedeemedVoucher = z.output<typeof redeemedVoucher>;
