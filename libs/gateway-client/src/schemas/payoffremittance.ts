import { z } from 'zod';
import { refineWith } from '../rules/issues';
import { payoffCreateIssues } from '../rules/payoff';
import { echoFields, nonEmpty, twd } from '../wire/fields';
import { payoffResponseSchema } from './payoff-batch';

/*
 * Pay-off batch creation. Not in the seeds (they document only the covering remittance); docs/protocol.md §3
 * decides its request (`store_uid, group_id, items[{id, user_id, money}], echo_0..4`), its answer (the batch
 * state) and a configurable command name, default `api/payoffremittance`.
 */

export const payoffRemittanceItem = z.strictObject({
  /** Unique within the batch. */
  id: nonEmpty,
  /** The payee's account. */
  user_id: nonEmpty,
  money: twd,
});

export const payoffRemittanceRequestShape = z.strictObject({
  store_uid: nonEmpty,
  /** Our batch id, unique: also the key to resolve an unknown outcome. */
  group_id: nonEmpty,
  items: z.array(payoffRemittanceItem).min(1),
  ...echoFields,
});

export const payoffRemittanceRequestSchema = payoffRemittanceRequestShape.superRefine(
  refineWith(payoffCreateIssues),
);
export const payoffRemittanceResponseSchema = payoffResponseSchema;

export type PayoffRemittanceRequest = z.output<typeof payoffRemittanceRequestSchema>;
export type PayoffRemittanceRequestWire = z.input<typeof payoffRemittanceRequestSchema>;
export type PayoffRemittanceResponse = z.output<typeof payoffRemittanceResponseSchema>;
