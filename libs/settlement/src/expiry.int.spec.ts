import { createTestDatabase, insertTestPurchase, type TestDatabase } from '@tixclear/db';
import { EXPIRY_KIND, postExpiries } from './expiry';
import { postTrustMovements } from './posting';

/*
 * Vouchers unused at the end of their trust period (docs/protocol.md §7), against a real PostgreSQL: expired
 * once their last trust day is over, each paid one booked once (the trust liability released to the issuing
 * merchant: off the gateway's receivable), gifts expired with nothing booked, the trust's balance equal to what
 * is still outstanding.
 */

let db: TestDatabase;
let partnerId: string;
let purchaseId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  ({ partnerId, purchaseId } = await insertTestPurchase(db.dataSource, 'EXPIRY1'));
  await db.dataSource.query(`UPDATE operations SET completed_at = '2025-06-01T04:00:00Z' WHERE id = $1`, [
    purchaseId,
  ]);
  // E1-E3 paid, trust through 2026-06-30; G1 a gift of the same; L1 trust through 2026-07-31; R1 redeemed.
  await db.dataSource.query(
    `INSERT INTO vouchers (partner_id, purchase_operation_id, item_id, item_name, serial_number, is_paid, price,
       cost, sharing_headquarters, sharing_sales, sharing_reimbursement, trust_start_date, trust_end_date,
       validity_end_date, sales_point, state)
     SELECT $1, $2, 'H01', 'v', s.serial, s.paid, 100, s.cost, 0.15, 0.1, 0.75, '2025-06-01', s.trust_end,
       '2026-03-31', 'S', s.state
       FROM (VALUES ('E1', true, 100, '2026-06-30'::date, 'issued'), ('E2', true, 80, '2026-06-30', 'issued'),
                    ('E3', true, 60, '2026-06-30', 'redeeming'), ('G1', false, 100, '2026-06-30', 'issued'),
                    ('L1', true, 70, '2026-07-31', 'issued'), ('R1', true, 90, '2026-06-30', 'redeemed'))
         AS s(serial, paid, cost, trust_end, state)`,
    [partnerId, purchaseId],
  );
});
afterAll(async () => {
  await db.drop();
});

const RUN = '00000000-0000-4000-8000-000000000001';

async function states(): Promise<Record<string, string>> {
  const rows = await db.dataSource.query<{ serial_number: string; state: string }[]>(
    'SELECT serial_number, state FROM vouchers WHERE partner_id = $1',
    [partnerId],
  );
  return Object.fromEntries(rows.map((r) => [r.serial_number, r.state]));
}

async function balance(account: string): Promise<number> {
  const [row] = await db.dataSource.query<[{ total: number }]>(
    `SELECT coalesce(sum(amount), 0)::int AS total FROM journal_lines WHERE account = $1`,
    [account],
  );
  return row.total;
}

/** What the expiries released: their credits to the gateway's receivable. */
async function released(): Promise<number> {
  const [row] = await db.dataSource.query<[{ total: number }]>(
    `SELECT coalesce(sum(l.amount), 0)::int AS total FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
      WHERE e.kind = $1 AND l.account = 'gateway_receivable'`,
    [EXPIRY_KIND],
  );
  return row.total;
}

