/**
 * What monthly partitions buy and cost: `npm run bench:partitions [-- --per-day 3000 --rows 1000000 --rounds 3]`.
 *
 * On a fresh embedded PostgreSQL, migrated, it builds two copies of the journal (entries, and seven lines per
 * entry) and of the redemption lines with the shapes and indexes of the real tables: one as the tables stand
 * unpartitioned, one partitioned by month on the business date (migration JournalPartitions; the lines carry
 * their entry's date in both). Each
 * holds thirteen months of history, `--per-day` paid vouchers a day. Then:
 * - **Retiring a year**: the twelve oldest months go, by `DETACH PARTITION` and `DROP TABLE` from the
 *   partitioned copy, by `DELETE` (then the `VACUUM` that makes the space reusable) from the other.
 * - **The settlement's write rate**: `--rows` journal-line-shaped rows by COPY into each kind of table, empty,
 *   `--rounds` times, alternating which goes first, each after a checkpoint: the bare rate of the clearing's
 *   largest write, partitioned and not.
 * The tables are the bench's own (`u_*` and `p_*`), so the figures are of the storage, not of the engine.
 */
import { mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createDataSource, ensureDatabase, freePort, startEmbeddedServer } from '@tixclear/db';
import { cliArgs, positiveNumber } from '../runtime/cli-args';

const PROGRAM = 'bench:partitions';
const { values: args } = cliArgs(PROGRAM, {
  options: { 'per-day': { type: 'string' }, rows: { type: 'string' }, rounds: { type: 'string' } },
});
const PER_DAY = positiveNumber(PROGRAM, args['per-day'], 'per-day', 3_000, true);
const ROWS = positiveNumber(PROGRAM, args.rows, 'rows', 1_000_000, true);
const ROUNDS = positiveNumber(PROGRAM, args.rounds, 'rounds', 3, true);

/** Thirteen months of history: the first twelve are the year retired, the last stays. */
const FIRST_MONTH = '2025-11-01';
const CUT = '2026-11-01';
const END = '2026-12-01';

