import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { createTestDatabase, insertTestPurchase, type TestDatabase } from '@tixclear/db';
import { UTF8_BOM } from './csv';
import { ExportErrorCode } from './errors';
import { ExportWriter, type ExportResult } from './export-writer';
import { MANIFEST_FORMAT, type Manifest } from './manifest';
import { parseCsv, readXlsx } from './testing/read-back';

type Line = [
  account: string,
  ledger: string | null,
  party: string | null,
  amount: number,
  serial: string | null,
];

const PRODUCT_QUOTED = '電影票 "豪華", 雙人';
const PRODUCT_NEWLINE = '套票\n第二行';
const CSV_NAMES = [
  'exceptions.csv',
  'journal.csv',
  'ledger-headquarters.csv',
  'ledger-reimbursement.csv',
  'ledger-sales.csv',
  'payments.csv',
  'payouts.csv',
  'register-redemptions.csv',
  'register-refunds.csv',
  'register-sales.csv',
  'register-trust.csv',
  'statements.csv',
  'trial-balance.csv',
];
/** Every file the manifest lists, in its order (by name). */
const DATA_FILES = [...CSV_NAMES, 'settlement.xlsx'].sort();

describe('ExportWriter', () => {
  let db: TestDatabase;
  let root: string;
  let run19: string;
  let run20: string;
  let owner: { partnerId: string; purchaseId: string };

  const query = async <T>(sql: string, params: unknown[]): Promise<T[]> =>
    db.dataSource.query<T[]>(sql, params);

  async function openRun(date: string): Promise<string> {
    const [run] = await query<{ id: string }>(
      `INSERT INTO settlement_runs (period_start, period_end, state, summary)
       VALUES ($1, $1, 'exporting', '{}') RETURNING id`,
      [date],
    );
    return run!.id;
  }

  async function post(
    runId: string | null,
    kind: string,
    reference: string,
    businessDate: string,
    lines: Line[],
    corrects?: string,
  ): Promise<string> {
    const [entry] = await query<{ id: string }>(
      `INSERT INTO journal_entries (run_id, kind, reference, business_date, description, corrects_entry_id)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [runId, kind, reference, businessDate, `${kind} ${reference}`, corrects ?? null],
    );
    for (const [account, ledger, party, amount, serial] of lines) {
      await query(
        `INSERT INTO journal_lines (entry_id, account, ledger, party, amount, serial_number, business_date)
         VALUES ($1, $2, $3, $4, $5, $6, (SELECT business_date FROM journal_entries WHERE id = $1))`,
        [entry!.id, account, ledger, party, amount, serial],
      );
    }
    return entry!.id;
  }

  /** A redeemed voucher (its line and voucher rows, for held lines' products) and, if cleared, its clearing. */
  async function voucher(
    serial: string,
    product: string,
    businessDate: string,
    cost: number,
    redemptionPoint: string,
  ): Promise<string> {
    const voucherId = randomUUID();
    await query(
      `INSERT INTO vouchers (id, partner_id, purchase_operation_id, item_id, item_name, serial_number, is_paid, price, cost,
                             sharing_headquarters, sharing_sales, sharing_reimbursement, trust_end_date,
                             validity_end_date, sales_point, state)
       VALUES ($1, $5, $6, 'ITEM', $2, $3, true, $4, $4, 0.1, 0.2, 0.7,
               '2027-12-31', '2027-12-31', 'S1', 'redeemed')`,
      [voucherId, product, serial, cost, owner.partnerId, owner.purchaseId],
    );
    const [line] = await query<{ id: string }>(
      `INSERT INTO redemption_lines (operation_id, partner_id, voucher_id, serial_number, item_id, is_paid, cost,
                                     sales_point, redemption_point, redeemed_at, business_date)
       VALUES (gen_random_uuid(), gen_random_uuid(), $1, $2, 'ITEM', true, $3, 'store:S1', $4, $5::date, $5::date)
       RETURNING id`,
      [voucherId, serial, cost, redemptionPoint, businessDate],
    );
    return line!.id;
  }

  /** Clears a voucher worth `cost` (fees 2% escrow, 1% gateway, 1 issuance; 10/20/rest split) and posts it. */
  async function clear(
    runId: string,
    lineId: string,
    serial: string,
    product: string,
    date: string,
    cost: number,
  ) {
    const [escrow, gateway, issuance] = [cost * 0.02, cost * 0.01, 1];
    const [hq, sales] = [cost * 0.1, cost * 0.2];
    const reimbursement = cost - escrow - gateway - issuance - hq - sales;
    const reimbursementParty = serial === 'SN1' ? 'dealer:7' : 'store:S2';
    await query(
      `INSERT INTO clearings (redemption_line_id, run_id, partner_id, serial_number, product, business_date, is_paid, cost,
                              escrow_fee, gateway_fee, issuance_fee, issuance_layer, headquarters, sales, reimbursement,
                              headquarters_party, sales_party, reimbursement_party)
       VALUES ($1, $2, gen_random_uuid(), $3, $4, $5, true, $6, $7, $8, $9, 2, $10, $11, $12, 'hq:P1', 'store:S1', $13)`,
      [
        lineId,
        runId,
        serial,
        product,
        date,
        cost,
        escrow,
        gateway,
        issuance,
        hq,
        sales,
        reimbursement,
        reimbursementParty,
      ],
    );
    const entry = await post(runId, 'clearing', lineId, date, [
      ['trust_liability', null, null, cost, serial],
      ['fee_escrow', null, null, -escrow, serial],
      ['fee_gateway', null, null, -gateway, serial],
      ['fee_issuance_l2', null, null, -issuance, serial],
      ['payable_headquarters', 'headquarters', 'hq:P1', -hq, serial],
      ['payable_sales', 'sales', 'store:S1', -sales, serial],
      ['payable_reimbursement', 'reimbursement', reimbursementParty, -reimbursement, serial],
    ]);
    // As the clearing step writes them: its lines' sums by group, which the balance snapshots read.
    await query(
      `INSERT INTO clearing_group_sums (run_id, account, ledger, party, debits, credits)
       SELECT $1, account, COALESCE(ledger, ''), COALESCE(party, ''), GREATEST(amount, 0), GREATEST(-amount, 0)
         FROM journal_lines WHERE entry_id = $2`,
      [runId, entry],
    );
    return entry;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    owner = await insertTestPurchase(db.dataSource, 'EXPORTS1');
    root = await mkdtemp(path.join(tmpdir(), 'tixclear-exports-'));
    run19 = await openRun('2026-11-19');
    run20 = await openRun('2026-11-20');

    // The 19th: one voucher cleared, one held (cleared late by the run of the 20th), a purchase.
    const line0 = await voucher('SN0', '一般票', '2026-11-19', 100, 'store:S2');
    await clear(run19, line0, 'SN0', '一般票', '2026-11-19', 100);
    await post(run19, 'purchase', 'V0', '2026-11-18', [
      ['trust_liability', null, null, -300, 'SN0'],
      ['gateway_receivable', null, null, 300, 'SN0'],
    ]);
    const line2 = await voucher('SN2', PRODUCT_NEWLINE, '2026-11-19', 100, 'store:S2');
    await query(
      `INSERT INTO settlement_holds (run_id, redemption_line_id, serial_number, reason) VALUES ($1, $2, $3, $4)`,
      [run19, line2, 'SN2', 'fee split differs from the one at redemption'],
    );

    // The 20th: a voucher with a quoted, comma'd Chinese name; the late one; a refund, a pay-off, a correction.
    const line1 = await voucher('SN1', PRODUCT_QUOTED, '2026-11-20', 200, 'dealer:7');
    const entry1 = await clear(run20, line1, 'SN1', PRODUCT_QUOTED, '2026-11-20', 200);
    await clear(run20, line2, 'SN2', PRODUCT_NEWLINE, '2026-11-19', 100);
    await post(run20, 'refund', 'V9', '2026-11-20', [
      ['trust_liability', null, null, 50, 'SN9'],
      ['gateway_receivable', null, null, -50, 'SN9'],
    ]);
    await post(run20, 'payout', 'I-1', '2026-11-20', [
      ['payable_reimbursement', 'reimbursement', 'store:S2', 66, null],
      ['gateway_receivable', null, null, -66, null],
    ]);
    await post(
      null,
      'correction',
      'C-1',
      '2026-11-20',
      [
        ['payable_sales', 'sales', 'store:S1', 1, 'SN1'],
        ['fee_escrow', null, null, -1, 'SN1'],
      ],
      entry1,
    );
    const line3 = await voucher('SN3', '禮券', '2026-11-20', 500, 'store:S3');
    await query(
      `INSERT INTO settlement_holds (run_id, redemption_line_id, serial_number, reason) VALUES ($1, $2, $3, $4)`,
      [run20, line3, 'SN3', 'no payout account for store:S3'],
    );
    const [batch] = await query<{ id: string }>(
      `INSERT INTO payout_batches (run_id, paying_merchant, group_id, state, gateway_code)
       VALUES ($1, 'M1', 'G-20-M1', 'partly_remitted', 'S05') RETURNING id`,
      [run20],
    );
    await query(
      `INSERT INTO payout_items (batch_id, item_id, party, payee_account, amount, state, gateway_code, gateway_message)
       VALUES ($1, 'I-1', 'store:S2', 'payee-2', 66, 'remitted', 'C1001', NULL),
              ($1, 'I-2', 'store:S1', 'payee-1', 40, 'exception', 'C2001', '帳號錯誤, 請確認')`,
      [batch!.id],
    );
  });

  afterAll(async () => {
    await db.drop();
    await rm(root, { recursive: true, force: true });
  });

  async function csv(result: ExportResult, name: string): Promise<string[][]> {
    const data = await readFile(path.join(result.directory, name));
    expect(data.subarray(0, 3).equals(UTF8_BOM)).toBe(true);
    return parseCsv(data.subarray(3).toString('utf8'));
  }

  /** Rows as objects by header, money as numbers (columns listed). */
  async function records(result: ExportResult, name: string): Promise<Array<Record<string, string>>> {
    const [header = [], ...rows] = await csv(result, name);
    return rows.map((row) => Object.fromEntries(header.map((column, i) => [column, row[i] ?? ''])));
  }

  it('writes every file of a run into its period directory, listed in the manifest with its SHA-256', async () => {
    const result = await new ExportWriter(db.dataSource, root).export(run20);
    expect(result.directory).toBe(path.join(root, '2026-11-20'));
    expect((await readdir(result.directory)).sort()).toEqual([...DATA_FILES, 'manifest.json'].sort());

    const manifest = JSON.parse(
      await readFile(path.join(result.directory, 'manifest.json'), 'utf8'),
    ) as Manifest;
    expect(manifest.format).toBe(MANIFEST_FORMAT);
    expect(manifest.period).toEqual({ start: '2026-11-20', end: '2026-11-20' });
    expect(manifest.files.map((file) => file.name)).toEqual(DATA_FILES);
    for (const file of manifest.files) {
      const data = await readFile(path.join(result.directory, file.name));
      expect(file).toEqual({
        name: file.name,
        sha256: createHash('sha256').update(data).digest('hex'),
        bytes: data.length,
      });
    }
    expect(result.files.map((file) => file.name)).toEqual([...DATA_FILES, 'manifest.json']);
    expect(result.files.slice(0, -1)).toEqual(manifest.files);
  });

  it('regenerates byte-identical files, by run or by range, into any directory', async () => {
    const first = await new ExportWriter(db.dataSource, root).export(run20);
    const otherRoot = await mkdtemp(path.join(tmpdir(), 'tixclear-exports-'));
    try {
      const second = await new ExportWriter(db.dataSource, otherRoot).exportRange('2026-11-20', '2026-11-20');
      expect(second.files).toEqual(first.files);
      for (const { name } of first.files) {
        const a = await readFile(path.join(first.directory, name));
        const b = await readFile(path.join(second.directory, name));
        expect(a.equals(b)).toBe(true);
      }
    } finally {
      await rm(otherRoot, { recursive: true, force: true });
    }
  });

  it("keeps Chinese names, quotes, commas and newlines intact (UTF-8 with BOM, COPY's CSV quoting)", async () => {
    const result = await new ExportWriter(db.dataSource, root).export(run20);
    const raw = await readFile(path.join(result.directory, 'ledger-sales.csv'), 'utf8');
    expect(raw).toContain('"電影票 ""豪華"", 雙人"');
    expect(raw).toContain('"套票\n第二行"');
    const products = (await records(result, 'ledger-sales.csv')).map((row) => row.product);
    expect(products).toEqual(expect.arrayContaining([PRODUCT_QUOTED, PRODUCT_NEWLINE]));
    const exceptions = await records(result, 'exceptions.csv');
    expect(exceptions.find((row) => row.kind === 'payout_exception')?.reason).toBe('帳號錯誤, 請確認');
  });

  it('writes ledgers per party whose opening, entries and closing reconcile', async () => {
    const writer = new ExportWriter(db.dataSource, root);
    const day19 = await writer.exportRange('2026-11-19', '2026-11-19');
    const day20 = await writer.export(run20);
    const reimbursement = await records(day20, 'ledger-reimbursement.csv');
    expect(
      reimbursement.map((row) => [row.party, row.row, row.serial_number, row.debit, row.credit, row.balance]),
    ).toEqual([
      ['dealer:7', 'opening', '', '', '', '0'],
      ['dealer:7', 'entry', 'SN1', '0', '133', '-133'],
      ['dealer:7', 'closing', '', '0', '133', '-133'],
      ['store:S2', 'opening', '', '', '', '-66'],
      // The late clearing (redeemed the 19th, cleared by the run of the 20th) comes first, by business date.
      ['store:S2', 'entry', 'SN2', '0', '66', '-132'],
      ['store:S2', 'entry', '', '66', '0', '-66'],
      ['store:S2', 'closing', '', '66', '66', '-66'],
      ['', 'total', '', '66', '199', '-199'],
    ]);
    const late = reimbursement.find((row) => row.serial_number === 'SN2');
    expect(late).toMatchObject({
      posted_on: '2026-11-20',
      business_date: '2026-11-19',
      redemption_date: '2026-11-19',
      product: PRODUCT_NEWLINE,
      redemption_point: 'store:S2',
      kind: 'clearing',
    });

    // Each party: closing = opening + its entries; running balance = previous + debit − credit.
    for (const file of ['ledger-headquarters.csv', 'ledger-sales.csv', 'ledger-reimbursement.csv']) {
      let balance = 0;
      for (const row of await records(day20, file)) {
        if (row.row === 'opening') balance = Number(row.balance);
        if (row.row === 'entry') balance += Number(row.debit) - Number(row.credit);
        if (row.row !== 'total') expect(Number(row.balance)).toBe(balance);
      }
    }

    // The period's opening is the previous period's closing: the late clearing did not rewrite the 19th.
    const closing19 = (await records(day19, 'ledger-reimbursement.csv')).find(
      (row) => row.party === 'store:S2' && row.row === 'closing',
    );
    expect(closing19?.balance).toBe('-66');

    // The correction names the clearing it corrects and finds its product.
    const sales = await records(day20, 'ledger-sales.csv');
    expect(sales.find((row) => row.kind === 'correction')).toMatchObject({
      product: PRODUCT_QUOTED,
      debit: '1',
    });
    const cleared = sales.find((row) => row.kind === 'clearing' && row.serial_number === 'SN1');
    const corrections = (await records(day20, 'journal.csv')).filter((row) => row.kind === 'correction');
    expect(corrections.map((row) => row.corrects)).toEqual([
      `clearing:${String(cleared?.reference)}`,
      `clearing:${String(cleared?.reference)}`,
    ]);
  });

  it('writes a trial balance whose totals are zero and agree with the ledgers', async () => {
    const result = await new ExportWriter(db.dataSource, root).export(run20);
    const trial = await records(result, 'trial-balance.csv');
    const total = trial.at(-1);
    expect(total).toMatchObject({ account: 'TOTAL', opening: '0', closing: '0' });
    expect(total?.debits).toBe(total?.credits);
    for (const ledger of ['headquarters', 'sales', 'reimbursement']) {
      const ledgerTotal = (await records(result, `ledger-${ledger}.csv`)).at(-1);
      expect(trial.find((row) => row.account === `payable_${ledger}`)?.closing).toBe(ledgerTotal?.balance);
    }
    const journal = await records(result, 'journal.csv');
    const debits = journal.reduce((sum, row) => sum + Number(row.debit), 0);
    expect(String(debits)).toBe(total?.debits);
    expect(journal.every((row) => row.posted_on === '2026-11-20')).toBe(true);
  });

  it('lists pay-off batches with item states and gateway codes, and the exceptions', async () => {
    const result = await new ExportWriter(db.dataSource, root).export(run20);
    expect(
      (await records(result, 'payouts.csv')).map((row) => [
        row.group_id,
        row.batch_state,
        row.batch_gateway_code,
        row.item_id,
        row.amount,
        row.item_state,
        row.item_gateway_code,
      ]),
    ).toEqual([
      ['G-20-M1', 'partly_remitted', 'S05', 'I-1', '66', 'remitted', 'C1001'],
      ['G-20-M1', 'partly_remitted', 'S05', 'I-2', '40', 'exception', 'C2001'],
    ]);
    expect(
      (await records(result, 'exceptions.csv')).map((row) => [
        row.kind,
        row.serial_number,
        row.product,
        row.amount,
        row.code,
        row.reason,
      ]),
    ).toEqual([
      ['held', 'SN3', '禮券', '500', '', 'no payout account for store:S3'],
      ['payout_exception', '', '', '40', 'C2001', '帳號錯誤, 請確認'],
    ]);
    // The hold of the 19th belongs to the 19th.
    const day19 = await new ExportWriter(db.dataSource, root).exportRange('2026-11-19', '2026-11-19');
    expect((await records(day19, 'exceptions.csv')).map((row) => [row.serial_number, row.product])).toEqual([
      ['SN2', PRODUCT_NEWLINE],
    ]);
  });

  it('holds the summaries in settlement.xlsx, and names the detail CSV files with their rows and SHA-256', async () => {
    const result = await new ExportWriter(db.dataSource, root).exportRange('2026-11-19', '2026-11-20');
    expect(result.directory).toBe(path.join(root, '2026-11-19_2026-11-20'));
    const sheets = readXlsx(await readFile(path.join(result.directory, 'settlement.xlsx')));
    expect(sheets.map((sheet) => sheet.name)).toEqual([
      'trial-balance',
      'ledgers',
      'payouts',
      'payments',
      'exceptions',
      'statements',
      'files',
    ]);
    const width = (rows: string[][]) => rows[0]?.length ?? 0;
    const padded = (rows: string[][], to: number) =>
      rows.map((row) => [...row, ...Array<string>(to - row.length).fill('')]);
    // The summary tables: a sheet each, cell for cell as its CSV.
    for (const sheet of sheets.filter((sheet) => !['ledgers', 'files'].includes(sheet.name))) {
      const table = await csv(result, `${sheet.name}.csv`);
      expect(padded(sheet.rows, width(table))).toEqual(table);
    }
    const ledgers = sheets.find((sheet) => sheet.name === 'ledgers')!;
    const [header = [], ...summary] = padded(ledgers.rows, 7);
    expect(header).toEqual(['ledger', 'row', 'party', 'opening', 'debits', 'credits', 'closing']);
    // Each party's summary (from the balance snapshots) is its opening and closing rows in the ledger's file
    // (from the lines); the total, the file's total row.
    for (const ledger of ['headquarters', 'sales', 'reimbursement']) {
      const rows = await records(result, `ledger-${ledger}.csv`);
      const expected = rows
        .filter((row) => row.row === 'closing')
        .map((closing) => {
          const opening = rows.find((row) => row.row === 'opening' && row.party === closing.party)!;
          return [
            ledger,
            'party',
            closing.party,
            opening.balance,
            closing.debit,
            closing.credit,
            closing.balance,
          ];
        });
      const total = rows.at(-1)!;
      expect(summary.filter((row) => row[0] === ledger)).toEqual([
        ...expected,
        [
          ledger,
          'total',
          '',
          String(expected.reduce((sum, row) => sum + Number(row[3]), 0)),
          total.debit,
          total.credit,
          total.balance,
        ],
      ]);
      expect(expected.length).toBeGreaterThan(0);
    }
    // Every CSV file by name, with its data rows, bytes and SHA-256 as the manifest has them.
    const files = sheets.find((sheet) => sheet.name === 'files')!;
    const listed = result.files.filter((file) => file.name.endsWith('.csv'));
    const counted = await Promise.all(
      listed.map(async (file) => [
        file.name,
        String((await csv(result, file.name)).length - 1),
        String(file.bytes),
        file.sha256,
      ]),
    );
    expect(files.rows).toEqual([['file', 'rows', 'bytes', 'sha256'], ...counted]);
    expect(files.rows.map((row) => row[0])).toEqual(
      expect.arrayContaining(['journal.csv', 'register-sales.csv']),
    );
  });

  it('continues a long summary on further sheets without changing the CSV files', async () => {
    const small = await mkdtemp(path.join(tmpdir(), 'tixclear-exports-'));
    try {
      const paged = await new ExportWriter(db.dataSource, small, { maxSheetRows: 3 }).export(run20);
      const whole = await new ExportWriter(db.dataSource, root).export(run20);
      const csvFiles = (result: ExportResult) => result.files.filter((file) => file.name.endsWith('.csv'));
      expect(csvFiles(paged)).toEqual(csvFiles(whole));
      const pagedSheets = readXlsx(await readFile(path.join(paged.directory, 'settlement.xlsx')));
      const wholeSheets = readXlsx(await readFile(path.join(whole.directory, 'settlement.xlsx')));
      const summary = wholeSheets.find((sheet) => sheet.name === 'ledgers')!.rows;
      const pages = pagedSheets.filter(
        (sheet) => sheet.name === 'ledgers' || sheet.name.startsWith('ledgers ('),
      );
      expect(pages.map((sheet) => sheet.name).slice(0, 3)).toEqual(['ledgers', 'ledgers (2)', 'ledgers (3)']);
      expect(pages.every((sheet) => sheet.rows.length <= 3 && sheet.rows[0]?.[0] === 'ledger')).toBe(true);
      expect(pages.flatMap((sheet) => sheet.rows.slice(1))).toEqual(summary.slice(1));
    } finally {
      await rm(small, { recursive: true, force: true });
    }
  });

  it('refuses to export a period whose trial balance is not zero, and writes nothing', async () => {
    // A lone line on the 25th: the 20th is unaffected (posted later), the 25th and every later period fail.
    await post(null, 'correction', 'C-broken', '2026-11-25', [['fee_gateway', null, null, -7, null]]);
    const writer = new ExportWriter(db.dataSource, root);
    await expect(writer.exportRange('2026-11-25', '2026-11-25')).rejects.toMatchObject({
      code: ExportErrorCode.TrialBalanceNotZero,
    });
    await expect(writer.exportRange('2026-11-26', '2026-11-26')).rejects.toMatchObject({
      code: ExportErrorCode.TrialBalanceNotZero,
    });
    expect(existsSync(path.join(root, '2026-11-25'))).toBe(false);
    await expect(writer.export(run20)).resolves.toMatchObject({ directory: path.join(root, '2026-11-20') });
  });

  it('names its input errors', async () => {
    const writer = new ExportWriter(db.dataSource, root);
    await expect(writer.export(randomUUID())).rejects.toMatchObject({
      code: ExportErrorCode.RunNotFound,
      field: 'runId',
    });
    await expect(writer.export('not-a-run')).rejects.toMatchObject({ code: ExportErrorCode.RunNotFound });
    await expect(writer.exportRange('2026-11-21', '2026-11-20')).rejects.toMatchObject({
      code: ExportErrorCode.PeriodInvalid,
      field: 'to',
    });
    await expect(writer.exportRange('2026-02-30', '2026-03-01')).rejects.toMatchObject({
      code: 'ID_INVALID',
      field: 'from',
    });
  });
});
