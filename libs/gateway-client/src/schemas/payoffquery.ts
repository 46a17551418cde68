import { z } from 'zod';
import { nonEmpty } from '../wire/fields';
import { payoffResponseSchema } from './payoff-batch';

/* Pay-off batch query. Not in the seeds; docs/protocol.md §3: by `group_id`, default command `api/payoffquery`. */

export const payoffQueryRequestSchema = z.strictObject({
  store_uid: nonEmpty,
  group_id: nonEmpty,
});

export const payoffQueryResponseSchema = payoffResponseSchema;

export type PayoffQueryRequest = z.output<typeof payoffQueryRequestSchema>;
export type PayoffQueryResponse = z.output<typeof payoffQueryResponseSchema>;
