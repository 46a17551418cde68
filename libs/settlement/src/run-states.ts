import { settlementRunStates } from '@tixclear/db';

/** The steps of a settlement run, in order; the run's `state` is the next step to do (the database's list). */
export const RUN_STATES = settlementRunStates;
export type RunState = (typeof RUN_STATES)[number];

export function nextState(state: RunState): RunState {
  const index = RUN_STATES.indexOf(state);
  return RUN_STATES[Math.min(index + 1, RUN_STATES.length - 1)] ?? 'completed';
}
