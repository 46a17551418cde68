import { z } from 'zod';
import {
  echoFieldsLoose,
  gatewayCode,
  intOneOf,
  jsonText,
  looseString,
  nonEmpty,
  optionalText,
  optionalTwd,
  optionalTwdText,
  taiwanDateOrTimestamp,
} from '../wire/fields';
import { looseNumberText, looseText } from './common';

/* api/issueinvoice (seed 001 電子發票開立): issue the e-invoice of a paid order (within 48 hours). */

export const issueInvoiceRequestSchema = z.strictObject({
  store_uid: nonEmpty,
  key: nonEmpty,
  uid: nonEmpty,
  /** 1 cloud invoice, 2 donation, 3 paper (B2B). */
  invoice_input_type: intOneOf([1, 2, 3]),
  /** 2 mobile barcode, 3 citizen certificate, 4 e-mail. The table says string; the sample sends 2. */
  invoice_cloud_type: intOneOf([2, 3, 4]).optional(),
  invoice_tax_id: z.string().optional(),
  invoice_mobile_code: z.string().optional(),
  invoice_natural_person: z.string().optional(),
  invoice_love_code: z.string().optional(),
  invoice_b2b_title: z.string().optional(),
  invoice_b2b_id: z.string().optional(),
  invoice_b2b_post_zone: z.string().optional(),
  invoice_b2b_address: z.string().optional(),
});

/** The invoice fields common to the issue answer and the invoice query. */
export const invoiceFields = {
  /** 0 none, 1 waiting, 2 issued, 3 failed, 4 void, (query) 5 service error, 6 allowance. */
  state: looseNumberText.optional(),
  date: taiwanDateOrTimestamp.optional(),
  wordtrack: looseText.optional(),
  number: looseText.optional(),
  rand_code: looseText.optional(),
  seller_ban: looseText.optional(),
  buyer_ban: looseText.optional(),
  left_qrcode: looseText.optional(),
  middle_barcode: looseText.optional(),
  right_qrcode: looseText.optional(),
  title_type: looseNumberText.optional(),
  title: looseText.optional(),
  amount: optionalTwdText.optional(),
  sales_amount: optionalTwdText.optional(),
  tax_amount: optionalTwdText.optional(),
  order_detail: jsonText.optional(),
  ratetype: looseNumberText.optional(),
  input_type: looseNumberText.optional(),
};

export const issueInvoiceResponseSchema = z.looseObject({
  uid: looseString.optional(),
  key: optionalText,
  code: gatewayCode,
  msg: optionalText,
  order_id: optionalText,
  actual_cost: optionalTwd.optional(),
  actual_currency: optionalText,
  state_msg: optionalText,
  ...invoiceFields,
  ...echoFieldsLoose,
});

export type IssueInvoiceRequest = z.output<typeof issueInvoiceRequestSchema>;
export type IssueInvoiceResponse = z.output<typeof issueInvoiceResponseSchema>;
