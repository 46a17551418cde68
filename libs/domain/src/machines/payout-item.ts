import type { PayoffItemCode } from '../codes/payoff';
import { isCodeOf } from '../status-codes';
import { defineStateMachine } from '../state-machine';

/**
 * One item of a pay-off batch: one payee, one amount.
 * - `pending`: in a batch not yet accepted by the gateway; `withdrawn` if that batch is discarded or rejected
 *   (its amount goes back to the payable balance for a later batch).
 * - `awaiting_approval` C0001, `remitted` C1001, `failed` C2001, `rejected` C2002 (by the approver).
 * - `covering`: included in a covering remittance; the gateway then reports a fresh item code.
 * - `exception`: out of the automatic flow for an operator (repeated failures, or a payee account the
 *   creation refused, straight from `pending`). From there it is covered again once fixed, `reincluded` in a
 *   new batch (this row ends; the new batch has a new item), `settled_outside` the gateway (paid by other means,
 *   recorded in the ledger), or `remitted` when the gateway, asked before a re-inclusion, says it was paid.
 */
export const payoutItemStates = [
  'pending',
  'awaiting_approval',
  'remitted',
  'failed',
  'rejected',
  'covering',
  'exception',
  'reincluded',
  'settled_outside',
  'withdrawn',
] as const;
export type PayoutItemState = (typeof payoutItemStates)[number];

export const payoutItemMachine = defineStateMachine({
  name: 'payout_item',
  states: payoutItemStates,
  initial: ['pending'],
  finals: ['remitted', 'reincluded', 'settled_outside', 'withdrawn'],
  transitions: {
    pending: ['awaiting_approval', 'remitted', 'failed', 'rejected', 'withdrawn', 'exception'],
    awaiting_approval: ['remitted', 'failed', 'rejected'],
    failed: ['covering', 'exception'],
    rejected: ['covering', 'exception'],
    // A refused or unanswered covering is settled by the item code the next query reports.
    covering: ['awaiting_approval', 'remitted', 'failed', 'rejected'],
    exception: ['covering', 'reincluded', 'settled_outside', 'remitted'],
    remitted: [],
    reincluded: [],
    settled_outside: [],
    withdrawn: [],
  },
});

export const payoutItemStateByCode: { readonly [C in PayoffItemCode]: PayoutItemState } = Object.freeze({
  C0001: 'awaiting_approval',
  C1001: 'remitted',
  C2001: 'failed',
  C2002: 'rejected',
});

export function payoutItemStateForCode(code: string): PayoutItemState | undefined {
  return isCodeOf('payoffItem', code) ? payoutItemStateByCode[code] : undefined;
}
