import { createTestDatabase, type TestDatabase } from '@tixclear/db';
import { twd } from '@tixclear/domain';
import type { EntityManager } from 'typeorm';
import { ledgerCopySql, ledgerSpec } from './ledgers';
import { gatherOpenings, gatherPeriodLines } from './queries';
import { copiedRows } from './testing/copy-rows';

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
    const rows = (await ledger(db, [], (tx) => gatherPeriodLines(tx, '2026-11-19', '2026-11-20', []))).filter(
      (row) => row[1] === 'entry',
    );
    // [posted_on, kind, reference, balance]: earnings first, then the payout that pays them, night by night.
    expect(rows.map((row) => [row[2], row[4], row[5], row[14]])).toEqual([
      ['2026-11-19', 'clearing', '0193a1c0-0000-7000-8000-000000000001', '-100'],
      ['2026-11-19', 'payout', 'PI19', '0'],
      ['2026-11-20', 'clearing', '0193a1c0-0000-7000-8000-000000000002', '-50'],
      ['2026-11-20', 'clearing', '0193a1c0-0000-7000-8000-000000000003', '-80'],
      ['2026-11-20', 'payout', 'PI20', '0'],
    ]);
    // What we owe a store is a credit (negative): a positive balance would be an overpayment.
    expect(rows.every((row) => Number(row[14]) <= 0)).toBe(true);
  });
});

/**
 * The sales ledger's COPY (ledgers.ts) in a transaction whose period lines `lines` gathers, from `openings`
 * (party, balance before the period); the total row carries the sums the export passes in (here: of the rows).
 */
async function ledger(
  db: TestDatabase,
  openings: Array<[string, number]>,
  lines: (tx: EntityManager) => Promise<unknown>,
  total = { debits: twd(0), credits: twd(0), closing: twd(0) },
): Promise<string[][]> {
  return db.dataSource.transaction('REPEATABLE READ', async (tx) => {
    await lines(tx);
    await gatherOpenings(
      tx,
      openings.map(([party, balance]) => ({ ledger: 'sales', party, balance: twd(balance) })),
    );
    return copiedRows(tx, ledgerCopySql('sales', total));
  });
}

describe('ledger rows by party', () => {
  let db: TestDatabase;
  const columns = ledgerSpec('sales').columns.map((column) => column.name);
  const pick = (row: readonly string[]) =>
    ['party', 'row', 'serial_number', 'debit', 'credit', 'balance'].map((name) => row[columns.indexOf(name)]);

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** The period's lines as gatherPeriodLines leaves them: only the columns the ledger reads matter here. */
  const lines =
    (...rows: Array<[party: string, amount: number, serial: string]>) =>
    async (tx: EntityManager): Promise<void> => {
      await tx.query(
        `CREATE TEMPORARY TABLE export_lines ON COMMIT DROP AS
         SELECT DATE '2026-11-20' AS posted_on, 1 AS step, DATE '2026-11-20' AS business_date, 'clearing' AS kind,
                'ref-' || l.serial AS reference, 'redeemed ' || l.serial AS description, '' AS corrects,
                'payable_sales' AS account, 'sales' AS ledger, l.party, l.serial AS serial_number, l.amount,
                '' AS account_code, '電影票' AS product, '2026-11-20' AS redemption_date,
                'store:S1' AS sales_point, 'store:S2' AS redemption_point
           FROM unnest($1::text[], $2::bigint[], $3::text[]) AS l(party, amount, serial)`,
        [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2])],
      );
    };

  it('gives each party an opening row, its entries with a running balance, a closing row; then a total', async () => {
    const rows = await ledger(
      db,
      [
        ['store:D', -4],
        ['store:B', -30],
        ['store:C', 0],
        ['store:0', -1],
      ],
      lines(['store:A', -20, 'SN1'], ['store:B', -10, 'SN2'], ['store:B', 30, '']),
      { debits: twd(30), credits: twd(30), closing: twd(-35) },
    );
    expect(rows.every((row) => row.length === columns.length)).toBe(true);
    expect(rows.map(pick)).toEqual([
      // A party with a balance and no entry keeps its two rows, in its place; a zero balance alone is left out.
      ['store:0', 'opening', '', '', '', '-1'],
      ['store:0', 'closing', '', '0', '0', '-1'],
      ['store:A', 'opening', '', '', '', '0'],
      ['store:A', 'entry', 'SN1', '0', '20', '-20'],
      ['store:A', 'closing', '', '0', '20', '-20'],
      ['store:B', 'opening', '', '', '', '-30'],
      // The entry without a serial sorts first by its reference (`ref-`), as the journal's order has it.
      ['store:B', 'entry', '', '30', '0', '0'],
      ['store:B', 'entry', 'SN2', '0', '10', '-10'],
      ['store:B', 'closing', '', '30', '10', '-10'],
      ['store:D', 'opening', '', '', '', '-4'],
      ['store:D', 'closing', '', '0', '0', '-4'],
      ['', 'total', '', '30', '30', '-35'],
    ]);
  });

  it('writes only the total row for an empty ledger', async () => {
    expect((await ledger(db, [], lines())).map(pick)).toEqual([['', 'total', '', '0', '0', '0']]);
  });

  it('orders parties by bytes, as PostgreSQL COLLATE "C" does', async () => {
    const rows = await ledger(db, [['store:中', -1]], lines(['store:b', -1, 'S'], ['store:B', -1, 'S']));
    expect(rows.filter((row) => row[1] === 'opening').map((row) => row[0])).toEqual([
      'store:B',
      'store:b',
      'store:中',
    ]);
  });
});
