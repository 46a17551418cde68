import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { JournalPartitions1795340000520 } from './1795340000520-journal-partitions';

/*
 * The journal partitioned by month: a populated journal migrates (ids, lines and their dates kept), the natural
 * key `(kind, reference)` holds across months, a month without a partition takes its rows in the DEFAULT
 * partition until its own is created, and a detached month leaves the journal without releasing its keys.
 */

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const q = <T = unknown[]>(sql: string, params: unknown[] = []) => db.dataSource.query<T>(sql, params);

async function withRunner(step: (m: JournalPartitions1795340000520, r: unknown) => Promise<void>) {
  const runner = db.dataSource.createQueryRunner();
  try {
    // As the migrations run: in a transaction.
    await runner.startTransaction();
    await step(new JournalPartitions1795340000520(), runner);
    await runner.commitTransaction();
  } finally {
    await runner.release();
  }
}

/** Posts an entry of two lines; null when its natural key was taken (the insert skipped, as DO NOTHING). */
async function post(kind: string, reference: string, date: string, amount: number): Promise<string | null> {
  const [entry] = await q<{ id: string }[]>(
    `INSERT INTO journal_entries (kind, reference, business_date, description) VALUES ($1, $2, $3, 'spec')
     ON CONFLICT DO NOTHING RETURNING id`,
    [kind, reference, date],
  );
  if (!entry) return null;
  await q(
    `INSERT INTO journal_lines (entry_id, account, ledger, party, amount, business_date)
     VALUES ($1, 'trust_liability', NULL, NULL, $2, $3), ($1, 'gateway_receivable', NULL, 'merchant:M', -$2::bigint, $3)`,
    [entry.id, amount, date],
  );
  return entry.id;
}

const where = (table: string, entryId: string) =>
  q<{ part: string }[]>(
    `SELECT DISTINCT tableoid::regclass::text AS part FROM ${table} WHERE ${table === 'journal_entries' ? 'id' : 'entry_id'} = $1`,
    [entryId],
  );

it('migrates a populated journal: every entry and line kept, in its month, ids continuing', async () => {
  const before = [
    await post('purchase', 'P1', '2026-09-15', 500),
    await post('clearing', 'L1', '2026-10-02', 300),
  ];
  await withRunner(async (m, r) => m.down(r as never));
  // Back to the unpartitioned journal: lines carry no date there, and one more entry goes in as it was written.
  const [{ id: old }] = await q<[{ id: string }]>(
    `INSERT INTO journal_entries (kind, reference, business_date, description)
     VALUES ('payout', 'I1', '2026-08-31', 'old') RETURNING id`,
  );
  await q(
    `INSERT INTO journal_lines (entry_id, account, amount) VALUES ($1, 'payable_sales', 70), ($1, 'gateway_receivable', -70)`,
    [old],
  );
  await withRunner(async (m, r) => m.up(r as never));

  const lines = await q<{ entry_id: string; dated: string; entry_date: string; amount: string }[]>(
    `SELECT l.entry_id::text, l.business_date::text AS dated, e.business_date::text AS entry_date, l.amount::text
       FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id ORDER BY l.id`,
  );
  expect(lines).toHaveLength(6);
  for (const line of lines) expect(line.dated).toBe(line.entry_date);
  expect(await where('journal_entries', old)).toEqual([{ part: 'journal_entries_2026_08' }]);
  expect(await where('journal_lines', old)).toEqual([{ part: 'journal_lines_2026_08' }]);
  expect(await where('journal_lines', before[0]!)).toEqual([{ part: 'journal_lines_2026_09' }]);
  // The natural keys of the history are claimed; a clearing's is its clearing row, not here.
  expect(await q(`SELECT kind, reference FROM journal_entry_keys ORDER BY 1, 2`)).toEqual([
    { kind: 'payout', reference: 'I1' },
    { kind: 'purchase', reference: 'P1' },
  ]);
  const next = await post('refund', 'R1', '2026-10-03', 5);
  expect(BigInt(next!)).toBeGreaterThan(BigInt(old));
});

it('keeps (kind, reference) unique across months: a posting retried on another date posts nothing', async () => {
  expect(await post('purchase', 'P2', '2026-10-10', 100)).not.toBeNull();
  expect(await post('purchase', 'P2', '2026-11-01', 100)).toBeNull();
  expect(await post('purchase', 'P2', '2026-10-10', 100)).toBeNull();
  const [{ n }] = await q<[{ n: number }]>(
    `SELECT count(*)::int AS n FROM journal_entries WHERE kind = 'purchase' AND reference = 'P2'`,
  );
  expect(n).toBe(1);
});

it('takes a row of a month without a partition in the DEFAULT one, and moves it when the month is made', async () => {
  const id = (await post('purchase', 'P3', '2031-01-05', 40))!;
  expect(await where('journal_entries', id)).toEqual([{ part: 'journal_entries_default' }]);
  expect(await where('journal_lines', id)).toEqual([{ part: 'journal_lines_default' }]);
  const [{ added }] = await q<[{ added: number }]>(
    `SELECT journal_add_months('2031-01-01', '2031-01-31') AS added`,
  );
  expect(added).toBe(2);
  expect(await where('journal_entries', id)).toEqual([{ part: 'journal_entries_2031_01' }]);
  expect(await where('journal_lines', id)).toEqual([{ part: 'journal_lines_2031_01' }]);
  // Moving is not posting: the key stays claimed, and the month is made once.
  expect(await post('purchase', 'P3', '2031-01-06', 40)).toBeNull();
  const [{ again }] = await q<[{ again: number }]>(
    `SELECT journal_add_months('2031-01-01', '2031-01-31') AS again`,
  );
  expect(again).toBe(0);
});

it('retires a month by DETACH: its rows leave the journal, its keys stay claimed', async () => {
  await q('ALTER TABLE journal_lines DETACH PARTITION journal_lines_2026_09');
  await q('ALTER TABLE journal_entries DETACH PARTITION journal_entries_2026_09');
  const [{ n }] = await q<[{ n: number }]>(
    `SELECT count(*)::int AS n FROM journal_entries WHERE business_date < '2026-10-01' AND business_date >= '2026-09-01'`,
  );
  expect(n).toBe(0);
  const [{ archived }] = await q<[{ archived: number }]>(
    `SELECT count(*)::int AS archived FROM journal_lines_2026_09`,
  );
  expect(archived).toBe(2);
  expect(await post('purchase', 'P1', '2026-10-20', 500)).toBeNull();
});
