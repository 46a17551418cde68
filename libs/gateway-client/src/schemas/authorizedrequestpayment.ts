import { z } from 'zod';
import { refineWith } from '../rules/issues';
import { itemsMatchCost } from '../rules/items';
import { nonEmpty, twd } from '../wire/fields';
import { paypageItem } from './common';
import { orderStateAnswer } from './paypage-common';

/* api/authorizedrequestpayment (seed 001 信用卡授權請款): capture an authorisation, once, fully or partly. */

export const authorizedRequestPaymentRequestShape = z.strictObject({
  store_uid: nonEmpty,
  uid: nonEmpty,
  key: nonEmpty,
  /** Total to capture. */
  cost: twd,
  /** The captured items, names as in the order. */
  items: z.array(paypageItem).optional(),
});

export const authorizedRequestPaymentRequestSchema = authorizedRequestPaymentRequestShape.superRefine(
  refineWith(itemsMatchCost),
);
export const authorizedRequestPaymentResponseSchema = orderStateAnswer;

export type AuthorizedRequestPaymentRequest = z.output<typeof authorizedRequestPaymentRequestSchema>;
export type AuthorizedRequestPaymentResponse = z.output<typeof authorizedRequestPaymentResponseSchema>;
