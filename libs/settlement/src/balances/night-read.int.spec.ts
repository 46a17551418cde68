import { createTestDatabase, type TestDatabase } from '@tixclear/db';
import { nightRead, withIndexScans } from './night-lines';

/*
 * A night's read out of the history's tables plans by index, in its own backend, and leaves the transaction's
 * settings as they were, whatever they were.
 */

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

const settings = `SELECT current_setting('enable_seqscan') AS seqscan,
                         current_setting('max_parallel_workers_per_gather') AS workers`;

it('reads with sequential scans and parallel workers off, then restores the settings', async () => {
  await db.dataSource.transaction(async (tx) => {
    await tx.query(`SET LOCAL max_parallel_workers_per_gather = 3`);
    const inside = await nightRead(tx, () => tx.query<[{ seqscan: string; workers: string }]>(settings));
    expect(inside).toEqual([{ seqscan: 'off', workers: '0' }]);
    expect(await tx.query(settings)).toEqual([{ seqscan: 'on', workers: '3' }]);
  });
});

it("leaves an outer read's settings in force after an inner one", async () => {
  await db.dataSource.transaction(async (tx) => {
    const after = await nightRead(tx, async () => {
      await withIndexScans(tx, () => tx.query('SELECT 1'));
      return tx.query<[{ seqscan: string; workers: string }]>(settings);
    });
    expect(after).toEqual([{ seqscan: 'off', workers: '0' }]);
  });
});
