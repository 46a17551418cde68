import { describe, expect, it } from '@jest/globals';
import { CI_RUN, CI_SEEDS } from './ci-seeds';
import { simulateSeed, summaryLine } from './simulate';

/**
 * One half of the CI set of npm run simulate (two spec files, so that jest's two workers share it): each seed
 * runs whole days of the real engine under every fault class and must break no invariant.
 */
export function describeCiHalf(half: 1 | 2): void {
  const seeds = CI_SEEDS.filter((_, i) => i % 2 === half - 1);
  describe(`npm run simulate: the CI seeds, half ${half}`, () => {
    const played = { seeds: 0, recorded: 0, refusedAfterStop: 0 };
    it.each(seeds)(
      'seed %i holds every invariant for three days',
      async (seed) => {
        const result = await simulateSeed({
          ...CI_RUN,
          seed,
          serverUrl: process.env.TIXCLEAR_TEST_PG_URL ?? '',
        });
        // The summary names the seed and the first broken invariant, so a failure can be replayed.
        expect(result.broken ? summaryLine(result) : 'ok').toBe('ok');
        expect(result.days).toBe(CI_RUN.days);
        // A simulation that did nothing would prove nothing.
        expect(result.stats.cleared).toBeGreaterThan(0);
        played.seeds += 1;
        played.recorded += result.charges.recorded;
        played.refusedAfterStop += result.charges.refusedAfterStop;
      },
      120_000,
    );

    // Recurring charges must really be played: some taken and recorded, some taken after a stop and refused.
    it('takes recurring charges and refuses one after a stop', () => {
      // Counted over the whole half (a name filter that ran fewer seeds proves nothing either way).
      if (played.seeds < seeds.length) return;
      expect(played.recorded).toBeGreaterThan(0);
      expect(played.refusedAfterStop).toBeGreaterThan(0);
    });
  });
}
