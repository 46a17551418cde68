import { z } from 'zod';
import { refineWith } from '../rules/issues';
import { payoffCoveringIssues } from '../rules/payoff';
import { nonEmpty } from '../wire/fields';
import { payoffResponseSchema } from './payoff-batch';

/*
 * api/payoffcoveringremittance (seed 004 批次補撥款): re-remit failed items of a batch. The batch must be S05
 * (partly remitted) and each item C2001 (failed) or C2002 (rejected by the approver); the gateway checks that.
 */

export const payoffCoveringRemittanceRequestShape = z.strictObject({
  store_uid: nonEmpty,
  /** The original batch. */
  group_id: nonEmpty,
  items: z.array(z.strictObject({ id: nonEmpty })).min(1),
});

export const payoffCoveringRemittanceRequestSchema = payoffCoveringRemittanceRequestShape.superRefine(
  refineWith(payoffCoveringIssues),
);
export const payoffCoveringRemittanceResponseSchema = payoffResponseSchema;

export type PayoffCoveringRemittanceRequest = z.output<typeof payoffCoveringRemittanceRequestSchema>;
export type PayoffCoveringRemittanceRequestWire = z.input<typeof payoffCoveringRemittanceRequestSchema>;
export type PayoffCoveringRemittanceResponse = z.output<typeof payoffCoveringRemittanceResponseSchema>;
