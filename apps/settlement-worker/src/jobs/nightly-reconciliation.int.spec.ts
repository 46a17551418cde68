import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createTestDatabase, insertTestPurchase, type TestDatabase } from '@tixclear/db';
import { createLogger } from '@tixclear/logging';
import { reconcileAfterRun } from './nightly-settlement';

/* After a completed run, the worker reconciles each of its dates from RECONCILE_SOURCE, stores and logs it. */

let db: TestDatabase;
let statements: string;
const M = 'M0000000017';

beforeAll(async () => {
  db = await createTestDatabase();
  await insertTestPurchase(db.dataSource, M);
  statements = mkdtempSync(path.join(tmpdir(), 'tixclear-worker-statements-'));
});

afterAll(async () => {
  rmSync(statements, { recursive: true, force: true });
  await db.drop();
});

function capture() {
  type Line = { level: number; msg: string; date?: string; differences?: number };
  const lines: Line[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Line);
      done();
    },
  });
  return { lines, log: createLogger({ name: 'spec', level: 'info', destination, pretty: false }) };
}

it('reconciles each date of the run: one with a statement agrees, one without is a difference on the queue', async () => {
  mkdirSync(path.join(statements, M), { recursive: true });
  writeFileSync(
    path.join(statements, M, '2026-12-05.json'),
    JSON.stringify({
      merchantUid: M,
      date: '2026-12-05',
      held: 0,
      byKind: { purchase_paid: 0, redemption: 0, refund: 0, payoff_item: 0 },
      movements: [],
    }),
  );
  const { lines, log } = capture();
  await reconcileAfterRun(db.dataSource, log, `statements:${statements}`)('2026-12-05', '2026-12-06');
  const rows = await db.dataSource.query<{ date: string; merchant_uid: string; difference_count: number }[]>(
    `SELECT business_date::text AS date, merchant_uid, difference_count FROM books_gateway_reconciliations
      ORDER BY business_date`,
  );
  expect(rows).toEqual([
    { date: '2026-12-05', merchant_uid: M, difference_count: 0 },
    { date: '2026-12-06', merchant_uid: M, difference_count: 1 },
  ]);
  expect(lines.map((l) => [l.level, l.date, l.differences])).toEqual([
    [30, '2026-12-05', 0],
    [40, '2026-12-06', 1],
  ]);
  const items = await db.dataSource.query<{ reference: string }[]>(
    `SELECT reference FROM operator_items WHERE kind = 'books_gateway_difference' AND state = 'open'`,
  );
  expect(items).toEqual([{ reference: `2026-12-06:${M}` }]);
});

it('without RECONCILE_SOURCE reconciles nothing and says so', async () => {
  const { lines, log } = capture();
  await reconcileAfterRun(db.dataSource, log, undefined)('2026-12-07', '2026-12-07');
  const [{ n }] = await db.dataSource.query<[{ n: string }]>(
    `SELECT count(*)::text AS n FROM books_gateway_reconciliations WHERE business_date = '2026-12-07'`,
  );
  expect(n).toBe('0');
  expect(lines.map((l) => l.level)).toEqual([30]);
});
