/**
 * Settlement throughput: `npm run bench:settlement [-- N]` or `[-- --n N]` (default 1,000,000 redemptions).
 *
 * On a fresh embedded PostgreSQL it writes N redeemed vouchers of one business day (server-side, not timed),
 * then times the settlement steps that scale with N: clearing (fee-engine split of every voucher, holds,
 * clearing rows, the balanced journal entry of each), the check of the range indexes, posting the purchases to
 * the trust liability, building the pay-off batches, and the night's balance snapshot (src/balances). In the
 * same run, just before and just after the settlement, it COPYs the same number of journal rows into an
 * empty table over one connection, the bare write rate of this machine (the mean of the two), and prints both
 * rates and their ratio. Then it times the run's export (every CSV, the workbook, the manifest) step by step
 * and prints each file's size beside the settlement's time. Targets (issue 16): a million settled within 12 s;
 * a journal row rate of at least 0.75 of the bare COPY rate; the export no longer than the settlement.
 *
 * `--lanes K` clears in K concurrent chunks (the runner's `lanes`, default 2).
 *
 * `--keep` leaves the server's data directory (databases `bench` and, with a history, `fresh`) in place at the
 * end and prints where it is, to look into a figure with EXPLAIN afterwards; it is otherwise removed.
 *
 * `BENCH_NIGHTS=60` (or `--nights 60`) first gives the database a history of 59 nights of N, settled as a run
 * settles them (clearing, posting, batches, snapshot; not timed), then times the night above on it, then the
 * same night on a fresh database of the same server (after one warm-up night of 100 vouchers: a database's very
 * first night pays for empty-table statistics), and prints both and their ratio (target: within 15 %).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import {
  createDataSource,
  ensureDatabase,
  ensureSamplePartner,
  freePort,
  PartnerRegistry,
  SAMPLE_PARTNER,
  startEmbeddedServer,
} from '@tixclear/db';
import {
  clearAll,
  Clearing,
  ExportWriter,
  loadFeeBook,
  refreshSnapshots,
  repairRangeIndexes,
  type RangeIndexRepair,
  linesOfEntries,
  loadPayoutAccounts,
  PayoutProcessor,
  postTrustMovements,
  withIndexScans,
  writeSyntheticDay,
} from '@tixclear/settlement';
import { cliArgs, positiveNumber } from '../runtime/cli-args';
import { AutovacuumWatch } from './autovacuum-watch';
import { diskTrafficBytes, ownCpuSeconds, postmasterPidOf, serverCpuSplit } from './process-cpu';

const { values: args, positionals } = cliArgs('bench:settlement', {
  options: {
    n: { type: 'string' },
    nights: { type: 'string' },
    lanes: { type: 'string' },
    keep: { type: 'boolean' },
  },
  allowPositionals: true,
});
const N = positiveNumber(
  'bench:settlement',
  args.n ?? positionals[0] ?? process.env.BENCH_REDEMPTIONS,
  'n',
  1_000_000,
  true,
);
const DAY = '2026-11-20';
/** Nights of N redemptions each; the last is timed, the earlier ones give the database a history. */
const NIGHTS = positiveNumber('bench:settlement', args.nights ?? process.env.BENCH_NIGHTS, 'nights', 1, true);
/** Concurrent clearing chunks (the runner's `lanes`, 2 by default). */
const LANES = positiveNumber('bench:settlement', args.lanes, 'lanes', 2, true);
const KEEP = args.keep === true;

function dayBefore(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - days);
  return date.toISOString().slice(0, 10);
}

const scratch = mkdtempSync(path.join(tmpdir(), 'tixclear-bench-'));
chmodSync(scratch, 0o755);
const server = await startEmbeddedServer({
  dataDir: path.join(scratch, 'pg'),
  port: await freePort(),
  ephemeral: !KEEP,
});

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const postmasterPid = postmasterPidOf(path.join(scratch, 'pg'));
/**
 * CPU seconds so far of this process (the clearing's fee splits and COPY text) and of the PostgreSQL server, its
 * kernel share apart, and the machine's disk traffic: a step slowed by page-cache misses shows there.
 */
const cpuNow = () => ({
  node: ownCpuSeconds(),
  postgres: (postmasterPid === undefined ? undefined : serverCpuSplit(postmasterPid)) ?? {
    user: Number.NaN,
    system: Number.NaN,
  },
  disk: diskTrafficBytes() ?? { read: Number.NaN, written: Number.NaN },
});
/** CPU seconds and disk traffic since `before`, as printed: robust where a shared machine moves the wall time. */
const cpuSince = (before: ReturnType<typeof cpuNow>): string => {
  const now = cpuNow();
  const user = now.postgres.user - before.postgres.user;
  const system = now.postgres.system - before.postgres.system;
  return (
    `CPU: Node ${(now.node - before.node).toFixed(1)} s, PostgreSQL ${(user + system).toFixed(1)} s ` +
    `(kernel ${system.toFixed(1)} s); disk read ${mib(now.disk.read - before.disk.read)}, ` +
    `written ${mib(now.disk.written - before.disk.written)}`
  );
};

