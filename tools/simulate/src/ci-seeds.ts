import type { SeedOptions } from './simulate';

/** The fixed set CI runs: 20 seeds, 3 days each, three partners (two stores and a dealer). */
export const CI_SEEDS: readonly number[] = Array.from({ length: 20 }, (_, i) => 1001 + i);

export const CI_RUN: Omit<SeedOptions, 'seed' | 'serverUrl'> = { days: 3, partners: 3, ticks: 24 };

/**
 * Named regression seeds: each broke its invariant on the code before issue 12's fixes (commit 5762f79) and
 * holds since. `faults` and `check` narrow the run to the defect, so that an earlier invariant broken by another
 * defect cannot hide it. The README lists them with what they caught.
 */
export const REGRESSION_SEEDS: readonly (Omit<SeedOptions, 'serverUrl'> & { name: string })[] = [
  {
    name: 'forged report: a line written for a failed redemption (§1)',
    seed: 1,
    days: 2,
    partners: 3,
    faults: ['forged'],
    check: ['answered', 'vouchers', 'once', 'cleared'],
  },
  {
    name: 'unpaid purchase open forever, no operator told (§2)',
    seed: 1,
    days: 2,
    partners: 3,
    faults: [],
    check: ['horizon'],
  },
  {
    name: 'a refused query read as "never arrived": refund failed, the gateway refunded (§2)',
    seed: 2,
    days: 2,
    partners: 3,
    faults: ['transport'],
    check: ['answered', 'vouchers', 'once', 'cleared'],
  },
  {
    name: 'dealer point numbers of two partners met: the night’s run failed (§4)',
    seed: 1,
    days: 1,
    partners: 3,
    faults: [],
    check: ['settled'],
  },
  {
    name: 'fees the gateway kept never left gateway_receivable (issue 17)',
    seed: 1,
    days: 1,
    partners: 3,
    faults: [],
    check: ['receivable'],
  },
];
