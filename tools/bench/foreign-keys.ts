/**
 * What a foreign key costs on the hot writes:
 * `npm run bench:fk [-- --n N] [--rows R] [--rounds K] [--only TABLE,…]`
 * (defaults: 100,000 redemptions, 10,000 single-row writes, 3 rounds after a warm-up, every case).
 *
 * On a fresh embedded PostgreSQL it writes N redeemed vouchers of one day and settles them (not timed), so every
 * table below holds the rows the engine itself writes. Each case then writes those rows again into an empty copy of
 * its table (`LIKE … INCLUDING ALL`: the same columns, defaults, CHECKs and indexes), once without and once with the
 * foreign keys migration 052 left out, the order alternating between rounds, each from a checkpoint:
 * - COPY, as the night writes clearings, journal entries and journal lines (the same column lists), N-sized;
 * - single-row statements, each its own transaction, from 8 connections at once, as the API writes an operation
 *   (all of one partner: every check takes a key-share lock on that partner's one row), a redemption line, and the
 *   voucher's holder.
 * It prints, without → with the foreign keys, the median CPU time of the writing backends (the figure to compare:
 * other work on the machine moves it little) and the median wall time, each with the change in percent
 * (docs/benchmarks.md).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import {
  createDataSource,
  ensureDatabase,
  ensureSamplePartner,
  freePort,
  PartnerRegistry,
  SAMPLE_PARTNER,
  startEmbeddedServer,
} from '@tixclear/db';
import { clearAll, Clearing, loadFeeBook, loadPayoutAccounts, writeSyntheticDay } from '@tixclear/settlement';
import { cliArgs, positiveNumber } from '../runtime/cli-args';
import { processCpuSeconds } from './process-cpu';
import { cliLogger } from '../runtime/cli-logger';

const PROGRAM = 'bench:fk';
const { values: args } = cliArgs(PROGRAM, {
  options: {
    n: { type: 'string' },
    rows: { type: 'string' },
    rounds: { type: 'string' },
    only: { type: 'string' },
  },
});
const N = positiveNumber(PROGRAM, args.n, 'n', 100_000, true);
const ROWS = positiveNumber(PROGRAM, args.rows, 'rows', 10_000, true);
const ROUNDS = positiveNumber(PROGRAM, args.rounds, 'rounds', 3, true);
const WRITERS = 8;
/** `--only clearings,operations`: the cases of these tables only. */
const ONLY = args.only?.split(',').map((table) => table.trim());
const DAY = '2026-11-20';
const log = cliLogger(PROGRAM);

/** A foreign key the bench adds to the copy: [column, referenced table]. */
type Fk = readonly [string, string];

interface CopyCase {
  readonly kind: 'copy';
  readonly table: string;
  /** The columns the night's COPY writes (libs/settlement/src/clearing/writes.ts). */
  readonly columns: string;
  readonly fks: readonly Fk[];
}
interface RowCase {
  readonly kind: 'rows';
  readonly table: string;
  readonly fks: readonly Fk[];
  /** One row's write into `bench_<table>`, given the source row's id. */
  readonly statement: string;
  /** The values the statement is run for: a query's `id`s, or the numbers 1..ROWS. */
  readonly ids: string;
  /** Fills the copy before a timed run (the holder update needs its vouchers). */
  readonly prefill?: string;
}
type Case = CopyCase | RowCase;

const CASES: readonly Case[] = [
  {
    kind: 'copy',
    table: 'clearings',
    columns:
      'redemption_line_id, run_id, partner_id, serial_number, product, business_date, is_paid, cost, escrow_fee, gateway_fee, issuance_fee, issuance_layer, headquarters, sales, reimbursement, headquarters_party, sales_party, reimbursement_party',
    fks: [
      ['redemption_line_id', 'redemption_lines'],
      ['run_id', 'settlement_runs'],
      ['partner_id', 'partners'],
    ],
  },
  {
    kind: 'copy',
    table: 'journal_entries',
    columns: 'id, run_id, kind, reference, business_date, description',
    // The night writes no corrects_entry_id (NULL: not looked up), but its check is still queued for every row.
    fks: [
      ['run_id', 'settlement_runs'],
      ['corrects_entry_id', 'journal_entries'],
    ],
  },
  {
    kind: 'copy',
    table: 'journal_lines',
    columns: 'entry_id, account, ledger, party, amount, serial_number',
    fks: [['entry_id', 'journal_entries']],
  },
  {
    kind: 'rows',
    table: 'operations',
    fks: [['partner_id', 'partners']],
    statement: `INSERT INTO bench_operations (partner_id, order_id, upstream_order_id, kind, command, request_hash,
                                              request, state)
                SELECT id, 'FK-' || $1, 'FKU-' || $1, 'redemption', 'vouchertransaction', 'bench', '{}', 'succeeded'
                  FROM partners WHERE partner_uid = '${SAMPLE_PARTNER.partnerUid}'`,
    ids: 'numbers',
  },
  {
    kind: 'rows',
    table: 'idempotency_keys',
    fks: [['partner_id', 'partners']],
    statement: `INSERT INTO bench_idempotency_keys (partner_id, key, request_hash)
                SELECT id, 'FK-' || $1, 'bench' FROM partners WHERE partner_uid = '${SAMPLE_PARTNER.partnerUid}'`,
    ids: 'numbers',
  },
  {
    kind: 'rows',
    table: 'redemption_lines',
    fks: [
      ['operation_id', 'operations'],
      ['partner_id', 'partners'],
      ['voucher_id', 'vouchers'],
    ],
    statement: 'INSERT INTO bench_redemption_lines SELECT * FROM redemption_lines WHERE id = $1',
    ids: `SELECT id FROM redemption_lines ORDER BY id LIMIT ${ROWS}`,
  },
  {
    kind: 'rows',
    table: 'vouchers',
    fks: [['holder_operation_id', 'operations']],
    prefill:
      'INSERT INTO bench_vouchers SELECT * FROM vouchers; UPDATE bench_vouchers SET holder_operation_id = NULL',
    // `$1` is 'voucher id,operation id': the hold's one statement, no lookup besides the check.
    statement: `UPDATE bench_vouchers SET holder_operation_id = split_part($1, ',', 2)::uuid
                 WHERE id = split_part($1, ',', 1)::uuid`,
    ids: `SELECT voucher_id || ',' || operation_id AS id FROM redemption_lines ORDER BY id LIMIT ${ROWS}`,
  },
];

