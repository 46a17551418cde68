import { migrations, type TestDatabase } from '@tixclear/db';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { clearSampleNight, sampleDatabase } from '../testing/sample-night';

/*
 * The clearing's group sums (migration ClearingGroupSums) equal its lines summed by group, run by run: as each
 * chunk writes them, and as the migration sums the clearing entries a database already holds.
 */

let db: TestDatabase;
let partnerId: string;
const q = <T>(sql: string, params: unknown[] = []) => db.dataSource.query<T[]>(sql, params);

beforeAll(async () => {
  ({ db, partnerId } = await sampleDatabase());
});
afterAll(() => db?.drop());

const settle = (date: string, vouchers: number) =>
  clearSampleNight(db.dataSource, partnerId, date, vouchers, { chunkSize: 5 });

/** Both sides by run and group, as text rows compared whole. */
const fromSums = () =>
  q<{ row: string }>(
    `SELECT concat_ws('|', run_id, account, ledger, party, sum(debits), sum(credits)) AS row FROM clearing_group_sums
      GROUP BY run_id, account, ledger, party ORDER BY 1`,
  );
const fromLines = () =>
  q<{ row: string }>(
    `SELECT concat_ws('|', e.run_id, l.account, COALESCE(l.ledger, ''), COALESCE(l.party, ''),
                      sum(GREATEST(l.amount, 0)), sum(GREATEST(-l.amount, 0))) AS row
       FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id WHERE e.kind = 'clearing'
      GROUP BY e.run_id, l.account, l.ledger, l.party ORDER BY 1`,
  );

async function run(step: (migration: MigrationInterface, runner: QueryRunner) => Promise<void>) {
  const migration = migrations
    .map((M) => new M() as MigrationInterface)
    .find((m) => m.name === 'ClearingGroupSums1795340000600')!;
  const runner = db.dataSource.createQueryRunner();
  try {
    await runner.startTransaction();
    await step(migration, runner);
    await runner.commitTransaction();
  } finally {
    await runner.release();
  }
}

it('holds the clearing lines summed by group, as the chunks write them and as the migration sums them', async () => {
  await settle('2026-11-20', 23);
  await settle('2026-11-21', 17);
  const lines = await fromLines();
  expect(lines.length).toBeGreaterThan(10);
  expect(await fromSums()).toEqual(lines);
  // Several chunks of a run each wrote their own rows: more rows than groups.
  const [count] = await q<{ rows: number }>(`SELECT count(*)::int AS rows FROM clearing_group_sums`);
  expect(count!.rows).toBeGreaterThan(lines.length);

  await run((m, r) => m.down(r));
  await run((m, r) => m.up(r));
  expect(await fromSums()).toEqual(lines);
});
