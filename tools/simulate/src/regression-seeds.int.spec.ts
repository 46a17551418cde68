import { REGRESSION_SEEDS } from './ci-seeds';
import { simulateSeed, summaryLine } from './simulate';

/** The named regression seeds (see README): each caught a defect of issue 12 before its fix. */
describe('npm run simulate: the named regression seeds', () => {
  it.each(REGRESSION_SEEDS.map((r) => [r.name, r] as const))(
    '%s',
    async (_name, regression) => {
      const result = await simulateSeed({ ...regression, serverUrl: process.env.TIXCLEAR_TEST_PG_URL ?? '' });
      expect(result.broken ? summaryLine(result) : 'ok').toBe('ok');
      expect(result.days).toBe(regression.days);
    },
    120_000,
  );
});
