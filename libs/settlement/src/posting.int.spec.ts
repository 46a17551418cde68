import type { TestDatabase } from '@tixclear/db';
import { postTrustMovements } from './posting';
import { writeSyntheticDay } from './testing/synthetic-day';
import { sampleDatabase } from './testing/sample-night';

/*
 * The trust posting reads the purchases and refunds due (`trust_postings_due`, fed by a trigger on operations),
 * against a real PostgreSQL: each is posted once, by the first run whose end date it moved by; one moved later
 * waits in the queue; one with no paid voucher leaves the queue unposted; one the queue does not name is not read.
 */

let db: TestDatabase;
let partnerId: string;
const query = <T = unknown>(sql: string, params: unknown[] = []) => db.dataSource.query<T[]>(sql, params);

beforeAll(async () => {
  ({ db, partnerId } = await sampleDatabase());
});
afterAll(async () => {
  await db?.drop();
});

async function run(end: string): Promise<{ id: string; posted: number }> {
  const [row] = await query<{ id: string }>(
    `INSERT INTO settlement_runs (period_start, period_end, state, summary) VALUES ($1, $1, 'posting', '{}') RETURNING id`,
    [end],
  );
  return { id: row!.id, posted: await postTrustMovements(db.dataSource, row!.id, end) };
}

/** The trust entries (kind, the order, the amount credited to the trust) and the operations still due. */
async function books() {
  const entries = await query<{ entry: string }>(
    `SELECT e.kind || ' ' || o.order_id || ' ' || (-l.amount)::text AS entry
       FROM journal_entries e JOIN operations o ON o.id::text = e.reference
       JOIN journal_lines l ON l.entry_id = e.id AND l.account = 'trust_liability'
      ORDER BY 1`,
  );
  const due = await query<{ order_id: string }>(
    `SELECT o.order_id FROM trust_postings_due d JOIN operations o ON o.id = d.operation_id ORDER BY 1`,
  );
  return { entries: entries.map((row) => row.entry), due: due.map((row) => row.order_id) };
}

it('a purchase paid is due from the moment it is paid, posted once by the first run it moved by', async () => {
  // Paid at insert (P1, 4 vouchers of 50, every second a gift), paid by an update (P2), paid after the run (P3).
  await writeSyntheticDay(db.dataSource, {
    partnerId,
    businessDate: '2026-11-20',
    vouchers: 4,
    giftEvery: 2,
    prefix: 'P1',
  });
  await writeSyntheticDay(db.dataSource, {
    partnerId,
    businessDate: '2026-11-20',
    vouchers: 2,
    prefix: 'P2',
  });
  await query(`UPDATE operations SET state = 'submitted' WHERE order_id = 'P2P'`);
  await query(
    `DELETE FROM trust_postings_due WHERE operation_id = (SELECT id FROM operations WHERE order_id = 'P2P')`,
  );
  await query(`UPDATE operations SET state = 'paid' WHERE order_id = 'P2P'`);
  await writeSyntheticDay(db.dataSource, {
    partnerId,
    businessDate: '2026-11-21',
    vouchers: 1,
    prefix: 'P3',
  });
  expect((await books()).due).toEqual(['P1P', 'P2P', 'P3P']);

  expect((await run('2026-11-20')).posted).toBe(2);
  expect(await books()).toEqual({ entries: ['purchase P1P 100', 'purchase P2P 100'], due: ['P3P'] });
  // Posting again posts nothing twice; the next night takes the one that waited.
  expect((await run('2026-11-21')).posted).toBe(1);
  expect(await books()).toEqual({
    entries: ['purchase P1P 100', 'purchase P2P 100', 'purchase P3P 50'],
    due: [],
  });
});

it('a purchase of gifts only leaves the queue unposted; a refund is posted like a purchase', async () => {
  await writeSyntheticDay(db.dataSource, {
    partnerId,
    businessDate: '2026-11-22',
    vouchers: 2,
    giftEvery: 1,
    prefix: 'G',
  });
  const [refund] = await query<{ id: string }>(
    `INSERT INTO operations (partner_id, order_id, upstream_order_id, kind, command, request_hash, request, state,
                             gateway_code, completed_at)
     VALUES ($1, 'F1', 'F1U', 'refund', 'voucherrefund', 'spec', '{}'::jsonb, 'succeeded', '230',
             '2026-11-22T07:00:00Z') RETURNING id`,
    [partnerId],
  );
  await query(
    `UPDATE vouchers SET state = 'refunded', holder_operation_id = $1 WHERE serial_number = 'P31'`,
    [refund!.id],
  );
  expect((await books()).due).toEqual(['F1', 'GP']);
  expect((await run('2026-11-22')).posted).toBe(1);
  const { entries, due } = await books();
  expect(entries).toContain('refund F1 -50');
  expect(entries.some((entry) => entry.includes('GP'))).toBe(false);
  expect(due).toEqual([]);
});

it('reads only the queue: a paid purchase it does not name is not posted', async () => {
  await writeSyntheticDay(db.dataSource, { partnerId, businessDate: '2026-11-23', vouchers: 1, prefix: 'Q' });
  await query(`DELETE FROM trust_postings_due`);
  expect((await run('2026-11-23')).posted).toBe(0);
  expect((await books()).entries.some((entry) => entry.includes('QP'))).toBe(false);
});
