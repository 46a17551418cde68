import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createTestDatabase,
  ensureSamplePartner,
  migrations,
  PartnerRegistry,
  SAMPLE_FEE_SCHEDULE,
  SAMPLE_PARTNER,
  type TestDatabase,
} from '@tixclear/db';
import { FeeScheduleBook } from '@tixclear/fee-engine';
import { clearAll, Clearing, pointParty, postTrustMovements, writeSyntheticDay } from '@tixclear/settlement';
import { daySeries, dayTotals } from './day-totals';

/*
 * `day_totals` (migration DayTotals) against its sources: whatever writes clearings, redemption lines and
 * purchase/refund entries — concurrent clearing lanes, a rolled-back write, a delete — the day's figures are the
 * sums of those rows, read without touching them.
 */

const book = new FeeScheduleBook([SAMPLE_FEE_SCHEDULE]);
const payees = new Map([
  [pointParty(SAMPLE_PARTNER.partnerUid, `store:${SAMPLE_PARTNER.partnerUid}`), 'payee-1'],
]);

describe('day totals', () => {
  let db: TestDatabase;
  let partnerId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const registry = new PartnerRegistry(db.dataSource, randomBytes(32));
    await ensureSamplePartner(registry);
    partnerId = (await registry.findByUid(SAMPLE_PARTNER.partnerUid))!.id;
  }, 60_000);
  afterAll(() => db?.drop());

  async function run(date: string): Promise<string> {
    const [row] = await db.dataSource.query<[{ id: string }]>(
      `INSERT INTO settlement_runs (period_start, period_end, state, summary) VALUES ($1, $1, 'clearing', '{}') RETURNING id`,
      [date],
    );
    return row.id;
  }

  /** The day's figures as the source rows sum them (what the aggregate must equal). */
  async function fromSources(date: string) {
    const [c] = await db.dataSource.query<Record<string, string>[]>(
      `SELECT count(*)::text AS cleared, coalesce(sum(cost), 0)::text AS gross,
              coalesce(sum(escrow_fee), 0)::text AS escrow, coalesce(sum(gateway_fee), 0)::text AS gateway,
              coalesce(sum(issuance_fee), 0)::text AS issuance, coalesce(sum(headquarters), 0)::text AS hq,
              coalesce(sum(sales), 0)::text AS sales, coalesce(sum(reimbursement), 0)::text AS reimbursement
         FROM clearings WHERE business_date = $1`,
      [date],
    );
    const [r] = await db.dataSource.query<Record<string, string>[]>(
      `SELECT count(*) FILTER (WHERE o.command <> 'voucheroffline')::text AS online,
              count(*) FILTER (WHERE o.command = 'voucheroffline')::text AS offline
         FROM redemption_lines l JOIN operations o ON o.id = l.operation_id WHERE l.business_date = $1`,
      [date],
    );
    const [m] = await db.dataSource.query<Record<string, string>[]>(
      `SELECT (SELECT count(*) FROM journal_entries e JOIN vouchers v ON v.purchase_operation_id = e.reference::uuid
                WHERE e.kind = 'purchase' AND e.business_date = $1)::text AS sold,
              (SELECT count(*) FROM journal_entries e JOIN vouchers v ON v.holder_operation_id = e.reference::uuid
                WHERE e.kind IN ('refund', 'payment_refund') AND v.state = 'refunded' AND e.business_date = $1)::text
                AS refunded`,
      [date],
    );
    return {
      date,
      vouchers_sold: m!.sold,
      redeemed_online: r!.online,
      redeemed_offline: r!.offline,
      vouchers_refunded: m!.refunded,
      vouchers_cleared: c!.cleared,
      gross: c!.gross,
      fees: { escrow: c!.escrow, gateway: c!.gateway, issuance: c!.issuance },
      shares: { headquarters: c!.hq, sales: c!.sales, reimbursement: c!.reimbursement },
    };
  }

  it('equals its sources after concurrent clearing lanes of one day, and counts sales and refunds as posted', async () => {
    const day = '2026-10-01';
    // Two synthetic days' worth of lines on one date (gifts among them), cleared by three lanes at once.
    await writeSyntheticDay(db.dataSource, {
      partnerId,
      businessDate: day,
      vouchers: 120,
      giftEvery: 7,
      prefix: 'DTA',
    });
    await writeSyntheticDay(db.dataSource, { partnerId, businessDate: day, vouchers: 80, prefix: 'DTB' });
    // An offline redemption (an operation of its own): its line counts offline.
    const [offline] = await db.dataSource.query<[{ id: string }]>(
      `INSERT INTO operations (partner_id, order_id, upstream_order_id, kind, command, request_hash, request, state,
                               gateway_code, completed_at)
       VALUES ($1, 'DTOFF', 'DTOFFU', 'redemption', 'voucheroffline', 'x', '{}'::jsonb, 'succeeded', '250', now())
       RETURNING id`,
      [partnerId],
    );
    await db.dataSource.query(
      `INSERT INTO redemption_lines (operation_id, partner_id, voucher_id, serial_number, item_id, is_paid, cost,
                                     sales_point, redemption_point, redeemed_at, business_date)
       VALUES ($1, $2, NULL, 'DTOFF1', 'H01', true, 50, 'S', 'store:' || $4, now(), $3)`,
      [offline.id, partnerId, day, SAMPLE_PARTNER.partnerUid],
    );
    const runId = await run(day);
    const cleared = await clearAll(new Clearing(db.dataSource, book, payees), runId, day, {
      chunkSize: 9,
      lanes: 3,
    });
    expect(cleared.cleared).toBeGreaterThan(150);
    // The purchases' entries (sold), and a refund of 3 vouchers of the first purchase.
    const [refund] = await db.dataSource.query<[{ id: string }]>(
      `INSERT INTO operations (partner_id, order_id, upstream_order_id, kind, command, request_hash, request, state,
                               gateway_code, completed_at)
       VALUES ($1, 'DTREF', 'DTREFU', 'refund', 'voucherrefund', 'x', '{}'::jsonb, 'succeeded', '230',
               ($2::date + time '15:00') AT TIME ZONE 'Asia/Taipei') RETURNING id`,
      [partnerId, day],
    );
    await db.dataSource.query(
      `UPDATE vouchers SET state = 'refunded', holder_operation_id = $1
        WHERE serial_number IN ('DTA2', 'DTA3', 'DTA4')`,
      [refund.id],
    );
    await postTrustMovements(db.dataSource, runId, day);

    const totals = await dayTotals(db.dataSource, day);
    expect(totals).toEqual(await fromSources(day));
    expect(totals).toMatchObject({
      vouchers_sold: '200',
      redeemed_online: '200',
      redeemed_offline: '1',
      vouchers_refunded: '3',
    });
    const series = await daySeries(db.dataSource, day);
    expect(series).toHaveLength(90);
    expect(series.at(-1)).toEqual({
      date: day,
      gross: totals.gross,
      vouchers_cleared: totals.vouchers_cleared,
    });
  }, 60_000);

  it('keeps nothing of a write that rolls back, and follows an update and a delete of its source', async () => {
    const day = '2026-10-02';
    await writeSyntheticDay(db.dataSource, { partnerId, businessDate: day, vouchers: 10, prefix: 'DTC' });
    await clearAll(new Clearing(db.dataSource, book, payees), await run(day), day, { chunkSize: 4 });
    const before = await dayTotals(db.dataSource, day);
    expect(before.vouchers_cleared).toBe('10');
    // A line learnt twice (ON CONFLICT DO NOTHING) counts once.
    await db.dataSource.query(
      `INSERT INTO redemption_lines (operation_id, partner_id, voucher_id, serial_number, item_id, is_paid, cost,
                                     sales_point, redemption_point, redeemed_at, business_date)
       SELECT operation_id, partner_id, voucher_id, serial_number, item_id, is_paid, cost, sales_point,
              redemption_point, redeemed_at, business_date
         FROM redemption_lines WHERE business_date = $1
       ON CONFLICT DO NOTHING`,
      [day],
    );
    expect(await dayTotals(db.dataSource, day)).toEqual(before);

    await expect(
      db.dataSource.transaction(async (tx) => {
        await tx.query(`UPDATE clearings SET business_date = '2026-10-03' WHERE business_date = $1`, [day]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await dayTotals(db.dataSource, day)).toEqual(before);

    // An update moves a clearing's figures between days; a delete takes them away.
    await db.dataSource.query(
      `UPDATE clearings SET business_date = '2026-10-03' WHERE serial_number = 'DTC1' AND business_date = $1`,
      [day],
    );
    expect(await dayTotals(db.dataSource, day)).toEqual(await fromSources(day));
    expect((await dayTotals(db.dataSource, '2026-10-03')).vouchers_cleared).toBe('1');
    await db.dataSource.query(`DELETE FROM clearings WHERE serial_number = 'DTC2'`);
    expect(await dayTotals(db.dataSource, day)).toEqual(await fromSources(day));
    expect((await dayTotals(db.dataSource, day)).vouchers_cleared).toBe('8');
  }, 60_000);

  it('keeps a day in at most 8 rows, whatever the writers', async () => {
    const [{ n }] = await db.dataSource.query<[{ n: number }]>(
      `SELECT max(c)::int AS n FROM (SELECT count(*) AS c FROM day_totals GROUP BY business_date) d`,
    );
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThanOrEqual(8);
  });

  it('sums what exists when the migration runs (down, then up again): the same figures', async () => {
    const days = ['2026-10-01', '2026-10-02', '2026-10-03'];
    const before = await Promise.all(days.map((d) => dayTotals(db.dataSource, d)));
    const DayTotals = migrations.find((m) => m.name === 'DayTotals1795340000540')!;
    const runner = db.dataSource.createQueryRunner();
    try {
      await new DayTotals().down(runner);
      await new DayTotals().up(runner);
    } finally {
      await runner.release();
    }
    expect(await Promise.all(days.map((d) => dayTotals(db.dataSource, d)))).toEqual(before);
    expect(before[0]!.vouchers_sold).toBe('200');
  });
});