const scratch = mkdtempSync(path.join(tmpdir(), 'tixclear-bench-fk-'));
chmodSync(scratch, 0o755);
const server = await startEmbeddedServer({
  dataDir: path.join(scratch, 'pg'),
  port: await freePort(),
  ephemeral: true,
});
try {
  const url = await ensureDatabase(server.url, 'bench');
  const ds = await createDataSource(url).initialize();
  await ds.runMigrations();
  const registry = new PartnerRegistry(ds, randomBytes(32));
  await ensureSamplePartner(registry);
  const partnerId = (await registry.findByUid(SAMPLE_PARTNER.partnerUid))!.id;

  const t = performance.now();
  for (let written = 0, batch = 250_000; written < N; written += batch)
    await writeSyntheticDay(ds, {
      partnerId,
      businessDate: DAY,
      vouchers: Math.min(batch, N - written),
      giftEvery: 20,
      prefix: `FK${written / batch}X`,
    });
  const [{ id: runId }] = await ds.query<[{ id: string }]>(
    `INSERT INTO settlement_runs (period_start, period_end, state, summary) VALUES ($1, $1, 'clearing', '{}') RETURNING id`,
    [DAY],
  );
  const clearing = new Clearing(ds, await loadFeeBook(ds), await loadPayoutAccounts(ds));
  await clearAll(clearing, runId, DAY, { chunkSize: 20_000, lanes: 2 });
  // The synthetic day redeems every voucher in one operation; the API redeems each in its own. An operation per
  // voucher, so that a check looks up and locks as many operations as the hot path does, not one hot row.
  await ds.query(
    `INSERT INTO operations (partner_id, order_id, upstream_order_id, kind, command, request_hash, request, state)
     SELECT partner_id, 'FKR-' || serial_number, 'FKRU-' || serial_number, 'redemption', 'vouchertransaction',
            'bench', '{}', 'succeeded' FROM vouchers`,
  );
  await ds.query(
    `UPDATE redemption_lines l SET operation_id = o.id FROM operations o WHERE o.order_id = 'FKR-' || l.serial_number`,
  );
  await ds.query('VACUUM ANALYZE');
  log.info(
    `setup: ${N} redemptions written and cleared in ${((performance.now() - t) / 1000).toFixed(1)} s (not timed)`,
  );
  await ds.destroy();

  const pool = new pg.Pool({ connectionString: url, max: WRITERS });
  pool.on('error', () => undefined); // an idle connection cut when the server stops
  const query = (text: string) => pool.query(text);
  const results: string[] = [];
  const unknown = ONLY?.filter((table) => !CASES.some((c) => c.table === table)) ?? [];
  if (unknown.length > 0) throw new Error(`--only: no case for ${unknown.join(', ')}`);
  for (const c of CASES.filter((c) => ONLY === undefined || ONLY.includes(c.table))) {
    const bench = `bench_${c.table}`;
    await query(`DROP TABLE IF EXISTS ${bench}`);
    await query(`CREATE TABLE ${bench} (LIKE ${c.table} INCLUDING ALL)`);
    const source = c.kind === 'copy' ? await dump(pool, `SELECT ${c.columns} FROM ${c.table}`) : null;
    const ids =
      c.kind === 'copy'
        ? []
        : c.ids === 'numbers'
          ? Array.from({ length: ROWS }, (_, i) => String(i + 1))
          : (await pool.query<{ id: string }>(c.ids)).rows.map((row) => row.id);
    const times: Record<'without' | 'with', Timing[]> = { without: [], with: [] };
    // Round 0 is a warm-up, not counted: the first run of a case pays for cold caches and statement planning.
    for (let round = 0; round <= ROUNDS; round++) {
      const order = round % 2 === 1 ? (['without', 'with'] as const) : (['with', 'without'] as const);
      for (const variant of order) {
        await query(`TRUNCATE ${bench}`);
        for (const [column] of c.fks)
          await query(`ALTER TABLE ${bench} DROP CONSTRAINT IF EXISTS ${bench}_${column}_fk`);
        if (c.kind === 'rows' && c.prefill) await query(c.prefill);
        if (variant === 'with')
          for (const [column, referenced] of c.fks)
            await query(
              `ALTER TABLE ${bench} ADD CONSTRAINT ${bench}_${column}_fk FOREIGN KEY (${column}) REFERENCES ${referenced}(id)`,
            );
        await query('VACUUM ANALYZE');
        await query('CHECKPOINT');
        const timing =
          c.kind === 'copy'
            ? await load(pool, `${bench} (${c.columns})`, source!)
            : await rowByRow(pool, bench, c.statement, ids);
        if (round > 0) times[variant].push(timing);
      }
    }
    await query(`DROP TABLE ${bench}`);
    const rows = c.kind === 'copy' ? source!.rows : ids.length;
    const wall = {
      without: median(times.without.map((t) => t.wall)),
      with: median(times.with.map((t) => t.wall)),
    };
    const cpu = {
      without: median(times.without.map((t) => t.cpu)),
      with: median(times.with.map((t) => t.cpu)),
    };
    const percent = (m: { without: number; with: number }) =>
      `${m.with >= m.without ? '+' : ''}${(((m.with - m.without) / m.without) * 100).toFixed(0)} %`;
    const line =
      `${c.table.padEnd(16)} ${(c.kind === 'copy' ? 'COPY' : `${WRITERS} writers`).padEnd(10)} ${String(rows).padStart(7)} rows  ` +
      `backend CPU ${cpu.without.toFixed(2)} → ${cpu.with.toFixed(2)} s (${percent(cpu)})  ` +
      `wall ${wall.without.toFixed(2)} → ${wall.with.toFixed(2)} s (${percent(wall)})  ` +
      `${c.fks.map(([column, ref]) => `${column} → ${ref}`).join(', ')}`;
    results.push(line);
    log.info(line);
  }
  await pool.end();
  console.log(
    `foreign key cost on the hot writes (${N} redemptions; median of ${ROUNDS} rounds; single-row: ${ROWS} rows)`,
  );
  for (const line of results) console.log(line);
} finally {
  await server.stop();
  rmSync(scratch, { recursive: true, force: true });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The rows of `select` in COPY's text format, held in memory so that only the load is timed. */
async function dump(p: pg.Pool, select: string): Promise<{ chunks: Buffer[]; rows: number }> {
  const client = await p.connect();
  try {
    const chunks: Buffer[] = [];
    let rows = 0;
    await pipeline(
      client.query(copyTo(`COPY (${select}) TO STDOUT`)),
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          chunks.push(chunk);
          for (const byte of chunk) if (byte === 10) rows++;
          done();
        },
      }),
    );
    return { chunks, rows };
  } finally {
    client.release();
  }
}

