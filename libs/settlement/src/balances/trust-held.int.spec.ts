import type { TestDatabase } from '@tixclear/db';
import { clearAll, Clearing } from '../clearing/index';
import { JOURNAL_TRUST_VOUCHERS_SQL, TRUST_VOUCHERS_SQL } from '../exports/register-queries';
import { postExpiries } from '../expiry';
import { settleHoldOutside } from '../holds/index';
import { postTrustMovements } from '../posting';
import { SAMPLE_ACCOUNTS, SAMPLE_BOOK, sampleDatabase } from '../testing/sample-night';
import { redeemSyntheticVouchers, writeSyntheticDay } from '../testing/synthetic-day';
import { balancesAsOf, refreshSnapshots } from './index';

/*
 * The trust's held vouchers as spans of posted days (trust-held.ts), against a real PostgreSQL: after nights
 * that sell, clear, refund, expire and settle outside, and after a purchase posted on a day already written, the
 * register read from the spans equals the register read from every purchase ever posted, day by day, and its
 * total is the trust liability's balance.
 */

const [D1, D2, D3, D4] = ['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23'];
const DAYS = [D1, D2, D3, D4];

let db: TestDatabase;
let partnerId: string;
const query = <T = unknown>(sql: string, params: unknown[] = []) => db.dataSource.query<T[]>(sql, params);

beforeAll(async () => {
  ({ db, partnerId } = await sampleDatabase());
});
afterAll(async () => {
  await db?.drop();
});

/** A run of `[start, end]` as the runner's steps leave it: lines cleared, purchases and expiries posted, snapshots written. */
async function settle(end: string, { start = end, accounts = SAMPLE_ACCOUNTS } = {}): Promise<void> {
  const [run] = await query<{ id: string }>(
    `INSERT INTO settlement_runs (period_start, period_end, state, summary) VALUES ($1, $2, 'posting', '{}') RETURNING id`,
    [start, end],
  );
  await clearAll(new Clearing(db.dataSource, SAMPLE_BOOK, accounts), run!.id, end, {
    chunkSize: 5,
    lanes: 2,
  });
  await postTrustMovements(db.dataSource, run!.id, end);
  await postExpiries(db.dataSource, run!.id, end);
  await refreshSnapshots(db.dataSource);
}

/** The serials of the register of `day`, read from the spans and from the whole journal, in one snapshot. */
const registers = (day: string) =>
  db.dataSource.transaction('REPEATABLE READ', async (tx) => {
    const serials = async (sql: string) =>
      (
        await tx.query<{ serial_number: string }[]>(`SELECT serial_number FROM (${sql}) t ORDER BY 1`, [day])
      ).map((row) => row.serial_number);
    const trust = (await balancesAsOf(tx, day)).find((group) => group.account === 'trust_liability');
    const [{ value }] = await tx.query<[{ value: number }]>(
      `SELECT COALESCE(sum(value::bigint), 0)::int AS value FROM (${TRUST_VOUCHERS_SQL}) t`,
      [day],
    );
    return {
      spans: await serials(TRUST_VOUCHERS_SQL),
      journal: await serials(JOURNAL_TRUST_VOUCHERS_SQL),
      value,
      liability: trust ? -Number(trust.closing) : 0,
    };
  });

/** Every day's register from the spans equals the full one and the liability; returns the serials by day. */
async function everyDay(): Promise<Record<string, string[]>> {
  const byDay: Record<string, string[]> = {};
  for (const day of DAYS) {
    const { spans, journal, value, liability } = await registers(day);
    expect({ day, spans }).toEqual({ day, spans: journal });
    expect({ day, value }).toEqual({ day, value: liability });
    byDay[day] = spans;
  }
  return byDay;
}

const serials = (prefix: string, numbers: number[]) => numbers.map((n) => `${prefix}${n}`);

/** The spans as written, `serial from..until` (until blank while open). */
const spans = async (): Promise<string[]> =>
  (
    await query<{ span: string }>(
      `SELECT v.serial_number || ' ' || s.held_from || '..' || COALESCE(s.held_until::text, '') AS span
         FROM trust_held_spans s JOIN vouchers v ON v.id = s.voucher_id ORDER BY v.serial_number`,
    )
  ).map((row) => row.span);

it('a night of vouchers sold and redeemed leaves no span; vouchers still held overnight get one', async () => {
  await writeSyntheticDay(db.dataSource, {
    partnerId,
    businessDate: D1,
    vouchers: 8,
    giftEvery: 4,
    prefix: 'A',
  });
  // H1..H10 sold on D1 and kept: H5 and H10 are gifts (no money held).
  await writeSyntheticDay(db.dataSource, {
    partnerId,
    businessDate: D1,
    vouchers: 10,
    giftEvery: 5,
    prefix: 'H',
    redeemed: false,
  });
  await settle(D1);
  const held = serials('H', [1, 2, 3, 4, 6, 7, 8, 9]).sort();
  expect((await everyDay())[D1]).toEqual(held);
  expect(await spans()).toEqual(held.map((serial) => `${serial} ${D1}..`));
});