/** A database of the bench: migrated, with the sample partner, and what a night needs to settle. */
async function openDatabase(name: string) {
  const url = await ensureDatabase(server.url, name);
  const ds = await createDataSource(url).initialize();
  await ds.runMigrations();
  const registry = new PartnerRegistry(ds, randomBytes(32));
  await ensureSamplePartner(registry);
  const partnerId = (await registry.findByUid(SAMPLE_PARTNER.partnerUid))!.id;
  const payouts = new PayoutProcessor(ds, {
    partners: registry,
    gateway: {
      clientFor: () => {
        throw new Error('not used');
      },
    },
  });

  const autovacuum = await AutovacuumWatch.open(url);

  const batch = 250_000;
  const writeDay = async (businessDate: string, night: number, vouchers = N) => {
    for (let written = 0; written < vouchers; written += batch) {
      await writeSyntheticDay(ds, {
        partnerId,
        businessDate,
        vouchers: Math.min(batch, vouchers - written),
        giftEvery: 20,
        prefix: `N${night}B${written / batch}X`,
      });
    }
    // A nightly run starts long after the day's writes were vacuumed (autovacuum follows inserts) and
    // checkpointed. Without the vacuum, the first read of each fresh page sets its hint bits, which on a
    // cluster with data checksums writes the whole page to the WAL again; without the checkpoint, the setup's
    // own WAL would bring the next checkpoint into the timed steps.
    await ds.query('VACUUM ANALYZE');
    await ds.query('CHECKPOINT');
  };

  /** A night's settlement as the run's steps do it, up to the pay-off batches, and its balance snapshot. */
  const settle = async (businessDate: string) => {
    const [{ id: runId }] = await ds.query<[{ id: string }]>(
      `INSERT INTO settlement_runs (period_start, period_end, state, summary) VALUES ($1, $1, 'clearing', '{}') RETURNING id`,
      [businessDate],
    );
    const cpu = cpuNow();
    autovacuum.start();
    const started = performance.now();
    let t = started;
    const clearing = new Clearing(ds, await loadFeeBook(ds), await loadPayoutAccounts(ds));
    const { cleared } = await clearAll(clearing, runId, businessDate, { chunkSize: 20_000, lanes: LANES });
    const clearingSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    // As the run does after its clearing: the range indexes summarised and checked (rebuilt if stray).
    const strayRanges = await repairRangeIndexes(ds);
    const rangesSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    await postTrustMovements(ds, runId, businessDate);
    const postingSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    // Batch building only: the payables, the batch and its items (submitting them is the gateway's time).
    await payouts.build(runId);
    const batchingSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    await refreshSnapshots(ds);
    const snapshotSeconds = (performance.now() - t) / 1000;
    const seconds = (performance.now() - started) / 1000;
    return {
      runId,
      cleared,
      clearingSeconds,
      postingSeconds,
      batchingSeconds,
      rangesSeconds,
      strayRanges,
      snapshotSeconds,
      seconds,
      cpu: cpuSince(cpu),
      autovacuum: await autovacuum.stop(),
    };
  };

  /** The run's export (CSV files, workbook, manifest), timed step by step. */
  const exportRun = async (runId: string, directory: string) => {
    const steps: string[] = [];
    const cpu = cpuNow();
    autovacuum.start();
    const started = performance.now();
    const exported = await new ExportWriter(ds, path.join(scratch, directory), {
      onStep: (step, ms) => steps.push(`${step} ${(ms / 1000).toFixed(1)} s`),
    }).export(runId);
    const seconds = (performance.now() - started) / 1000;
    return { exported, seconds, steps, cpu: cpuSince(cpu), autovacuum: await autovacuum.stop() };
  };
  const close = async () => {
    await autovacuum.close();
    await ds.destroy();
  };
  return { url, ds, writeDay, settle, exportRun, close };
}

