import { z } from 'zod';
import { nonEmpty } from '../wire/fields';
import { orderStateAnswer } from './paypage-common';

/* api/cancelauthorization (seed 001 信用卡取消授權): release an authorisation (order status 245). */

export const cancelAuthorizationRequestSchema = z.strictObject({
  store_uid: nonEmpty,
  uid: nonEmpty,
  key: nonEmpty,
});

export const cancelAuthorizationResponseSchema = orderStateAnswer;

export type CancelAuthorizationRequest = z.output<typeof cancelAuthorizationRequestSchema>;
export type CancelAuthorizationResponse = z.output<typeof cancelAuthorizationResponseSchema>;
