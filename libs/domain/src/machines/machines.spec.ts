import fc from 'fast-check';
import { IllegalTransitionError } from '../domain-errors';
import { codesOf, describeCode } from '../status-codes';
import type { StateMachine } from '../state-machine';
import {
  offlineRedemptionStateByCode,
  offlineRedemptionStateForCode,
  redemptionMachine,
  redemptionStateByCode,
  redemptionStateForCode,
} from './redemption';
import {
  payoutBatchMachine,
  payoutBatchStateByCode,
  payoutBatchStateForCode,
  payoutBatchStates,
} from './payout-batch';
import {
  payoutItemMachine,
  payoutItemStateByCode,
  payoutItemStateForCode,
  payoutItemStates,
} from './payout-item';
import { purchaseMachine, purchaseStateByCode, purchaseStateForCode, purchaseStates } from './purchase';
import { refundMachine, refundStateByCode, refundStateForCode } from './refund';
import { voucherMachine, voucherStateForPurchase, voucherStates } from './voucher';

const machines: readonly StateMachine<string>[] = [
  voucherMachine,
  purchaseMachine,
  redemptionMachine,
  refundMachine,
  payoutBatchMachine,
  payoutItemMachine,
] as unknown as readonly StateMachine<string>[];

const pairs = (machine: StateMachine<string>, allowed: boolean): [string, string][] =>
  machine.states.flatMap((from) =>
    machine.states
      .filter((to) => machine.transitions[from]?.includes(to) === allowed)
      .map((to): [string, string] => [from, to]),
  );

describe.each(machines.map((m) => [m.name, m] as const))('%s machine', (_name, machine) => {
  it.each(pairs(machine, true))('allows %s -> %s', (from, to) => {
    expect(machine.can(from, to)).toBe(true);
    expect(() => machine.assertTransition(from, to)).not.toThrow();
  });

  // The full cross product minus the allowed pairs, self-transitions included.
  it.each(pairs(machine, false))('refuses %s -> %s', (from, to) => {
    expect(machine.can(from, to)).toBe(false);
    let caught: unknown;
    try {
      machine.assertTransition(from, to);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(IllegalTransitionError);
    expect(caught).toMatchObject({ code: 'ILLEGAL_TRANSITION', machine: machine.name, from, to });
  });

  it('covers the whole cross product between the two lists', () => {
    expect(pairs(machine, true).length + pairs(machine, false).length).toBe(machine.states.length ** 2);
  });

  it('final states have no outgoing transitions, and only they', () => {
    for (const state of machine.states) {
      expect(machine.isFinal(state)).toBe(machine.targets(state).length === 0);
      if (machine.isFinal(state)) {
        for (const to of machine.states) expect(machine.can(state, to)).toBe(false);
      }
    }
    expect(machine.finals.length).toBeGreaterThan(0);
  });

  it('random walks from an initial state only take allowed steps and never leave a final state', () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (start, choices, probes) => {
          let state = machine.initial[start % machine.initial.length]!;
          for (const [step, choice] of choices.entries()) {
            const targets = machine.targets(state);
            if (targets.length === 0) {
              expect(machine.isFinal(state)).toBe(true);
              break;
            }
            // A random probe agrees with the table whichever way it falls.
            const probe = machine.states[(probes[step] ?? 0) % machine.states.length]!;
            expect(machine.can(state, probe)).toBe(targets.includes(probe));
            const next = targets[choice % targets.length]!;
            machine.assertTransition(state, next);
            state = next;
          }
          // From wherever the walk stopped, a final state is still reachable (no traps).
          const seen = new Set([state]);
          const queue = [state];
          for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
            for (const t of machine.targets(s)) {
              if (!seen.has(t)) {
                seen.add(t);
                queue.push(t);
              }
            }
          }
          expect([...seen].some((s) => machine.isFinal(s))).toBe(true);
        },
      ),
    );
  });
});

describe('state lists for CHECK constraints', () => {
  it('are the machines own states', () => {
    expect(voucherMachine.states).toEqual(voucherStates);
    expect(purchaseMachine.states).toEqual(purchaseStates);
    expect(payoutBatchMachine.states).toEqual(payoutBatchStates);
    expect(payoutItemMachine.states).toEqual(payoutItemStates);
    for (const machine of machines) for (const s of machine.states) expect(s).toMatch(/^[a-z_]+$/);
  });
});

