import { CI_RUN, CI_SEEDS } from './ci-seeds';
import { simulateSeed, summaryLine } from './simulate';

/**
 * Half 2 of the CI set of npm run simulate (two files, so that jest's two workers share it): each seed
 * runs whole days of the real engine under every fault class and must break no invariant.
 */
const seeds = CI_SEEDS.filter((_, i) => i % 2 === 2 - 1);

describe('npm run simulate: the CI seeds, half 2', () => {
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
    },
    120_000,
  );
});
