import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@tixclear/db';
import { ACCOUNTS } from '../accounts';
import { gatherPeriodLines, JOURNAL_COPY_SQL } from '../exports/queries';
import { JOURNAL } from '../exports/tables';
import { copiedRows } from '../exports/testing/copy-rows';
import { CHART_ENV, DEFAULT_CHART_PATH, loadChartOfAccounts } from './chart';

const scratch = mkdtempSync(path.join(tmpdir(), 'chart-'));
const sample = loadChartOfAccounts(DEFAULT_CHART_PATH);

/** A chart file with the sample's accounts, changed by `edit`. */
function chartFile(edit: (chart: { operator: string; accounts: Record<string, unknown> }) => void): string {
  const chart = {
    operator: sample.operator,
    accounts: Object.fromEntries([...sample.accounts].map(([account, entry]) => [account, { ...entry }])),
  };
  edit(chart);
  const file = path.join(scratch, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(chart));
  return file;
}

describe('the chart of accounts', () => {
  it("maps every account the engine posts to, in the repository's sample", () => {
    expect([...sample.accounts.keys()]).toEqual(ACCOUNTS);
    expect(new Set(sample.codes.map(([, code]) => code)).size).toBe(ACCOUNTS.length);
  });

  it('is read from the file the environment names, else the sample', () => {
    const file = chartFile((chart) => {
      chart.operator = 'another operator';
    });
    const before = process.env[CHART_ENV];
    process.env[CHART_ENV] = file;
    try {
      expect(loadChartOfAccounts()).toMatchObject({ operator: 'another operator', source: file });
    } finally {
      if (before === undefined) delete process.env[CHART_ENV];
      else process.env[CHART_ENV] = before;
    }
  });

  it.each([
    [
      'an account left out',
      (chart: { accounts: Record<string, unknown> }) => delete chart.accounts.fee_escrow,
      'accounts.fee_escrow: missing',
    ],
    [
      'an account the engine does not have',
      (chart: { accounts: Record<string, unknown> }) => (chart.accounts.fee_escrw = { code: '9', name: 'x' }),
      'accounts.fee_escrw: not an account of the engine',
    ],
    [
      'a code used twice',
      (chart: { accounts: Record<string, unknown> }) =>
        (chart.accounts.fee_gateway = { code: sample.accounts.get('fee_escrow')!.code, name: 'x' }),
      "is fee_escrow's code too",
    ],
    [
      'an empty code',
      (chart: { accounts: Record<string, unknown> }) =>
        (chart.accounts.paid_outside = { code: ' ', name: 'x' }),
      'accounts.paid_outside.code',
    ],
    [
      'a field it does not know',
      (chart: { accounts: Record<string, unknown> }) =>
        (chart.accounts.paid_outside = { code: '1', name: 'x', kode: '1' }),
      'accounts.paid_outside',
    ],
  ])('refuses %s with CHART_INVALID naming the file and the problem', (_what, edit, problem) => {
    const file = chartFile(edit);
    let error: unknown;
    try {
      loadChartOfAccounts(file);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toMatchObject({ code: 'CHART_INVALID' });
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toContain(problem);
  });

  it('refuses a file that is not JSON, or not there', () => {
    const file = path.join(scratch, 'broken.json');
    writeFileSync(file, '{ "operator": ');
    expect(() => loadChartOfAccounts(file)).toThrow(/chart of accounts .*broken\.json/);
    expect(() => loadChartOfAccounts(path.join(scratch, 'none.json'))).toThrow(/none\.json/);
  });

  describe('in the journal export', () => {
    let db: TestDatabase;

    beforeAll(async () => {
      db = await createTestDatabase();
    });

    afterAll(async () => {
      await db?.drop();
    });

    it("carries each line's code in the operator's chart", async () => {
      const [{ id }] = await db.dataSource.query<[{ id: string }]>(
        `INSERT INTO journal_entries (kind, reference, business_date, description)
         VALUES ('correction', 'c1', '2026-11-20', 'fix') RETURNING id`,
      );
      await db.dataSource.query(
        `INSERT INTO journal_lines (entry_id, account, ledger, party, amount, business_date)
         VALUES ($1, 'trust_liability', NULL, NULL, 9, '2026-11-20'), ($1, 'gateway_receivable', NULL, 'merchant:M', -9, '2026-11-20')`,
        [id],
      );
      const rows = await db.dataSource.transaction('REPEATABLE READ', async (tx) => {
        await gatherPeriodLines(tx, '2026-11-20', '2026-11-20', sample.codes);
        return copiedRows(tx, JOURNAL_COPY_SQL);
      });
      const column = JOURNAL.columns.findIndex((c) => c.name === 'account_code');
      const accountColumn = JOURNAL.columns.findIndex((c) => c.name === 'account');
      expect(column).toBe(accountColumn + 1);
      expect(rows.map((row) => [row[accountColumn], row[column]])).toEqual([
        ['gateway_receivable', sample.accounts.get('gateway_receivable')!.code],
        ['trust_liability', sample.accounts.get('trust_liability')!.code],
      ]);
    });
  });
});
