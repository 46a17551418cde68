import type { PayoffBatchCode } from '../codes/payoff';
import { isCodeOf } from '../status-codes';
import { defineStateMachine } from '../state-machine';

/**
 * A pay-off batch (our `group_id`). Remitting money twice is the worst failure of this engine, so every call
 * that can move money has its own in-flight state and its own unknown-outcome state:
 * - `draft`: being assembled, items may change; `discarded` if never sent.
 * - `submitting` / `submit_unknown`: the creation call is in flight / its outcome is unknown (query by group_id).
 *   "No such batch" (after a grace, the request may still be on its way) means it never arrived: back to
 *   `draft`, to be sent again with the same group_id, whose uniqueness at the gateway refuses a late duplicate.
 * - `awaiting_approval` S01, `remitting` S03, `completed` S04, `partly_remitted` S05.
 * - `covering` / `covering_unknown`: a covering remittance (`api/payoffcoveringremittance`, only from S05) is in
 *   flight / its outcome is unknown. The response carries the batch code again (S01..S05); a refused covering
 *   leaves the batch S05.
 * - `closed`: an S05 batch whose remaining items were all settled otherwise (see the item machine).
 * - `parked`: the gateway would not say where the batch stands (a query refused without the explicit not-found
 *   code, an odd answer). Nothing is sent, rejected or freed until an operator looks; the operator's retry sends
 *   it back to the unknown state it came from, to be queried again.
 */
export const payoutBatchStates = [
  'draft',
  'submitting',
  'submit_unknown',
  'rejected',
  'awaiting_approval',
  'remitting',
  'completed',
  'partly_remitted',
  'covering',
  'covering_unknown',
  'closed',
  'discarded',
  'parked',
] as const;
export type PayoutBatchState = (typeof payoutBatchStates)[number];

export const payoutBatchMachine = defineStateMachine({
  name: 'payout_batch',
  states: payoutBatchStates,
  initial: ['draft'],
  finals: ['completed', 'rejected', 'closed', 'discarded'],
  transitions: {
    draft: ['submitting', 'discarded'],
    // `draft` again: the gateway refused the creation for some items' accounts and does not have the batch;
    // those items leave it and the rest is re-formed under a new derived group_id.
    submitting: [
      'draft',
      'awaiting_approval',
      'remitting',
      'completed',
      'partly_remitted',
      'rejected',
      'submit_unknown',
      'parked',
    ],
    submit_unknown: [
      'draft',
      'awaiting_approval',
      'remitting',
      'completed',
      'partly_remitted',
      'rejected',
      'parked',
    ],
    awaiting_approval: ['remitting', 'completed', 'partly_remitted'],
    remitting: ['completed', 'partly_remitted'],
    partly_remitted: ['covering', 'closed'],
    covering: ['awaiting_approval', 'remitting', 'completed', 'partly_remitted', 'covering_unknown'],
    covering_unknown: ['awaiting_approval', 'remitting', 'completed', 'partly_remitted', 'parked'],
    parked: ['submit_unknown', 'covering_unknown'],
    completed: [],
    rejected: [],
    closed: [],
    discarded: [],
  },
});

export const payoutBatchStateByCode: { readonly [C in PayoffBatchCode]: PayoutBatchState } = Object.freeze({
  S01: 'awaiting_approval',
  S03: 'remitting',
  S04: 'completed',
  S05: 'partly_remitted',
});

/** `undefined` for undocumented codes (S02 included): the caller escalates. */
export function payoutBatchStateForCode(code: string): PayoutBatchState | undefined {
  return isCodeOf('payoffBatch', code) ? payoutBatchStateByCode[code] : undefined;
}