function months(from: string, to: string): string[] {
  const out: string[] = [];
  const d = new Date(`${from}T00:00:00Z`);
  while (d.toISOString().slice(0, 10) < to) {
    out.push(d.toISOString().slice(0, 10));
    d.setUTCMonth(d.getUTCMonth() + 1);
  }
  return out;
}
const monthName = (first: string) => first.slice(0, 7).replace('-', '_');
const nextMonth = (first: string) => {
  const d = new Date(`${first}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 10);
};

const scratch = mkdtempSync(path.join(tmpdir(), 'tixclear-bench-partitions-'));
chmodSync(scratch, 0o755);
const server = await startEmbeddedServer({
  dataDir: path.join(scratch, 'pg'),
  port: await freePort(),
  ephemeral: true,
});
const seconds = (started: number) => (performance.now() - started) / 1000;
try {
  const url = await ensureDatabase(server.url, 'bench');
  const ds = await createDataSource(url).initialize();
  await ds.runMigrations();
  const q = (sql: string) => ds.query(sql);

  /** The unpartitioned copies: the real tables' columns, defaults and indexes. */
  const unpartitioned = async (suffix = '') => {
    await q(`CREATE TABLE u_entries${suffix} (LIKE journal_entries INCLUDING ALL)`);
    await q(`CREATE TABLE u_lines${suffix} (LIKE journal_lines INCLUDING ALL)`);
    await q(`CREATE TABLE u_rlines${suffix} (LIKE redemption_lines INCLUDING ALL)`);
  };
  /** The real table's indexes that are not unique (BRIN, partial, by date), made on `to` as they are. */
  const sameIndexes = async (from: string, to: string) => {
    const defs = await ds.query<{ sql: string }[]>(
      `SELECT indexdef AS sql FROM pg_indexes
        WHERE schemaname = 'public' AND tablename = $1 AND indexdef NOT LIKE 'CREATE UNIQUE%'`,
      [from],
    );
    for (const { sql } of defs)
      await q(sql.replace(/^CREATE INDEX \S+ ON (ONLY )?public\.\S+ /, `CREATE INDEX ON ${to} `));
  };
  /**
   * The partitioned copies: a unique key includes the month (PostgreSQL's rule for a partitioned table), the
   * other indexes are the real tables', and a DEFAULT partition takes a row whose month has none.
   */
  const partitioned = async (suffix = '', monthsOf: string[] = months(FIRST_MONTH, END)) => {
    const like = 'INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS';
    await q(
      `CREATE TABLE p_entries${suffix} (LIKE journal_entries ${like}) PARTITION BY RANGE (business_date)`,
    );
    await q(`ALTER TABLE p_entries${suffix} ADD PRIMARY KEY (id, business_date)`);
    await q(
      `CREATE UNIQUE INDEX ON p_entries${suffix} (kind, reference, business_date) WHERE kind <> 'clearing'`,
    );
    await q(`CREATE TABLE p_lines${suffix} (LIKE journal_lines ${like}) PARTITION BY RANGE (business_date)`);
    await q(`ALTER TABLE p_lines${suffix} ADD PRIMARY KEY (id, business_date)`);
    await q(
      `CREATE TABLE p_rlines${suffix} (LIKE redemption_lines ${like}) PARTITION BY RANGE (business_date)`,
    );
    await q(`ALTER TABLE p_rlines${suffix} ADD PRIMARY KEY (id, business_date)`);
    await q(`CREATE UNIQUE INDEX ON p_rlines${suffix} (partner_id, serial_number, business_date)`);
    for (const [from, to] of [
      ['journal_entries', 'p_entries'],
      ['journal_lines', 'p_lines'],
      ['redemption_lines', 'p_rlines'],
    ] as const)
      await sameIndexes(from, `${to}${suffix}`);
    for (const table of ['p_entries', 'p_lines', 'p_rlines']) {
      for (const first of monthsOf)
        await q(
          `CREATE TABLE ${table}${suffix}_${monthName(first)} PARTITION OF ${table}${suffix}
             FOR VALUES FROM ('${first}') TO ('${nextMonth(first)}')`,
        );
      await q(`CREATE TABLE ${table}${suffix}_default PARTITION OF ${table}${suffix} DEFAULT`);
    }
  };

  await unpartitioned();
  await partitioned();
  let t = performance.now();
  // A year and a month of nights: per day, PER_DAY entries of seven lines, and as many redemption lines.
  await q(
    `INSERT INTO u_rlines (operation_id, partner_id, serial_number, item_id, is_paid, cost, our_fee, sales_point,
                           redemption_point, redeemed_at, business_date, sharing_headquarters, sharing_sales,
                           sharing_reimbursement)
     SELECT gen_random_uuid(), '00000000-0000-0000-0000-000000000001', 'S' || d::date || '-' || i, 'ITEM', true, 500,
            '{"cost": 500, "sales": 200, "escrow_fee": 5, "gateway_fee": 10, "headquarters": 100, "issuance_fee": 5, "reimbursement": 180, "issuance_layer": 1}',
            'store:1', 'store:2', d + interval '12 hours', d::date, 0.2, 0.4, 0.4
       FROM generate_series('${FIRST_MONTH}'::date, '${END}'::date - 1, interval '1 day') AS d,
            generate_series(1, ${PER_DAY}) AS i`,
  );
  await q(
    `INSERT INTO u_entries (run_id, kind, reference, business_date, description)
     SELECT uuidv7(), 'clearing', r.id::text, r.business_date, 'redeemed ' || r.serial_number FROM u_rlines r`,
  );
  await q(
    `INSERT INTO u_lines (entry_id, account, ledger, party, amount, serial_number, business_date)
     SELECT e.id, l.account, l.ledger, l.party, l.amount, substr(e.description, 10), e.business_date
       FROM u_entries e CROSS JOIN (VALUES ('trust_liability', NULL, NULL, 500), ('fee_escrow', NULL, 'institution:escrow', -5),
            ('fee_gateway', NULL, 'institution:gateway', -10), ('fee_issuance_l1', NULL, 'operator', -5),
            ('payable_headquarters', 'headquarters', 'hq:1', -100), ('payable_sales', 'sales', '1:store:1', -200),
            ('payable_reimbursement', 'reimbursement', '1:store:2', -180)) AS l(account, ledger, party, amount)`,
  );
  await q(`INSERT INTO p_rlines SELECT * FROM u_rlines`);
  await q(`INSERT INTO p_entries OVERRIDING SYSTEM VALUE SELECT * FROM u_entries`);
  await q(`INSERT INTO p_lines OVERRIDING SYSTEM VALUE SELECT * FROM u_lines`);
  await q('VACUUM ANALYZE');
  await q('CHECKPOINT');
  const [{ entries, lines, size }] = await ds.query<[{ entries: number; lines: number; size: string }]>(
    `SELECT (SELECT count(*)::int FROM u_entries) AS entries, (SELECT count(*)::int FROM u_lines) AS lines,
            pg_size_pretty(pg_total_relation_size('u_entries') + pg_total_relation_size('u_lines')
                           + pg_total_relation_size('u_rlines')) AS size`,
  );
  console.log(
    `history: ${entries.toLocaleString()} entries, ${lines.toLocaleString()} journal lines and ${entries.toLocaleString()} redemption lines ` +
      `per copy (${months(FIRST_MONTH, END).length} months, ${PER_DAY.toLocaleString()} a day; ${size} unpartitioned), built in ${seconds(t).toFixed(0)} s`,
  );

  // Retiring the year: the partitioned copy detaches and drops its twelve months, the other deletes them.
  const retired = months(FIRST_MONTH, CUT);
  const detach: Record<string, number> = {};
  const drop: Record<string, number> = {};
  for (const table of ['p_entries', 'p_lines', 'p_rlines']) {
    t = performance.now();
    for (const first of retired)
      await q(`ALTER TABLE ${table} DETACH PARTITION ${table}_${monthName(first)}`);
    detach[table] = seconds(t);
    t = performance.now();
    for (const first of retired) await q(`DROP TABLE ${table}_${monthName(first)}`);
    drop[table] = seconds(t);
  }
  await q('CHECKPOINT');
  const del: Record<string, number> = {};
  const vacuum: Record<string, number> = {};
  const deletes: [string, string][] = [
    ['u_lines', `DELETE FROM u_lines WHERE business_date < '${CUT}'`],
    ['u_entries', `DELETE FROM u_entries WHERE business_date < '${CUT}'`],
    ['u_rlines', `DELETE FROM u_rlines WHERE business_date < '${CUT}'`],
  ];
  for (const [table, sql] of deletes) {
    t = performance.now();
    await q(sql);
    del[table] = seconds(t);
    t = performance.now();
    await q(`VACUUM ${table}`);
    vacuum[table] = seconds(t);
  }
  console.log(`retiring ${retired.length} months (${retired[0]} to ${CUT}, excluded):`);
  for (const [name, p, u] of [
    ['journal entries', 'p_entries', 'u_entries'],
    ['journal lines', 'p_lines', 'u_lines'],
    ['redemption lines', 'p_rlines', 'u_rlines'],
  ] as const) {
    console.log(
      `  ${name}: detach ${detach[p]!.toFixed(2)} s + drop ${drop[p]!.toFixed(2)} s, ` +
        `against delete ${del[u]!.toFixed(1)} s + vacuum ${vacuum[u]!.toFixed(1)} s`,
    );
  }

  // The write rate: journal-line-shaped rows by COPY into an empty table of each kind, alternating.
  const copyLines = async (table: string): Promise<number> => {
    await q('CHECKPOINT');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    function* rows() {
      const chunk: string[] = [];
      for (let i = 1; i <= ROWS; i++) {
        chunk.push(`${i}\tpayable_sales\tsales\t1:store:289151880142\t-5\tB0X${i}\t2026-11-20\n`);
        if (chunk.length === 10_000) yield chunk.splice(0).join('');
      }
      if (chunk.length > 0) yield chunk.join('');
    }
    const columns = 'entry_id, account, ledger, party, amount, serial_number, business_date';
    const started = performance.now();
    await pipeline(Readable.from(rows()), client.query(copyFrom(`COPY ${table} (${columns}) FROM STDIN`)));
    const rate = ROWS / seconds(started);
    await client.end();
    return rate;
  };
  const rates = { partitioned: [] as number[], unpartitioned: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    await q(
      'DROP TABLE IF EXISTS u_entries_c, u_lines_c, u_rlines_c, p_entries_c, p_lines_c, p_rlines_c CASCADE',
    );
    await unpartitioned('_c');
    await partitioned('_c', ['2026-11-01', '2026-12-01']);
    const order = round % 2 === 0 ? (['u', 'p'] as const) : (['p', 'u'] as const);
    for (const kind of order) {
      if (kind === 'u') rates.unpartitioned.push(await copyLines('u_lines_c'));
      else rates.partitioned.push(await copyLines('p_lines_c'));
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const fmt = (xs: number[]) => xs.map((x) => Math.round(x).toLocaleString()).join(', ');
  console.log(`COPY of ${ROWS.toLocaleString()} journal lines, rows per second (${ROUNDS} rounds):`);
  console.log(
    `  unpartitioned ${fmt(rates.unpartitioned)} (median ${Math.round(median(rates.unpartitioned)).toLocaleString()})`,
  );
  console.log(
    `  partitioned   ${fmt(rates.partitioned)} (median ${Math.round(median(rates.partitioned)).toLocaleString()})`,
  );
  console.log(
    `  ratio partitioned / unpartitioned (medians): ${(median(rates.partitioned) / median(rates.unpartitioned)).toFixed(2)}`,
  );
  await ds.destroy();
} finally {
  await server.stop();
  rmSync(scratch, { recursive: true, force: true });
}
