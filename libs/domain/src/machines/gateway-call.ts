import { defineStateMachine, type StateMachine } from '../state-machine';

/**
 * The shape of every single gateway call we initiate (redemption, refund): record the intent with its own id,
 * mark it `submitted` right before the call, store the outcome after it. Never across one DB transaction.
 * - `recorded -> failed`: the call was never sent (a local check failed, or it was abandoned before sending);
 *   safe because `submitted` is written before the request leaves.
 * - `outcome_unknown`: timeout, 400 or B200; the reconciler queries and settles it as `succeeded` or `failed`
 *   (a query that finds no such order means the call never arrived: `failed`).
 */
export const gatewayCallStates = ['recorded', 'submitted', 'outcome_unknown', 'succeeded', 'failed'] as const;
export type GatewayCallState = (typeof gatewayCallStates)[number];

export function defineGatewayCallMachine(name: string): StateMachine<GatewayCallState> {
  return defineStateMachine({
    name,
    states: gatewayCallStates,
    initial: ['recorded'],
    finals: ['succeeded', 'failed'],
    transitions: {
      recorded: ['submitted', 'failed'],
      submitted: ['succeeded', 'failed', 'outcome_unknown'],
      outcome_unknown: ['succeeded', 'failed'],
      succeeded: [],
      failed: [],
    },
  });
}