/** A night's settlement step by step, as printed for the timed night and, with a history, the fresh one. */
const settlementSteps = (night: {
  clearingSeconds: number;
  postingSeconds: number;
  batchingSeconds: number;
  rangesSeconds: number;
  strayRanges: readonly RangeIndexRepair[];
  snapshotSeconds: number;
  cpu: string;
  autovacuum: string;
}): string =>
  `clearing ${night.clearingSeconds.toFixed(1)} s, range indexes' check ${night.rangesSeconds.toFixed(1)} s${strayNote(night.strayRanges)}, ` +
  `trust posting ${night.postingSeconds.toFixed(1)} s, batch building ${night.batchingSeconds.toFixed(1)} s, balance snapshot ${night.snapshotSeconds.toFixed(1)} s; ${night.cpu}; ` +
  `autovacuum seen: ${night.autovacuum}`;

/** The stray range indexes the check found, with the pages a lookup of nothing read there, and their rebuild. */
const strayNote = (stray: readonly RangeIndexRepair[]): string =>
  stray.length === 0
    ? ''
    : ` (stray: ${stray
        .map(
          (repair) =>
            `${repair.index}, ${repair.pages.toLocaleString('en')} pages, ` +
            (repair.rebuilt ? 'rebuilt' : `not rebuilt: ${repair.error}`),
        )
        .join('; ')})`;

/** An export's steps as printed, with its CPU and the autovacuum workers seen beside it. */
const exportSteps = (run: { steps: string[]; cpu: string; autovacuum: string }): string =>
  `${run.steps.join(', ')}; ${run.cpu}; autovacuum seen: ${run.autovacuum}`;