describe('code to state maps', () => {
  it('map every purchase code to a state consistent with its meaning', () => {
    const byOutcome = {
      succeeded: ['paid'],
      failed: ['failed', 'expired', 'cancelled'],
      pending: ['awaiting_payment'],
      unknown: ['outcome_unknown'],
      attention: ['paid_mismatch'],
    };
    for (const code of codesOf('purchase')) {
      const state = purchaseStateByCode[code];
      expect(byOutcome[describeCode('purchase', code)!.outcome]).toContain(state);
      expect(purchaseStateForCode(code)).toBe(state);
    }
    expect(purchaseStateForCode('380')).toBe('expired');
    expect(purchaseStateForCode('A0002')).toBe('cancelled');
    expect(purchaseStateForCode('999')).toBeUndefined();
  });

  it('map redemption, offline redemption and refund codes by their outcome', () => {
    const byOutcome = { succeeded: 'succeeded', failed: 'failed', unknown: 'outcome_unknown' } as const;
    const check = (family: 'redemption' | 'refund' | 'offlineRedemption', map: Record<string, string>) => {
      for (const code of codesOf(family)) {
        const outcome = describeCode(family, code)!.outcome as keyof typeof byOutcome;
        expect(map[code]).toBe(byOutcome[outcome]);
      }
    };
    check('redemption', redemptionStateByCode);
    check('refund', refundStateByCode);
    check('offlineRedemption', offlineRedemptionStateByCode);
    expect(redemptionStateForCode('250')).toBe('succeeded');
    expect(redemptionStateForCode('230')).toBeUndefined();
    expect(refundStateForCode('230')).toBe('succeeded');
    expect(refundStateForCode('400')).toBe('outcome_unknown');
    expect(offlineRedemptionStateForCode('300')).toBe('failed');
    expect(offlineRedemptionStateForCode('B200')).toBeUndefined();
  });

  it('map pay-off batch and item codes', () => {
    expect(payoutBatchStateByCode).toEqual({
      S01: 'awaiting_approval',
      S03: 'remitting',
      S04: 'completed',
      S05: 'partly_remitted',
    });
    expect(payoutItemStateByCode).toEqual({
      C0001: 'awaiting_approval',
      C1001: 'remitted',
      C2001: 'failed',
      C2002: 'rejected',
    });
    expect(payoutBatchStateForCode('S02')).toBeUndefined();
    expect(payoutItemStateForCode('C2001')).toBe('failed');
    expect(payoutItemStateForCode('C9999')).toBeUndefined();
  });

  it('every mapped state is a state of its machine', () => {
    for (const s of Object.values(purchaseStateByCode)) expect(purchaseMachine.isState(s)).toBe(true);
    for (const s of Object.values(payoutBatchStateByCode)) expect(payoutBatchMachine.isState(s)).toBe(true);
    for (const s of Object.values(payoutItemStateByCode)) expect(payoutItemMachine.isState(s)).toBe(true);
  });
});

describe('vouchers follow their purchase', () => {
  it('are issued when paid, voided when the purchase can never complete, otherwise left reserved', () => {
    for (const state of purchaseStates) {
      const target = voucherStateForPurchase(state);
      if (purchaseMachine.isFinal(state)) expect(target).toBeDefined();
      else expect(target).toBeUndefined();
      if (target !== undefined) expect(voucherMachine.can('reserved', target)).toBe(true);
    }
  });
});

describe('documented flows', () => {
  const walk = (machine: StateMachine<string>, path: string[]): void => {
    for (let i = 1; i < path.length; i++) machine.assertTransition(path[i - 1]!, path[i]!);
  };
  const asMachine = (m: unknown) => m as StateMachine<string>;

  it.each([
    [
      'voucher: online redemption after an unknown outcome',
      voucherMachine,
      ['reserved', 'issued', 'redeeming', 'redeem_unknown', 'redeemed'],
    ],
    [
      'voucher: failed refund leaves it usable',
      voucherMachine,
      ['reserved', 'issued', 'refunding', 'issued', 'redeemed'],
    ],
    [
      'purchase: timeout, then paid',
      purchaseMachine,
      ['created', 'submitted', 'outcome_unknown', 'awaiting_payment', 'paid'],
    ],
    [
      'purchase: expired, late payment accepted by an operator',
      purchaseMachine,
      ['created', 'submitted', 'awaiting_payment', 'expired', 'paid_mismatch', 'paid'],
    ],
    [
      'redemption: unknown, then failed by query',
      redemptionMachine,
      ['recorded', 'submitted', 'outcome_unknown', 'failed'],
    ],
    ['refund: succeeded', refundMachine, ['recorded', 'submitted', 'succeeded']],
    [
      'batch: partly remitted, covered, completed',
      payoutBatchMachine,
      [
        'draft',
        'submitting',
        'submit_unknown',
        'awaiting_approval',
        'remitting',
        'partly_remitted',
        'covering',
        'covering_unknown',
        'awaiting_approval',
        'completed',
      ],
    ],
    [
      'item: failed, covered, rejected, exception, reincluded',
      payoutItemMachine,
      ['pending', 'awaiting_approval', 'failed', 'covering', 'rejected', 'exception', 'reincluded'],
    ],
  ])('%s', (_label, machine, path) => {
    expect(() => walk(asMachine(machine), path)).not.toThrow();
  });
});