it('a clearing, a refund, an expiry and a settlement outside each close a span on the day they are posted', async () => {
  // D2: H1, H2 (paid) and H5 (gift) redeemed and cleared; H3 refunded.
  await redeemSyntheticVouchers(db.dataSource, {
    partnerId,
    businessDate: D2,
    serials: ['H1', 'H2', 'H5'],
    prefix: 'R2',
  });
  const [refund] = await query<{ id: string }>(
    `INSERT INTO operations (partner_id, order_id, upstream_order_id, kind, command, request_hash, request, state,
                             gateway_code, completed_at)
     VALUES ($1, 'F2', 'F2U', 'refund', 'voucherrefund', 'spec', '{}'::jsonb, 'succeeded', '230',
             ($2::date + time '15:00') AT TIME ZONE 'Asia/Taipei') RETURNING id`,
    [partnerId, D2],
  );
  await query(`UPDATE vouchers SET state = 'refunded', holder_operation_id = $1 WHERE serial_number = 'H3'`, [
    refund!.id,
  ]);
  await settle(D2);
  // D3: H4's trust ended on D2, so the D3 run expires it; H6 redeemed and held by the clearing (no payout
  // account), then settled outside by an operator on D3.
  await query(`UPDATE vouchers SET trust_end_date = $1 WHERE serial_number = 'H4'`, [D2]);
  await redeemSyntheticVouchers(db.dataSource, {
    partnerId,
    businessDate: D3,
    serials: ['H6'],
    prefix: 'R3',
  });
  await settle(D3, { accounts: new Map() });
  const [line] = await query<{ id: string }>(`SELECT id FROM redemption_lines WHERE serial_number = 'H6'`);
  await settleHoldOutside(db.dataSource, line!.id, {
    by: 'alice',
    note: 'paid by the issuer directly',
    clock: () => new Date(`${D3}T05:00:00Z`),
  });
  await refreshSnapshots(db.dataSource);

  const byDay = await everyDay();
  expect(byDay[D1]).toEqual(serials('H', [1, 2, 3, 4, 6, 7, 8, 9]).sort());
  expect(byDay[D2]).toEqual(serials('H', [4, 6, 7, 8, 9]));
  expect(byDay[D3]).toEqual(serials('H', [7, 8, 9]));
  expect(byDay[D4]).toEqual(serials('H', [7, 8, 9]));
  // Closed on the day each release was posted, so a later day's read never looks at them.
  expect(await spans()).toEqual([
    `H1 ${D1}..${D2}`,
    `H2 ${D1}..${D2}`,
    `H3 ${D1}..${D2}`,
    `H4 ${D1}..${D3}`,
    `H6 ${D1}..${D3}`,
    `H7 ${D1}..`,
    `H8 ${D1}..`,
    `H9 ${D1}..`,
  ]);
});

it('a purchase posted on a day already written opens its spans there, and the days after are written again', async () => {
  await settle(D4);
  // Paid on D2, posted only now by a run ending D2 (its first run missed it): D2 goes stale, D2..D4 are rewritten.
  await writeSyntheticDay(db.dataSource, {
    partnerId,
    businessDate: D2,
    vouchers: 3,
    prefix: 'L',
    redeemed: false,
  });
  await settle(D2, { start: D1 });
  const byDay = await everyDay();
  expect(byDay[D1]).toEqual(serials('H', [1, 2, 3, 4, 6, 7, 8, 9]).sort());
  for (const day of [D2, D3, D4]) expect(byDay[day]).toEqual(expect.arrayContaining(['L1', 'L2', 'L3']));
  expect(byDay[D4]).toEqual(['H7', 'H8', 'H9', 'L1', 'L2', 'L3']);
  expect((await spans()).filter((span) => span.startsWith('L'))).toEqual(
    ['L1', 'L2', 'L3'].map((serial) => `${serial} ${D2}..`),
  );
});

it('clearings name their voucher; one written before they did is found through its line, to the same spans', async () => {
  const [named] = await query<{ named: number; lines: number }>(
    `SELECT count(*) FILTER (WHERE c.voucher_id = rl.voucher_id)::int AS named, count(*)::int AS lines
       FROM clearings c JOIN redemption_lines rl ON rl.id = c.redemption_line_id`,
  );
  expect(named!.lines).toBeGreaterThan(0);
  expect(named!.named).toBe(named!.lines);
  const before = await spans();
  await query(`UPDATE clearings SET voucher_id = NULL`);
  await query(`DELETE FROM trust_held_spans`);
  await query(`UPDATE balance_snapshot_days SET stale = true WHERE posted_on = $1`, [D1]);
  expect(await refreshSnapshots(db.dataSource)).toEqual([D1, D2, D3]);
  expect(await spans()).toEqual(before);
  await everyDay();
});

it('the register reads the spans, not the journal: without them it holds nothing', async () => {
  await query(`DELETE FROM trust_held_spans`);
  const { spans, journal } = await registers(D4);
  expect(spans).toEqual([]);
  expect(journal).toEqual(['H7', 'H8', 'H9', 'L1', 'L2', 'L3']);
});
