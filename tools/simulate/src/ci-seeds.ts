import type { SeedOptions } from './simulate';

/** The fixed set CI runs: 20 seeds, 3 days each, three partners (two stores and a dealer). */
export const CI_SEEDS: readonly number[] = Array.from({ length: 20 }, (_, i) => 1001 + i);

export const CI_RUN: Omit<SeedOptions, 'seed' | 'serverUrl'> = { days: 3, partners: 3, ticks: 24 };