describe('postExpiries', () => {
  it('expires nothing whose purchase is not posted to the trust yet', async () => {
    expect(await postExpiries(db.dataSource, RUN, '2026-07-01')).toBe(0);
    expect((await states()).E1).toBe('issued');
  });

  it('keeps a voucher through the last day of its trust period', async () => {
    await postTrustMovements(db.dataSource, RUN, '2026-06-30');
    expect(await postExpiries(db.dataSource, RUN, '2026-06-30')).toBe(0);
    expect((await states()).E1).toBe('issued');
  });

  it('expires the unused vouchers the day after, booking each paid one once, balanced', async () => {
    expect(await postExpiries(db.dataSource, RUN, '2026-07-01')).toBe(2);
    expect(await states()).toEqual({
      E1: 'expired',
      E2: 'expired',
      E3: 'redeeming',
      G1: 'expired',
      L1: 'issued',
      R1: 'redeemed',
    });
    const entries = await db.dataSource.query<{ reference: string; business_date: string; total: number }[]>(
      `SELECT e.reference, e.business_date::text AS business_date, sum(l.amount)::int AS total
         FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id
        WHERE e.kind = $1 GROUP BY e.id, e.business_date ORDER BY e.reference`,
      [EXPIRY_KIND],
    );
    expect(entries).toHaveLength(2);
    for (const entry of entries) expect(entry).toMatchObject({ business_date: '2026-07-01', total: 0 });
    const released = await db.dataSource.query<{ party: string; amount: number; serial_number: string }[]>(
      `SELECT l.party, l.amount::int AS amount, l.serial_number FROM journal_lines l
         JOIN journal_entries e ON e.id = l.entry_id
        WHERE e.kind = $1 AND l.account = 'gateway_receivable' ORDER BY l.serial_number`,
      [EXPIRY_KIND],
    );
    expect(released).toEqual([
      { party: 'merchant:EXPIRY1', amount: -100, serial_number: 'E1' },
      { party: 'merchant:EXPIRY1', amount: -80, serial_number: 'E2' },
    ]);
    // The trust still owes what is neither expired nor redeemed: E3 (in flight), L1 and R1 (its clearing is
    // not posted in this spec) — all the paid vouchers sold, less the two released.
    expect(await balance('trust_liability')).toBe(-(60 + 70 + 90));
  });

  it('is idempotent: a second run, or the same again, books nothing more', async () => {
    expect(await postExpiries(db.dataSource, RUN, '2026-07-01')).toBe(0);
    expect(await postExpiries(db.dataSource, '00000000-0000-4000-8000-000000000002', '2026-07-02')).toBe(0);
    expect(await released()).toBe(-180);
  });

  it('expires a voucher back to issued after its operation failed at the next run, in its period', async () => {
    await db.dataSource.query(`UPDATE vouchers SET state = 'issued' WHERE serial_number = 'E3'`);
    const [run] = await db.dataSource.query<[{ id: string }]>(
      `INSERT INTO settlement_runs (period_start, period_end, state, summary)
       VALUES ('2026-07-05', '2026-07-05', 'posting', '{}') RETURNING id`,
    );
    expect(await postExpiries(db.dataSource, run.id, '2026-07-05')).toBe(1);
    expect((await states()).E3).toBe('expired');
    // Booked in the run's period, not back in the one whose run has passed.
    const [entry] = await db.dataSource.query<[{ business_date: string }]>(
      `SELECT e.business_date::text AS business_date FROM journal_entries e JOIN vouchers v ON v.id::text = e.reference
        WHERE e.kind = $1 AND v.serial_number = 'E3'`,
      [EXPIRY_KIND],
    );
    expect(entry.business_date).toBe('2026-07-05');
    expect(await released()).toBe(-240);
    // The gateway holds what was paid (400) less what the trust released (240).
    expect(await balance('gateway_receivable')).toBe(400 - 240);
    const [trial] = await db.dataSource.query<[{ total: number }]>(
      `SELECT coalesce(sum(amount), 0)::int AS total FROM journal_lines`,
    );
    expect(trial.total).toBe(0);
  });

  it('expires the vouchers of a purchase of gifts only, which no trust posting ever names, booking nothing', async () => {
    // Such a purchase moves no money, so it never has a purchase entry: its gifts must not wait for one.
    const gifts = await insertTestPurchase(db.dataSource, 'EXPIRY2');
    await db.dataSource.query(
      `INSERT INTO vouchers (partner_id, purchase_operation_id, item_id, item_name, serial_number, is_paid, price,
         cost, sharing_headquarters, sharing_sales, sharing_reimbursement, trust_start_date, trust_end_date,
         validity_end_date, sales_point, state)
       VALUES ($1, $2, 'H01', 'v', 'G2', false, 0, 100, 0.15, 0.1, 0.75, '2025-06-01', '2026-06-30', '2026-03-31',
               'S', 'issued')`,
      [gifts.partnerId, gifts.purchaseId],
    );
    const [run] = await db.dataSource.query<[{ id: string }]>(
      `INSERT INTO settlement_runs (period_start, period_end, state, summary)
       VALUES ('2026-07-06', '2026-07-06', 'posting', '{}') RETURNING id`,
    );
    expect(await postTrustMovements(db.dataSource, run.id, '2026-07-06')).toBe(0); // no money, no entry
    expect(await postExpiries(db.dataSource, run.id, '2026-07-06')).toBe(0); // expired, nothing booked
    const [voucher] = await db.dataSource.query<[{ state: string }]>(
      `SELECT state FROM vouchers WHERE serial_number = 'G2'`,
    );
    expect(voucher.state).toBe('expired');
    expect(await released()).toBe(-240);
  });
});
