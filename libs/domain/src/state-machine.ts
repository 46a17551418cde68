import { IllegalTransitionError, StateMachineDefinitionError } from './domain-errors';

/**
 * What a machine is made of. `transitions` must list every state (finals with `[]`), so adding a state without
 * deciding where it may go is a type error, not a silent dead end.
 */
export interface StateMachineDefinition<S extends string> {
  readonly name: string;
  readonly states: readonly S[];
  /** States a new row may be inserted with. */
  readonly initial: readonly NoInfer<S>[];
  /** States with no way out. */
  readonly finals: readonly NoInfer<S>[];
  readonly transitions: { readonly [K in NoInfer<S>]: readonly NoInfer<S>[] };
}

/**
 * A checked, frozen state machine. The functions are properties (not methods) so they can be passed around
 * unbound, e.g. `states.filter(purchaseMachine.isFinal)`.
 */
export interface StateMachine<S extends string> {
  readonly name: string;
  readonly states: readonly S[];
  readonly initial: readonly S[];
  readonly finals: readonly S[];
  readonly transitions: { readonly [K in S]: readonly S[] };
  /** Whether `from -> to` is allowed. A repeated report of the current state is not a transition: compare first. */
  readonly can: (from: S, to: S) => boolean;
  /** @throws IllegalTransitionError `ILLEGAL_TRANSITION` (also for strings that are not states of this machine). */
  readonly assertTransition: (from: S, to: S) => void;
  readonly isFinal: (state: S) => boolean;
  readonly isInitial: (state: S) => boolean;
  /** For values read back from a text column. */
  readonly isState: (value: unknown) => value is S;
  /** The states `from` may move to (empty for finals and for unknown strings). */
  readonly targets: (from: S) => readonly S[];
}

function reachable<S extends string>(starts: Iterable<S>, next: (s: S) => readonly S[]): Set<S> {
  const seen = new Set<S>(starts);
  const queue = [...seen];
  for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
    for (const t of next(s)) {
      if (!seen.has(t)) {
        seen.add(t);
        queue.push(t);
      }
    }
  }
  return seen;
}

/**
 * Checks a definition and builds the machine. Checked once at module load: states unique, every target and
 * every initial or final state declared, finals without exits, non-finals with at least one, every state
 * reachable from an initial state, and a final state reachable from every state (no traps).
 * @throws StateMachineDefinitionError `STATE_MACHINE_INVALID`
 */
export function defineStateMachine<const S extends string>(
  definition: StateMachineDefinition<S>,
): StateMachine<S> {
  const { name, states, initial, finals, transitions } = definition;
  const invalid = (message: string): StateMachineDefinitionError =>
    new StateMachineDefinitionError(name, message);

  const stateSet = new Set<string>(states);
  if (states.length === 0) throw invalid('no states');
  if (stateSet.size !== states.length) throw invalid('duplicate states');
  const finalSet = new Set<string>(finals);
  const initialSet = new Set<string>(initial);
  if (initial.length === 0) throw invalid('no initial state');
  for (const s of [...initial, ...finals]) if (!stateSet.has(s)) throw invalid(`undeclared state ${s}`);
  for (const key of Object.keys(transitions))
    if (!stateSet.has(key)) throw invalid(`transitions for undeclared state ${key}`);

  const edges = new Map<string, ReadonlySet<string>>();
  for (const from of states) {
    const targets: readonly S[] | undefined = transitions[from];
    if (targets === undefined) throw invalid(`no transitions listed for ${from}`);
    for (const to of targets) if (!stateSet.has(to)) throw invalid(`${from} -> undeclared state ${to}`);
    if (new Set(targets).size !== targets.length) throw invalid(`duplicate targets from ${from}`);
    if (finalSet.has(from) && targets.length > 0) throw invalid(`final state ${from} has exits`);
    if (!finalSet.has(from) && targets.length === 0) throw invalid(`non-final state ${from} has no exits`);
    edges.set(from, new Set(targets));
  }

  const forward = reachable(initial, (s) => transitions[s]);
  const unreachable = states.filter((s) => !forward.has(s));
  if (unreachable.length > 0) throw invalid(`unreachable states ${unreachable.join(', ')}`);
  const incoming = (to: S): S[] => states.filter((from) => transitions[from].includes(to));
  const canFinish = reachable(finals, incoming);
  const traps = states.filter((s) => !canFinish.has(s));
  if (traps.length > 0) throw invalid(`states that can never finish ${traps.join(', ')}`);

  const can = (from: S, to: S): boolean => edges.get(from)?.has(to) ?? false;
  const freeze = <T>(values: readonly T[]): readonly T[] => Object.freeze([...values]);
  const frozenTransitions = Object.freeze(
    Object.fromEntries(states.map((s) => [s, freeze(transitions[s])])),
  ) as { readonly [K in S]: readonly S[] };

  return Object.freeze({
    name,
    states: freeze(states),
    initial: freeze(initial),
    finals: freeze(finals),
    transitions: frozenTransitions,
    can,
    assertTransition: (from: S, to: S): void => {
      if (!can(from, to)) throw new IllegalTransitionError(name, String(from), String(to));
    },
    isFinal: (state: S): boolean => finalSet.has(state),
    isInitial: (state: S): boolean => initialSet.has(state),
    isState: (value: unknown): value is S => typeof value === 'string' && stateSet.has(value),
    targets: (from: S): readonly S[] => (stateSet.has(from) ? frozenTransitions[from] : []),
  });
}
