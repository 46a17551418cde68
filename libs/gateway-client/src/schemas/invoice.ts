import { z } from 'zod';
import {
  echoFieldsLoose,
  gatewayCode,
  nonEmpty,
  numberText,
  optionalText,
  optionalTwd,
} from '../wire/fields';
import { invoiceFields } from './issueinvoice';

/* api/invoice (seed 001 電子發票查詢): the invoice state of an order. Like queryorder: no outer `code`. */

export const invoiceRequestSchema = z.strictObject({
  uid: nonEmpty,
  key: nonEmpty,
});

export const invoiceResponseSchema = z.looseObject({
  uid: numberText,
  key: optionalText,
  prc: gatewayCode.optional(),
  order_id: optionalText,
  cost: optionalTwd.optional(),
  currency: optionalText,
  actual_cost: optionalTwd.optional(),
  actual_currency: optionalText,
  ...invoiceFields,
  ...echoFieldsLoose,
});

export type InvoiceRequest = z.output<typeof invoiceRequestSchema>;
export type InvoiceResponse = z.output<typeof invoiceResponseSchema>;
