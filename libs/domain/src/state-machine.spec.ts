import { IllegalTransitionError, StateMachineDefinitionError } from './domain-errors';
import { defineStateMachine, type StateMachineDefinition } from './state-machine';

const light = {
  name: 'light',
  states: ['off', 'on', 'broken'],
  initial: ['off'],
  finals: ['broken'],
  transitions: { off: ['on', 'broken'], on: ['off', 'broken'], broken: [] },
} as const;

describe('defineStateMachine', () => {
  const machine = defineStateMachine(light);

  it('answers can/isFinal/isInitial/isState/targets', () => {
    expect(machine.can('off', 'on')).toBe(true);
    expect(machine.can('on', 'on')).toBe(false);
    expect(machine.can('broken', 'off')).toBe(false);
    expect(machine.isFinal('broken')).toBe(true);
    expect(machine.isFinal('on')).toBe(false);
    expect(machine.isInitial('off')).toBe(true);
    expect(machine.isState('on')).toBe(true);
    expect(machine.isState('dim')).toBe(false);
    expect(machine.isState(1)).toBe(false);
    expect(machine.targets('off')).toEqual(['on', 'broken']);
    expect(machine.targets('broken')).toEqual([]);
  });

  it('throws IllegalTransitionError with machine, from and to', () => {
    expect(() => machine.assertTransition('off', 'on')).not.toThrow();
    let caught: unknown;
    try {
      machine.assertTransition('broken', 'on');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(IllegalTransitionError);
    expect(caught).toMatchObject({
      code: 'ILLEGAL_TRANSITION',
      machine: 'light',
      from: 'broken',
      to: 'on',
      field: undefined,
    });
  });

  it('treats strings that are not states (e.g. from a corrupt row) as illegal, not as a crash', () => {
    type S = (typeof light.states)[number];
    const alien = 'dim' as S;
    expect(machine.can(alien, 'on')).toBe(false);
    expect(machine.can('off', alien)).toBe(false);
    expect(machine.targets(alien)).toEqual([]);
    expect(() => machine.assertTransition(alien, 'on')).toThrow(IllegalTransitionError);
    expect(machine.can('toString' as S, 'on')).toBe(false);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(machine)).toBe(true);
    expect(Object.isFrozen(machine.transitions)).toBe(true);
    expect(Object.isFrozen(machine.transitions.off)).toBe(true);
    expect(Object.isFrozen(machine.states)).toBe(true);
  });
});

describe('definition checks', () => {
  type Def = StateMachineDefinition<string>;
  const definitionError = (def: Def): unknown => {
    try {
      defineStateMachine(def);
    } catch (error) {
      return error;
    }
    return undefined;
  };
  const broken = (patch: Partial<Def>): Def => ({ ...(light as unknown as Def), ...patch });

  it.each<[string, Partial<Def>]>([
    ['no states', { states: [], initial: [], finals: [], transitions: {} }],
    ['duplicate states', { states: ['off', 'on', 'broken', 'on'] }],
    ['no initial state', { initial: [] }],
    ['undeclared initial state', { initial: ['dim'] }],
    ['undeclared final state', { finals: ['broken', 'dim'] }],
    ['transitions for an undeclared state', { transitions: { ...light.transitions, dim: [] } }],
    ['missing transitions', { transitions: { off: ['on'], on: ['broken'] } }],
    ['undeclared target', { transitions: { ...light.transitions, on: ['dim'] } }],
    ['duplicate target', { transitions: { ...light.transitions, on: ['off', 'off', 'broken'] } }],
    ['final with exits', { transitions: { ...light.transitions, broken: ['off'] } }],
    ['non-final dead end', { transitions: { ...light.transitions, on: [] } }],
    ['unreachable state', { transitions: { off: ['broken'], on: ['broken'], broken: [] } }],
  ])('refuses %s with STATE_MACHINE_INVALID', (_label, patch) => {
    const error = definitionError(broken(patch));
    expect(error).toBeInstanceOf(StateMachineDefinitionError);
    expect(error).toMatchObject({ code: 'STATE_MACHINE_INVALID', machine: 'light' });
  });

  it('refuses a trap: a cycle from which no final state can be reached', () => {
    const def: Def = {
      name: 'trap',
      states: ['a', 'b', 'c', 'z'],
      initial: ['a'],
      finals: ['z'],
      transitions: { a: ['b', 'z'], b: ['c'], c: ['b'], z: [] },
    };
    expect(definitionError(def)).toMatchObject({ code: 'STATE_MACHINE_INVALID', machine: 'trap' });
  });
});
