import { z } from 'zod';
import { gatewayCode, jsonStringArray, nonEmpty, optionalText, twd } from '../wire/fields';

/* api/paymentsupportpaymode (seed 001 可用支付工具查詢): the payment tools a store may use for an amount. */

export const paymentSupportPayModeRequestSchema = z.strictObject({
  store_uid: nonEmpty,
  /** At least 1. */
  cost: twd.refine((n) => n >= 1, { message: 'Expected at least 1.' }),
  /** The table lists this as a second `cost` row; its description is the currency's. */
  currency: z.enum(['TWD', 'CNY']).optional(),
});

export const paymentSupportPayModeResponseSchema = z.looseObject({
  code: gatewayCode,
  msg: optionalText,
  /** The table says string, the sample shows an array; both read (a string as JSON). */
  content: z.union([z.array(z.string()), jsonStringArray]).optional(),
});

export type PaymentSupportPayModeRequest = z.output<typeof paymentSupportPayModeRequestSchema>;
export type PaymentSupportPayModeResponse = z.output<typeof paymentSupportPayModeResponseSchema>;
