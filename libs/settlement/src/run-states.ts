/** The steps of a settlement run, in order; the run's `state` is the next step to do. */
export const RUN_STATES = ['clearing', 'posting', 'batching', 'paying', 'exporting', 'completed'] as const;
export type RunState = (typeof RUN_STATES)[number];

export function nextState(state: RunState): RunState {
  const index = RUN_STATES.indexOf(state);
  return RUN_STATES[Math.min(index + 1, RUN_STATES.length - 1)] ?? 'completed';
}