/** A run's wall time and the CPU time of the PostgreSQL backends that did its writes, in seconds. */
interface Timing {
  wall: number;
  cpu: number;
}

/**
 * CPU seconds (user + system) used so far by these backends, from /proc (Linux; 0 elsewhere). The FK checks run in
 * the writing backend, so its CPU time shows their cost even when other work on the machine moves the wall time.
 */
function backendCpu(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + (processCpuSeconds(pid) ?? 0), 0);
}

async function timed(clients: readonly pg.PoolClient[], work: () => Promise<void>): Promise<Timing> {
  const pids = await Promise.all(
    clients.map(
      async (client) => (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid,
    ),
  );
  const cpuBefore = backendCpu(pids);
  const started = performance.now();
  await work();
  // Read before the connections are released: a backend's counters are gone once it exits.
  return { wall: (performance.now() - started) / 1000, cpu: backendCpu(pids) - cpuBefore };
}

async function load(p: pg.Pool, target: string, source: { chunks: Buffer[] }): Promise<Timing> {
  const client = await p.connect();
  try {
    return await timed([client], () =>
      pipeline(Readable.from(source.chunks), client.query(copyFrom(`COPY ${target} FROM STDIN`))),
    );
  } finally {
    client.release();
  }
}

/** `statement` once per id, each its own transaction, from WRITERS connections at once. */
async function rowByRow(
  p: pg.Pool,
  name: string,
  statement: string,
  ids: readonly string[],
): Promise<Timing> {
  const clients = await Promise.all(Array.from({ length: WRITERS }, () => p.connect()));
  try {
    let next = 0;
    return await timed(clients, async () => {
      await Promise.all(
        clients.map(async (client) => {
          for (let i = next++; i < ids.length; i = next++)
            await client.query({ name, text: statement, values: [ids[i]] });
        }),
      );
    });
  } finally {
    for (const client of clients) client.release();
  }
}
