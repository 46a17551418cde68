/**
 * `npm run simulate -- --seed S --days D --partners P [--faults a,b] [--seeds N]`: whole simulated days of the
 * real engine against the gateway simulator, driven by one seed; see README.md. Exit code 1 when an invariant
 * broke (the seed and the invariant are printed), 2 on a usage error.
 */
import { createTestDatabase } from '@tixclear/db';
// The CLIs' own helpers (their argument reader; DATABASE_URL's server or the embedded one npm start uses): tools/
// runtime and tools/scripts are no libraries with an alias, and second copies of them would drift.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { cliArgs, positiveNumber } from '../../runtime/cli-args';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { openDatabaseServer } from '../../scripts/database';
import { INVARIANT_IDS, type InvariantId } from './invariants';
import { FAULT_CLASSES, type FaultClass } from './load';
import { simulateSeed, summaryLine } from './simulate';

const PROGRAM = 'simulate';
const { values } = cliArgs(PROGRAM, {
  options: {
    seed: { type: 'string' },
    seeds: { type: 'string' },
    days: { type: 'string' },
    partners: { type: 'string' },
    faults: { type: 'string' },
    check: { type: 'string' },
    ticks: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});

const count = (name: string, text: string | undefined, fallback: number) =>
  positiveNumber(PROGRAM, text, name, fallback, true);

// Seed 0 is a seed like any other.
const first = values.seed === '0' ? 0 : count('seed', values.seed, 1);
const seeds = count('seeds', values.seeds, 1);
const days = count('days', values.days, 3);
const partners = count('partners', values.partners, 3);
const ticks = values.ticks === undefined ? undefined : count('ticks', values.ticks, 1);
const faults =
  values.faults === undefined
    ? [...FAULT_CLASSES]
    : values.faults.split(',').filter((f) => f !== '' && f !== 'none');
const unknown = faults.filter((f) => !(FAULT_CLASSES as readonly string[]).includes(f));
if (unknown.length > 0) {
  console.error(
    `${PROGRAM}: unknown fault classes: ${unknown.join(', ')} (known: ${FAULT_CLASSES.join(', ')})`,
  );
  process.exit(2);
}

const check = values.check === undefined ? [...INVARIANT_IDS] : values.check.split(',').filter(Boolean);
const unknownChecks = check.filter((c) => !(INVARIANT_IDS as readonly string[]).includes(c));
if (unknownChecks.length > 0) {
  console.error(
    `${PROGRAM}: unknown invariants: ${unknownChecks.join(', ')} (known: ${INVARIANT_IDS.join(', ')})`,
  );
  process.exit(2);
}

const { serverUrl, server } = await openDatabaseServer();
// Warm the server up (and fail early when it cannot be reached) before the clock starts.
await (await createTestDatabase(serverUrl)).drop();
const started = Date.now();
let failed = 0;
try {
  for (let seed = first; seed < first + seeds; seed += 1) {
    const result = await simulateSeed({
      seed,
      days,
      partners,
      serverUrl,
      faults: faults as FaultClass[],
      check: check as InvariantId[],
      ticks,
    });
    console.log(summaryLine(result));
    if (values.verbose) console.log(JSON.stringify(result.outcomes));
    if (result.broken) {
      // Long mode stops at the first failure: its seed is the one to replay.
      failed += 1;
      console.log(
        `first broken invariant: seed ${seed}, day ${result.broken.day}: ${result.broken.invariant}`,
      );
      break;
    }
  }
} finally {
  await server?.stop();
}
const minutes = (Date.now() - started) / 60_000;
if (failed === 0 && seeds > 1) {
  console.log(
    `${seeds} seeds × ${days} days in ${(minutes * 60).toFixed(1)} s: ${(seeds / minutes).toFixed(1)} seeds/min, ${((seeds * days) / minutes).toFixed(1)} days/min`,
  );
}
process.exit(failed > 0 ? 1 : 0);
