/**
 * The console's day page at volume: `npm run bench:console-day [-- --n N] [-- --loads L]` (default a day of
 * 1,000,000 vouchers, 50 loads).
 *
 * On a fresh embedded PostgreSQL it writes N redeemed vouchers of one business day (writeSyntheticDay, not
 * timed), clears them as the nightly run does (clearAll, 2 lanes: timed, since the day totals' triggers run in
 * its statements) and posts the purchases. Then it starts the API (apps/api/src/main.ts, as `npm start` does),
 * signs an operator in over HTTP, and loads `/console?date=<day>` L times, one after the other: p50, p99 and the
 * slowest load of the whole HTTP render (request to last byte). It checks that the page shows the day's N
 * vouchers and that its figures equal the clearings' own sums (summed once, timed, for contrast: what the page
 * would cost if it read them). Target: p99 under 2 s; the exit code is 1 when it is missed.
 * `--without-totals` clears with the clearings' day-totals trigger disabled, to time what the trigger costs the
 * night (the page then shows no clearing figures, and that check is skipped).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  createDataSource,
  ensureDatabase,
  ensureSamplePartner,
  freePort,
  OperatorAccounts,
  PartnerRegistry,
  SAMPLE_PARTNER,
  startEmbeddedServer,
} from '@tixclear/db';
import {
  clearAll,
  Clearing,
  loadFeeBook,
  loadPayoutAccounts,
  postTrustMovements,
  writeSyntheticDay,
} from '@tixclear/settlement';
import { cliArgs, positiveNumber } from '../runtime/cli-args';
import { cliLogger } from '../runtime/cli-logger';

const log = cliLogger('bench:console-day');
const { values: args } = cliArgs('bench:console-day', {
  options: { n: { type: 'string' }, loads: { type: 'string' }, 'without-totals': { type: 'boolean' } },
});
const N = positiveNumber('bench:console-day', args.n ?? process.env.BENCH_VOUCHERS, 'n', 1_000_000, true);
const LOADS = positiveNumber('bench:console-day', args.loads, 'loads', 50, true);
const WITH_TOTALS = !args['without-totals'];
const DAY = '2026-11-20';
const TARGET_MS = 2_000;
const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

const cleanups: (() => Promise<void> | void)[] = [];
async function cleanup(): Promise<void> {
  for (const step of cleanups.reverse()) await Promise.resolve(step()).catch(() => undefined);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => void cleanup().then(() => process.exit(130)));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function waitFor(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

let failed = false;
try {
  const scratchRoot = path.join(REPO_ROOT, 'tmp');
  mkdirSync(scratchRoot, { recursive: true });
  const scratch = mkdtempSync(path.join(scratchRoot, 'bench-console-day-'));
  // The server may run as the OS user `postgres` (when we are root): it must be able to enter the directory.
  chmodSync(scratch, 0o755);
  cleanups.push(() => rmSync(scratch, { recursive: true, force: true }));
  const server = await startEmbeddedServer({
    dataDir: path.join(scratch, 'data'),
    port: await freePort(),
    ephemeral: true,
  });
  cleanups.push(() => server.stop());
  const databaseUrl = await ensureDatabase(server.url, 'bench');
  const ds = await createDataSource(databaseUrl).initialize();
  cleanups.push(() => ds.destroy());
  await ds.runMigrations();
  const masterKey = randomBytes(32);
  const registry = new PartnerRegistry(ds, masterKey);
  await ensureSamplePartner(registry);
  const partnerId = (await registry.findByUid(SAMPLE_PARTNER.partnerUid))!.id;

  let t = performance.now();
  const batch = 250_000;
  for (let written = 0; written < N; written += batch)
    await writeSyntheticDay(ds, {
      partnerId,
      businessDate: DAY,
      vouchers: Math.min(batch, N - written),
      giftEvery: 20,
      prefix: `CD${written / batch}X`,
    });
  await ds.query('VACUUM ANALYZE');
  await ds.query('CHECKPOINT');
  log.info({ vouchers: N, seconds: (performance.now() - t) / 1000 }, 'day written (not timed)');

  const [{ id: runId }] = await ds.query<[{ id: string }]>(
    `INSERT INTO settlement_runs (period_start, period_end, state, summary) VALUES ($1, $1, 'clearing', '{}') RETURNING id`,
    [DAY],
  );
  if (!WITH_TOTALS) await ds.query('ALTER TABLE clearings DISABLE TRIGGER clearings_day_totals_insert');
  t = performance.now();
  const clearing = new Clearing(ds, await loadFeeBook(ds), await loadPayoutAccounts(ds));
  const { cleared } = await clearAll(clearing, runId, DAY, { chunkSize: 20_000, lanes: 2 });
  const clearingSeconds = (performance.now() - t) / 1000;
  await postTrustMovements(ds, runId, DAY);
  log.info({ cleared, clearingSeconds, withTotals: WITH_TOTALS }, 'day cleared');

  t = performance.now();
  const [sums] = await ds.query<{ n: string; gross: string }[]>(
    `SELECT count(*)::text AS n, sum(cost)::text AS gross FROM clearings WHERE business_date = $1`,
    [DAY],
  );
  const scanMs = performance.now() - t;

  const port = await freePort();
  const apiUrl = `http://127.0.0.1:${port}`;
  const api = spawn(
    process.execPath,
    [
      '--import',
      path.join(REPO_ROOT, 'tools/runtime/lifeline.mjs'),
      '--import',
      path.join(REPO_ROOT, 'tools/runtime/register.mjs'),
      path.join(REPO_ROOT, 'apps/api/src/main.ts'),
    ],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        TIXCLEAR_MASTER_KEY: masterKey.toString('hex'),
        // Never called: the day page asks no gateway.
        GATEWAY_URL: 'http://127.0.0.1:9',
        LOG_LEVEL: 'silent',
        PORT: String(port),
        EXPORT_DIR: path.join(scratch, 'exports'),
      },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  );
  cleanups.push(() => stopChild(api));
  await waitFor(`${apiUrl}/health`);

  const password = randomBytes(16).toString('hex');
  await new OperatorAccounts(ds).add(
    { name: 'bench', role: 'viewer', password },
    { actor: 'bench', actorRole: null },
  );
  const signIn = await fetch(`${apiUrl}/console/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: apiUrl },
    body: JSON.stringify({ name: 'bench', password }),
  });
  if (signIn.status !== 201) throw new Error(`sign-in answered ${signIn.status}`);
  const cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');

  const times: number[] = [];
  let page = '';
  for (let i = 0; i < LOADS + 1; i++) {
    const start = performance.now();
    const answer = await fetch(`${apiUrl}/console?date=${DAY}`, { headers: { cookie } });
    page = await answer.text();
    const ms = performance.now() - start;
    if (answer.status !== 200) throw new Error(`the day page answered ${answer.status}`);
    // The first load warms the API's code paths (JIT, pools): measured, reported, not in the percentiles.
    if (i === 0) log.info({ ms: Math.round(ms) }, 'first load');
    else times.push(ms);
  }
  const shown = (key: string) => new RegExp(`data-figure="${key}">([^<]*)<`).exec(page)?.[1] ?? '';
  const grouped = (value: string) =>
    BigInt(value)
      .toString()
      .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const expected = { vouchers_cleared: grouped(sums!.n), gross: `NT$${grouped(sums!.gross)}` };
  const got = { vouchers_cleared: shown('vouchers_cleared'), gross: shown('gross') };
  if (WITH_TOTALS && (got.vouchers_cleared !== expected.vouchers_cleared || got.gross !== expected.gross))
    throw new Error(`the page shows ${JSON.stringify(got)}, the clearings sum ${JSON.stringify(expected)}`);
  if (sums!.n !== String(N)) throw new Error(`${sums!.n} vouchers cleared of ${N}`);

  times.sort((a, b) => a - b);
  const result = {
    vouchers: N,
    loads: LOADS,
    p50Ms: Number(percentile(times, 50).toFixed(1)),
    p99Ms: Number(percentile(times, 99).toFixed(1)),
    maxMs: Number(times.at(-1)!.toFixed(1)),
    pageBytes: Buffer.byteLength(page),
    clearingSeconds: Number(clearingSeconds.toFixed(1)),
    withTotals: WITH_TOTALS,
    clearingsScanMs: Math.round(scanMs),
    targetMs: TARGET_MS,
  };
  log.info(result, 'day page render');
  process.stdout.write(`${JSON.stringify(result)}\n`);
  if (result.p99Ms >= TARGET_MS) {
    log.error({ p99Ms: result.p99Ms, targetMs: TARGET_MS }, 'the day page missed its target');
    failed = true;
  }
} catch (error) {
  log.error({ err: error }, 'bench:console-day failed');
  failed = true;
} finally {
  await cleanup();
}
process.exit(failed ? 1 : 0);
