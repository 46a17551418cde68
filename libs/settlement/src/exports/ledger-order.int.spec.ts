import { createTestDatabase, type TestDatabase } from '@tixclear/db';
import { LedgerRows } from './ledgers';
import { gatherPeriodLines, LEDGER_LINES_SQL, streamRows } from './queries';
import { ledgerLine } from './tables';

const PARTY = 'B0000000001:store:S1';

/**
 * A store's sales ledger over two nights: each night's run clears vouchers, then pays what the store is owed.
 * The second night also clears a voucher redeemed (and held) the first day. Ordered by business date and serial,
 * the first night's payout (no serial) came before the earnings it paid: a running balance of +100, money the
 * store was never owed.
 */
describe('ledger rows in posting order', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    const run = async (date: string) =>
      (
        await db.dataSource.query<[{ id: string }]>(
          `INSERT INTO settlement_runs (period_start, period_end, state, summary)
           VALUES ($1, $1, 'completed', '{}') RETURNING id`,
          [date],
        )
      )[0].id;
    const post = async (
      runId: string,
      kind: string,
      reference: string,
      date: string,
      amount: number,
      serial: string | null,
    ) => {
      const [{ id }] = await db.dataSource.query<[{ id: string }]>(
        `INSERT INTO journal_entries (run_id, kind, reference, business_date, description)
         VALUES ($1, $2, $3, $4, $2) RETURNING id`,
        [runId, kind, reference, date],
      );
      await db.dataSource.query(
        `INSERT INTO journal_lines (entry_id, account, ledger, party, amount, serial_number, business_date)
         SELECT $1, account, ledger, party, amount, $4, (SELECT business_date FROM journal_entries WHERE id = $1)
           FROM (VALUES ('payable_sales', 'sales', $2, $3::bigint), ($5, NULL, NULL, $6::bigint)) AS l(account, ledger, party, amount)`,
        [id, PARTY, amount, serial, kind === 'clearing' ? 'trust_liability' : 'gateway_receivable', -amount],
      );
    };
    const night19 = await run('2026-11-19');
    const night20 = await run('2026-11-20');
    await post(night19, 'clearing', '0193a1c0-0000-7000-8000-000000000001', '2026-11-19', -100, 'S1');
    await post(night19, 'payout', 'PI19', '2026-11-19', 100, null);
    // Redeemed on the 19th, held, cleared by the run of the 20th: earned on the 20th.
    await post(night20, 'clearing', '0193a1c0-0000-7000-8000-000000000002', '2026-11-19', -50, 'S2');
    await post(night20, 'clearing', '0193a1c0-0000-7000-8000-000000000003', '2026-11-20', -30, 'S3');
    await post(night20, 'payout', 'PI20', '2026-11-20', 80, null);
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('lists a party by posting time then reference, so its running balance never shows money not owed', async () => {
    const rows = await db.dataSource.transaction('REPEATABLE READ', async (tx) => {
      await gatherPeriodLines(tx, '2026-11-19', '2026-11-20', []);
      const ledger = new LedgerRows([]);
      const out: unknown[][] = [];
      await streamRows(tx, LEDGER_LINES_SQL, ['sales'], (lines) => {
        out.push(...lines.flatMap((line) => ledger.add(ledgerLine(line))));
        return Promise.resolve();
      });
      return out.filter((row) => row[1] === 'entry');
    });
    // [posted_on, kind, reference, balance]: earnings first, then the payout that pays them, night by night.
    expect(rows.map((row) => [row[2], row[4], row[5], row[14]])).toEqual([
      ['2026-11-19', 'clearing', '0193a1c0-0000-7000-8000-000000000001', -100],
      ['2026-11-19', 'payout', 'PI19', 0],
      ['2026-11-20', 'clearing', '0193a1c0-0000-7000-8000-000000000002', -50],
      ['2026-11-20', 'clearing', '0193a1c0-0000-7000-8000-000000000003', -80],
      ['2026-11-20', 'payout', 'PI20', 0],
    ]);
    // What we owe a store is a credit (negative): a positive balance would be an overpayment.
    expect(rows.every((row) => (row[14] as number) <= 0)).toBe(true);
  });
});
