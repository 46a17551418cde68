import { createDataSource, createTestDatabase, type TestDatabase } from '@tixclear/db';
import { findStrayRanges, repairRangeIndexes } from './range-indexes';

/*
 * A summary of a BRIN index interrupted midway leaves a placeholder range; on PostgreSQL 18.4 every later range
 * of the relation then matches every lookup. The night's check finds such an index at the cost of the index
 * alone while it is sound, and rebuilds it when it is not.
 */

let db: TestDatabase;
const PARTITION = 'journal_lines_2026_03';
let brin: string;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.dataSource.query(`SELECT journal_add_months('2026-03-01', '2026-03-31')`);
  // About 1,500 pages: a hundred ranges of 16 pages, none summarised yet (autosummarize is off).
  await db.dataSource.query(
    `INSERT INTO journal_lines (entry_id, account, amount, business_date)
     SELECT g, 'trust_liability', g % 1000, '2026-03-10' FROM generate_series(1, 200000) g`,
  );
  // Two runs' entries, as a night writes them: a bloom filter per range then finds each run exactly.
  for (const day of ['2026-03-10', '2026-03-11'])
    await db.dataSource.query(
      `WITH run AS (INSERT INTO settlement_runs (period_start, period_end, state, summary)
                    VALUES ($1, $1, 'clearing', '{}') RETURNING id)
       INSERT INTO journal_entries (run_id, kind, reference, business_date, description)
       SELECT run.id, 'clearing', gen_random_uuid()::text, $1, 'clearing' FROM run, generate_series(1, 30000)`,
      [day],
    );
  [{ brin }] = await db.dataSource.query<[{ brin: string }]>(
    `SELECT i.indexrelid::regclass::text AS brin FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam AND a.amname = 'brin'
      WHERE i.indrelid = $1::regclass`,
    [PARTITION],
  );
});
afterAll(() => db?.drop());

const stray = () => db.dataSource.transaction((tx) => findStrayRanges(tx));

/** Summarises the partition's ranges again from none, stopped by a statement timeout of `ms`. */
async function interruptedSummary(ms: number): Promise<void> {
  await db.dataSource.query(
    `SELECT brin_desummarize_range($1::regclass, b)
       FROM generate_series(0, pg_relation_size($2::regclass) / 8192, 16) b`,
    [brin, PARTITION],
  );
  await db.dataSource.transaction(async (tx) => {
    await tx.query(`SET LOCAL statement_timeout = ${ms}`);
    await tx.query(`SAVEPOINT summary`);
    await tx.query(`SELECT brin_summarize_new_values($1::regclass)`, [brin]).catch(async (error: unknown) => {
      expect((error as { code?: string }).code).toBe('57014');
      await tx.query(`ROLLBACK TO SAVEPOINT summary`);
    });
  });
}

it('leaves the summaries to us: no BRIN index summarises itself', async () => {
  const indexes = await db.dataSource.query<Array<{ relation: string; options: string[] }>>(
    `SELECT i.indrelid::regclass::text AS relation, c.reloptions AS options FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid AND c.relkind = 'i'
       JOIN pg_am a ON a.oid = c.relam AND a.amname = 'brin'`,
  );
  expect(indexes.map(({ relation }) => relation)).toEqual(
    expect.arrayContaining(['clearings', PARTITION, 'journal_entries_2026_03']),
  );
  for (const { options } of indexes) expect(options).toEqual(expect.arrayContaining(['autosummarize=off']));
});

it('finds no stray range in sound indexes, bloom filters included', async () => {
  expect(await stray()).toEqual([]);
});

/** Leaves a placeholder in the partition's index (a summary stopped midway) and returns what the check finds. */
async function leaveStrayRanges(): Promise<Awaited<ReturnType<typeof stray>>> {
  // The timeout that lands inside a range's summary depends on the machine: try longer ones until one does.
  let found: Awaited<ReturnType<typeof stray>> = [];
  for (let ms = 2; ms <= 200 && found.length === 0; ms += 3) {
    await interruptedSummary(ms);
    found = await stray();
  }
  return found;
}

const invalidIndexesOfPartition = async () =>
  db.dataSource.query<unknown[]>(
    `SELECT indexrelid FROM pg_index WHERE indrelid = $1::regclass AND NOT indisvalid`,
    [PARTITION],
  );

it('finds the ranges an interrupted summary left and rebuilds that index, after which none is left', async () => {
  const found = await leaveStrayRanges();
  expect(found).toEqual([{ index: brin, relation: PARTITION, pages: expect.any(Number) }]);
  // Not the placeholder's 16 pages alone: every page after it.
  expect(found[0]!.pages).toBeGreaterThan(64);

  expect(await repairRangeIndexes(db.dataSource)).toEqual([{ ...found[0], rebuilt: true }]);
  expect(await stray()).toEqual([]);
  const [{ valid }] = await db.dataSource.query<[{ valid: boolean }]>(
    `SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = $1::regclass`,
    [brin],
  );
  expect(valid).toBe(true);
});

it('reports a rebuild that cannot finish, and rebuilds on the next night, leaving no invalid copy', async () => {
  const found = await leaveStrayRanges();
  expect(found).toHaveLength(1);
  // A writer of the partition whose transaction stays open: a concurrent rebuild waits for it, here 300 ms.
  const writer = db.dataSource.createQueryRunner();
  const impatient = await createDataSource(db.url, {
    extra: { options: '-c lock_timeout=300' },
  }).initialize();
  try {
    await writer.startTransaction();
    await writer.query(
      `INSERT INTO journal_lines (entry_id, account, amount, business_date) VALUES (200001, 'trust_liability', 1, '2026-03-10')`,
    );
    const [repair] = await repairRangeIndexes(impatient);
    expect(repair).toEqual({ ...found[0], rebuilt: false, error: expect.any(String), code: '55P03' });
    await writer.commitTransaction();
  } finally {
    if (writer.isTransactionActive) await writer.rollbackTransaction();
    await writer.release();
    await impatient.destroy();
  }
  expect(await repairRangeIndexes(db.dataSource)).toEqual([{ ...found[0], rebuilt: true }]);
  expect(await stray()).toEqual([]);
  expect(await invalidIndexesOfPartition()).toEqual([]);
});
