import { SAMPLE_FEE_SCHEDULE, SAMPLE_PARTNER, type TestDatabase } from '@tixclear/db';
import { FeeScheduleBook } from '@tixclear/fee-engine';
import { pointParty } from '../accounts';
import { clearAll, Clearing } from '../clearing/index';
import { copyRows } from '../copy-in';
import { postTrustMovements } from '../posting';
import { SettlementRunner } from '../settlement-runner';
import { writeSyntheticDay } from '../testing/synthetic-day';
import { closePeriod, listPeriods, postCorrection } from './periods';
import { sampleDatabase } from '../testing/sample-night';

const book = new FeeScheduleBook([SAMPLE_FEE_SCHEDULE]);
const accounts = new Map([
  [pointParty(SAMPLE_PARTNER.partnerUid, `store:${SAMPLE_PARTNER.partnerUid}`), 'payee-1'],
]);
/** 2026-12-05 10:00 in Taiwan: November has ended. */
const NOW = new Date('2026-12-05T02:00:00Z');

describe('periods that close', () => {
  let db: TestDatabase;
  let partnerId: string;
  const query = <T = unknown>(sql: string, params: unknown[] = []) => db.dataSource.query<T[]>(sql, params);

  /** Settles a day's clearing and posting, as the runner's first two steps do. */
  async function settle(date: string, state = 'completed'): Promise<string> {
    const [run] = await query<{ id: string }>(
      `INSERT INTO settlement_runs (period_start, period_end, state, summary) VALUES ($1, $1, 'clearing', '{}')
       RETURNING id`,
      [date],
    );
    await clearAll(new Clearing(db.dataSource, book, accounts), run!.id, date, { chunkSize: 100, lanes: 1 });
    await postTrustMovements(db.dataSource, run!.id, date);
    await query(`UPDATE settlement_runs SET state = $2 WHERE id = $1`, [run!.id, state]);
    return run!.id;
  }

  const balances = () =>
    query<{ account: string; ledger: string; party: string; balance: number }>(
      `SELECT l.account, COALESCE(l.ledger, '') AS ledger, COALESCE(l.party, '') AS party,
              sum(l.amount)::int AS balance
         FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
        WHERE e.business_date <= '2026-11-30' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    );

  beforeAll(async () => {
    ({ db, partnerId } = await sampleDatabase());
    await writeSyntheticDay(db.dataSource, {
      partnerId,
      businessDate: '2026-11-20',
      vouchers: 4,
      prefix: 'NOV',
    });
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('closes a month once every run of it has posted, recording who, when and the balances carried', async () => {
    const run = await settle('2026-11-20', 'posting');
    await expect(closePeriod(db.dataSource, '2026-11', { by: 'alice' }, NOW)).rejects.toMatchObject({
      code: 'PERIOD_RUN_OPEN',
    });
    await query(`UPDATE settlement_runs SET state = 'completed' WHERE id = $1`, [run]);
    await expect(closePeriod(db.dataSource, '2026-11', { by: ' ' }, NOW)).rejects.toMatchObject({
      code: 'PERIOD_NOTE_REQUIRED',
      field: 'by',
    });
    await expect(closePeriod(db.dataSource, '2026-12', { by: 'alice' }, NOW)).rejects.toMatchObject({
      code: 'PERIOD_NOT_ENDED',
    });
    await expect(closePeriod(db.dataSource, '2026-13', { by: 'alice' }, NOW)).rejects.toMatchObject({
      code: 'PERIOD_INVALID',
      field: 'period',
    });
    expect(await listPeriods(db.dataSource)).toEqual([]);

    const closed = await closePeriod(db.dataSource, '2026-11', { by: 'alice', note: 'November signed' }, NOW);
    expect(closed).toMatchObject({
      period: '2026-11',
      periodStart: '2026-11-01',
      periodEnd: '2026-11-30',
      closedBy: 'alice',
    });
    expect(await listPeriods(db.dataSource)).toEqual([
      expect.objectContaining({ period: '2026-11', closedBy: 'alice', note: 'November signed' }),
    ]);
    const carried = await query<{ account: string; ledger: string; party: string; balance: number }>(
      `SELECT account, ledger, party, balance::int AS balance FROM period_balances WHERE period = '2026-11'
        ORDER BY 1, 2, 3`,
    );
    expect(carried).toEqual(await balances());
    expect(carried.length).toBe(closed.balances);
    expect(carried.find((b) => b.account === 'trust_liability')?.balance).toBe(0);
    expect(carried.reduce((sum, b) => sum + b.balance, 0)).toBe(0);
    await expect(closePeriod(db.dataSource, '2026-11', { by: 'alice' }, NOW)).rejects.toMatchObject({
      code: 'PERIOD_ALREADY_CLOSED',
    });
  });

  it('refuses a run of a closed day with PERIOD_CLOSED, before it records or reads anything', async () => {
    const never = () => Promise.reject(new Error('a refused run reaches no step'));
    const runner = new SettlementRunner(db.dataSource, {
      feeBook: never,
      payoutAccounts: never,
      payouts: { build: never, advance: never },
      exports: { export: never },
    });
    await expect(runner.run('2026-11-25', '2026-11-25')).rejects.toMatchObject({ code: 'PERIOD_CLOSED' });
    await expect(runner.run('2026-11-30', '2026-12-01')).rejects.toMatchObject({ code: 'PERIOD_CLOSED' });
    expect(await query(`SELECT id FROM settlement_runs WHERE period_start >= '2026-11-25'`)).toEqual([]);
  });

  it('refuses in the database any entry dated in the closed month, by INSERT or COPY, and any change to its entries', async () => {
    const before = await balances();
    await expect(
      query(
        `INSERT INTO journal_entries (kind, reference, business_date, description)
         VALUES ('correction', 'x1', '2026-12-01', 'open'), ('correction', 'x2', '2026-11-30', 'closed')`,
      ),
    ).rejects.toThrow(/PERIOD_CLOSED/);
    await expect(
      db.dataSource.transaction((tx) =>
        copyRows(tx, 'journal_entries (kind, reference, business_date, description)', [
          'correction\tx3\t2026-11-29\tclosed\n',
        ]),
      ),
    ).rejects.toThrow(/PERIOD_CLOSED/);
    const [entry] = await query<{ id: string }>(
      `SELECT id FROM journal_entries WHERE kind = 'clearing' ORDER BY id LIMIT 1`,
    );
    await expect(
      query(`UPDATE journal_entries SET business_date = '2026-12-02' WHERE id = $1`, [entry!.id]),
    ).rejects.toThrow(/PERIOD_CLOSED/);
    await expect(query(`DELETE FROM journal_lines WHERE entry_id = $1`, [entry!.id])).rejects.toThrow(
      /PERIOD_CLOSED/,
    );
    await expect(
      query(`UPDATE journal_lines SET amount = 0 WHERE entry_id = $1`, [entry!.id]),
    ).rejects.toThrow(/PERIOD_CLOSED/);
    expect(await balances()).toEqual(before);
    expect(await query(`SELECT id FROM journal_entries WHERE reference IN ('x1', 'x2', 'x3')`)).toEqual([]);
  });

  it('posts a voucher of the closed month that clears later on the first open day', async () => {
    const before = await balances();
    // A late report: a voucher redeemed on 21 November, written after the close, cleared in December.
    await writeSyntheticDay(db.dataSource, {
      partnerId,
      businessDate: '2026-11-21',
      vouchers: 1,
      prefix: 'LATE',
    });
    const run = await settle('2026-12-01');
    const entries = await query<{ kind: string; business_date: string }>(
      `SELECT kind, business_date::text AS business_date FROM journal_entries WHERE run_id = $1 ORDER BY kind`,
      [run],
    );
    expect(entries).toEqual([
      { kind: 'clearing', business_date: '2026-12-01' },
      { kind: 'fee_kept', business_date: '2026-12-01' },
      { kind: 'purchase', business_date: '2026-12-01' },
    ]);
    const [clearing] = await query<{ business_date: string }>(
      `SELECT business_date::text AS business_date FROM clearings WHERE run_id = $1`,
      [run],
    );
    expect(clearing?.business_date).toBe('2026-11-21');
    expect(await balances()).toEqual(before);
  });

  it('posts a correction in the open period, naming the entry it corrects, once', async () => {
    const [corrected] = await query<{ id: string }>(
      `SELECT id FROM journal_entries WHERE kind = 'clearing' AND business_date = '2026-11-20' ORDER BY id LIMIT 1`,
    );
    const correction = await postCorrection(
      db.dataSource,
      { correctsEntryId: corrected!.id, by: 'bob', note: 'voucher cleared twice by hand' },
      NOW,
    );
    expect(correction).toMatchObject({ reference: `reversal:${corrected!.id}`, businessDate: '2026-12-05' });
    const [entry] = await query<{
      kind: string;
      corrects: string;
      description: string;
      run_id: string | null;
    }>(
      `SELECT kind, corrects_entry_id::text AS corrects, description, run_id FROM journal_entries WHERE id = $1`,
      [correction.entryId],
    );
    expect(entry).toEqual({
      kind: 'correction',
      corrects: corrected!.id,
      description: 'correction by bob: voucher cleared twice by hand',
      run_id: null,
    });
    const lines = (entryId: string) =>
      query<{ account: string; party: string | null; amount: number }>(
        `SELECT account, party, amount::int AS amount FROM journal_lines WHERE entry_id = $1 ORDER BY account, party`,
        [entryId],
      );
    expect(await lines(correction.entryId)).toEqual(
      (await lines(corrected!.id)).map((line) => ({ ...line, amount: -line.amount })),
    );
    await expect(
      postCorrection(db.dataSource, { correctsEntryId: corrected!.id, by: 'bob', note: 'again' }, NOW),
    ).rejects.toMatchObject({ code: 'CORRECTION_DUPLICATE' });
    await expect(
      postCorrection(db.dataSource, { correctsEntryId: '999999999', by: 'bob', note: 'none' }, NOW),
    ).rejects.toMatchObject({ code: 'CORRECTION_ENTRY_NOT_FOUND', field: 'correctsEntryId' });
    await expect(
      postCorrection(db.dataSource, { correctsEntryId: corrected!.id, by: 'bob', note: '' }, NOW),
    ).rejects.toMatchObject({ code: 'PERIOD_NOTE_REQUIRED', field: 'note' });
    await expect(
      postCorrection(
        db.dataSource,
        {
          correctsEntryId: corrected!.id,
          by: 'bob',
          note: 'unbalanced',
          reference: 'fix-1',
          lines: [{ account: 'trust_liability', amount: 5 }],
        },
        NOW,
      ),
    ).rejects.toMatchObject({ code: 'CORRECTION_UNBALANCED' });
    // Dated in the closed month (a clock behind), it still posts on the first open day.
    const late = await postCorrection(
      db.dataSource,
      {
        correctsEntryId: corrected!.id,
        by: 'bob',
        note: 'reclassified',
        reference: 'fix-2',
        lines: [
          { account: 'payable_sales', ledger: 'sales', party: 'x:store:1', amount: 5 },
          { account: 'paid_outside', amount: -5 },
        ],
      },
      new Date('2026-11-28T02:00:00Z'),
    );
    expect(late.businessDate).toBe('2026-12-01');
    const [trial] = await query<{ total: number }>(`SELECT sum(amount)::int AS total FROM journal_lines`);
    expect(trial?.total).toBe(0);
  });
});
