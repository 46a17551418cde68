import { UUIDV7_SQL } from './migrations/1795330000003-clearing-write-indexes';
import { createTestDatabase, type TestDatabase } from './testing/test-database';

// Run ids are time-ordered so that BRIN lookups by run are priced right (migration ClearingWriteIndexes).
describe('time-ordered run ids', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('defines a version 7 UUID for servers without one: the time of its making, first', async () => {
    const ids: { id: string; version: number; at: Date }[] = [];
    for (let i = 0; i < 3; i++) {
      const [row] = await db.dataSource.query<[{ id: string; version: number; at: Date }]>(
        `SELECT id::text AS id, uuid_extract_version(id) AS version, uuid_extract_timestamp(id) AS at
           FROM (SELECT ${UUIDV7_SQL} AS id) AS made`,
      );
      ids.push(row);
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    expect(ids.map((row) => row.version)).toEqual([7, 7, 7]);
    expect(Math.abs(ids[0]!.at.getTime() - Date.now())).toBeLessThan(5_000);
    expect(ids.map((row) => row.id)).toEqual(ids.map((row) => row.id).sort());
    expect(ids[2]!.id.slice(19, 20)).toMatch(/[89ab]/); // the RFC 4122 variant
  });

  it('gives runs time-ordered ids', async () => {
    const runs: string[] = [];
    for (const day of ['2026-11-20', '2026-11-21', '2026-11-22']) {
      const [run] = await db.dataSource.query<[{ id: string }]>(
        `INSERT INTO settlement_runs (period_start, period_end, state, summary) VALUES ($1, $1, 'clearing', '{}')
         RETURNING id::text AS id`,
        [day],
      );
      runs.push(run.id);
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    expect(runs).toEqual([...runs].sort());
    const [{ version }] = await db.dataSource.query<[{ version: number }]>(
      `SELECT uuid_extract_version($1::uuid) AS version`,
      [runs[0]],
    );
    expect(version).toBe(7);
  });
});