try {
  const history = await openDatabase('bench');
  const { ds, url } = history;

  // Earlier nights (BENCH_NIGHTS > 1), settled untimed: the timed night then runs on a database with history.
  const built = performance.now();
  for (let night = 1; night < NIGHTS; night++) {
    const day = dayBefore(DAY, NIGHTS - night);
    await history.writeDay(day, night);
    const settled = await history.settle(day);
    console.log(
      `history: night ${night} of ${NIGHTS - 1} (${day}) written and settled in ${settled.seconds.toFixed(1)} s (not timed)${strayNote(settled.strayRanges)}`,
    );
  }
  if (NIGHTS > 1) {
    const [{ lines, vouchers }] = await ds.query<[{ lines: string; vouchers: string }]>(
      `SELECT (SELECT count(*) FROM redemption_lines)::text AS lines, (SELECT count(*) FROM vouchers)::text AS vouchers`,
    );
    console.log(
      `history: ${Number(lines).toLocaleString()} redemptions, ${Number(vouchers).toLocaleString()} vouchers, built in ${((performance.now() - built) / 60_000).toFixed(1)} min`,
    );
  }
  const t = performance.now();
  await history.writeDay(DAY, NIGHTS);
  console.log(
    `setup: ${N.toLocaleString()} redeemed vouchers written in ${((performance.now() - t) / 1000).toFixed(1)} s (not timed)`,
  );

  // The bare rate: COPY as many journal-shaped rows into an empty table with the same columns and indexes, over
  // one connection. Timed twice, just before the settlement and just after it, and averaged: the speed of a
  // shared machine drifts by a tenth and more within minutes, and a single bare COPY on one side of the
  // settlement measured that drift as much as the settlement. Returns the rate, in rows per second.
  const bareCopy = async (rows: number): Promise<number> => {
    await ds.query(`DROP TABLE IF EXISTS bare_journal_lines`);
    await ds.query(`CREATE TABLE bare_journal_lines (LIKE journal_lines INCLUDING ALL)`);
    // Each timed writer starts from a checkpoint: none pays for another's WAL.
    await ds.query('CHECKPOINT');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const started = performance.now();
    function* lines() {
      const chunk: string[] = [];
      for (let i = 1; i <= rows; i++) {
        chunk.push(`${i}\tpayable_sales\tsales\tstore:289151880142\t-5\tB0X${i}\t${DAY}\n`);
        if (chunk.length === 10_000) yield chunk.splice(0).join('');
      }
      if (chunk.length > 0) yield chunk.join('');
    }
    await pipeline(
      Readable.from(lines()),
      client.query(
        copyFrom(
          `COPY bare_journal_lines (entry_id, account, ledger, party, amount, serial_number, business_date) FROM STDIN`,
        ),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    await client.end();
    await ds.query(`DROP TABLE bare_journal_lines`);
    await ds.query('CHECKPOINT');
    return rows / seconds;
  };

  // Before the settlement, as many rows as it will post: an entry and seven lines per paid voucher.
  const [{ paid }] = await ds.query<[{ paid: number }]>(
    `SELECT count(*)::int AS paid FROM redemption_lines WHERE business_date = $1 AND is_paid`,
    [DAY],
  );
  const copyRateBefore = await bareCopy(paid * 8);

  const night = await history.settle(DAY);
  const { runId, cleared, seconds: settleSeconds } = night;
  // The run's lines found through their entries' id ranges (as the snapshots find a night's lines): a join by
  // entry id over a history of months is planned as a BRIN lookup per entry, which never ends.
  const [{ entries, lines: journalRows }] = await ds.transaction((tx) =>
    withIndexScans(tx, () =>
      tx.query<[{ entries: number; lines: number }]>(
        `WITH entries AS MATERIALIZED (SELECT id FROM journal_entries WHERE run_id = $1)
         SELECT (SELECT count(*) FROM entries)::int AS entries, count(*)::int AS lines
           FROM ${linesOfEntries('entries')} l WHERE l.entry_id IN (SELECT id FROM entries)`,
        [runId],
      ),
    ),
  );
  const rows = journalRows + entries;
  const copyRateAfter = await bareCopy(rows);

  // The run's export (CSV files, the workbook, the manifest), after the settlement it follows; the sizes show
  // what the workbook's deflate buys against the CSVs.
  const exportedNight = await history.exportRun(runId, 'exports');
  const { exported, seconds: exportSeconds } = exportedNight;

  const settlementRowRate = rows / settleSeconds;
  const copyRowRate = (copyRateBefore + copyRateAfter) / 2;
  console.log(
    `cleared ${cleared.toLocaleString()} paid+gift vouchers; ${entries.toLocaleString()} journal entries, ${journalRows.toLocaleString()} journal lines`,
  );
  console.log(settlementSteps(night));
  console.log(
    `redemptions settled per second: ${Math.round(N / settleSeconds).toLocaleString()} (${N.toLocaleString()} in ${settleSeconds.toFixed(1)} s; target ≤ 12 s for 1,000,000)`,
  );
  console.log(
    `journal rows per second: settlement ${Math.round(settlementRowRate).toLocaleString()}, bare COPY ${Math.round(copyRowRate).toLocaleString()} ` +
      `(the mean of ${Math.round(copyRateBefore).toLocaleString()} before the settlement and ${Math.round(copyRateAfter).toLocaleString()} after)`,
  );
  console.log(
    `ratio settlement / bare COPY: ${(settlementRowRate / copyRowRate).toFixed(2)} (target ≥ 0.75)`,
  );
  const csvBytes = exported.files.filter((f) => f.name.endsWith('.csv')).reduce((sum, f) => sum + f.bytes, 0);
  console.log(
    `export ${exportSeconds.toFixed(1)} s against the settlement's ${settleSeconds.toFixed(1)} s: ` +
      `ratio export / settlement ${(exportSeconds / settleSeconds).toFixed(2)} (target ≤ 1)`,
  );
  console.log(`export steps: ${exportSteps(exportedNight)}`);
  console.log(
    `export files: ${exported.files.map((file) => `${file.name} ${mib(file.bytes)}`).join(', ')}; all CSV files ${mib(csvBytes)}`,
  );

  if (NIGHTS > 1) {
    // The same night on a fresh database of the same server: what the history costs the night.
    await history.close();
    const fresh = await openDatabase('fresh');
    // One night of 100 vouchers first, so that the timed night is not a database's first (tables never
    // analysed with rows, partitions not yet made): that first-night cost is not what history costs.
    await fresh.writeDay(dayBefore(DAY, 1), 0, 100);
    await fresh.settle(dayBefore(DAY, 1));
    await fresh.writeDay(DAY, NIGHTS);
    const freshNight = await fresh.settle(DAY);
    const freshExport = await fresh.exportRun(freshNight.runId, 'exports-fresh');
    await fresh.close();
    const ratio = (a: number, b: number): string => `${((a / b - 1) * 100).toFixed(1)} %`;
    console.log(
      `fresh database: settlement ${freshNight.seconds.toFixed(1)} s, export ${freshExport.seconds.toFixed(1)} s`,
    );
    console.log(`fresh settlement steps: ${settlementSteps(freshNight)}`);
    console.log(`fresh export steps: ${exportSteps(freshExport)}`);
    console.log(
      `with ${NIGHTS - 1} nights of history: settlement ${settleSeconds.toFixed(1)} s (${ratio(settleSeconds, freshNight.seconds)} against fresh), ` +
        `export ${exportSeconds.toFixed(1)} s (${ratio(exportSeconds, freshExport.seconds)}); target within 15 %`,
    );
  } else {
    await history.close();
  }
} finally {
  await server.stop();
  if (KEEP) console.log(`kept: the server's data directory ${path.join(scratch, 'pg')}`);
  else rmSync(scratch, { recursive: true, force: true });
}
