import { z } from 'zod';
import { nonEmpty } from '../wire/fields';
import { orderState } from './paypage-common';

/*
 * api/queryorder (seed 001 交易查詢). The seed's request table repeats the answer fields; its sample sends
 * only `uid` and `key` (no store_uid), and that is what we send. The answer is the order state itself, with no
 * outer `code` (a failure answers with `code`/`msg`, see the command registry).
 */

export const queryOrderRequestSchema = z.strictObject({
  uid: nonEmpty,
  key: nonEmpty,
});

export const queryOrderResponseSchema = orderState;

export type QueryOrderRequest = z.output<typeof queryOrderRequestSchema>;
export type QueryOrderResponse = z.output<typeof queryOrderResponseSchema>;
