import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseCsv } from '../exports/testing/read-back';
import { DAY, settleSyntheticDay, type SettledDay } from '../exports/testing/settled-day';
import { PartnerStatementErrorCode } from './errors';
import { statementPeriod } from './period';
import { buildStatements, type Statement, type StatementLine } from './statement';
import { statementCsv } from './statement-csv';
import { statementHtml } from './statement-html';

const amount = (line: StatementLine | undefined): number => Number(line?.amount || 0);
/** Negated, 0 staying 0 (not -0, which toBe tells apart). */
const neg = (n: number): number => (n === 0 ? 0 : -n);
const find = (statement: Statement, section: string, item: string, more: Partial<StatementLine> = {}) =>
  statement.lines.find(
    (line) =>
      line.section === section &&
      line.item === item &&
      Object.entries(more).every(([key, value]) => line[key as keyof StatementLine] === value),
  );
const total = (statements: Statement[], section: string, item: string): number =>
  statements.reduce((sum, s) => sum + amount(find(s, section, item)), 0);

describe('partner statements over a settled synthetic day', () => {
  let day: SettledDay;
  let statements: Statement[];
  /** The day's export, read back: rows of a CSV file by its name. */
  let file: (name: string) => Promise<string[][]>;
  beforeAll(async () => {
    day = await settleSyntheticDay();
    statements = await buildStatements(day.world.db.dataSource, statementPeriod(DAY));
    file = async (name) =>
      parseCsv((await readFile(path.join(day.result.directory, name))).toString('utf8').slice(1)).slice(1);
  }, 120_000);
  afterAll(async () => {
    await day?.stop();
  });

  it('all partners’ balances sum to the three ledgers, party by party and in total', async () => {
    expect(statements.map((s) => s.partner.uid).sort()).toEqual(Object.keys(day.written).sort());
    for (const ledger of ['headquarters', 'sales', 'reimbursement']) {
      const rows = await file(`ledger-${ledger}.csv`);
      const account = `payable_${ledger}`;
      const closings = rows.filter((row) => row[1] === 'closing');
      expect(closings.length).toBeGreaterThan(0);
      let [credits, debits, balance] = [0, 0, 0];
      for (const row of closings) {
        const party = row[0]!;
        const [debit, credit, closing] = row.slice(12, 15).map(Number) as [number, number, number];
        const opening = Number(rows.find((r) => r[0] === party && r[1] === 'opening')?.[14] ?? 0);
        const owners = statements.filter((s) => find(s, 'balance', 'closing', { party, account }));
        expect(owners).toHaveLength(1);
        const [statement] = owners as [Statement];
        // What we owe is the ledger's (credit) balance negated; earnings are its credits, pay-offs its debits.
        expect(amount(find(statement, 'balance', 'opening', { party, account }))).toBe(neg(opening));
        expect(amount(find(statement, 'balance', 'credited', { party, account }))).toBe(credit);
        expect(amount(find(statement, 'balance', 'debited', { party, account }))).toBe(neg(debit));
        expect(amount(find(statement, 'balance', 'closing', { party, account }))).toBe(neg(closing));
        [credits, debits, balance] = [credits + credit, debits + debit, balance + closing];
      }
      const sum = (item: string) =>
        statements.reduce(
          (s, st) =>
            s +
            st.lines
              .filter((l) => l.section === 'balance' && l.account === account && l.item === item)
              .reduce((a, l) => a + amount(l), 0),
          0,
        );
      const totalRow = rows.find((row) => row[1] === 'total')!;
      expect([sum('credited'), neg(sum('debited')), neg(sum('closing'))]).toEqual([credits, debits, balance]);
      expect(totalRow.slice(12, 15).map(Number)).toEqual([debits, credits, balance]);
    }
  });

  it('their trust, fees, shares and pay-offs sum to the journal (trial balance)', async () => {
    const trial = new Map<string, number[]>(
      (await file('trial-balance.csv')).map((row) => [row[0]!, row.slice(1).map(Number)]),
    );
    const [trustOpening, , , trustClosing] = trial.get('trust_liability')!;
    expect(total(statements, 'trust', 'opening')).toBe(neg(trustOpening!));
    expect(total(statements, 'trust', 'closing')).toBe(neg(trustClosing!));
    expect(total(statements, 'trust', 'closing')).toBeGreaterThan(0);
    // Credited at clearing: each fee account's credits are the statements' fees from the clearings.
    expect(total(statements, 'redemptions', 'escrow_fee')).toBe(trial.get('fee_escrow')![2]);
    expect(total(statements, 'redemptions', 'gateway_fee')).toBe(trial.get('fee_gateway')![2]);
    expect(total(statements, 'redemptions', 'issuance_fee_l2')).toBe(trial.get('fee_issuance_l2')![2]);
    for (const share of ['headquarters', 'sales', 'reimbursement']) {
      expect(total(statements, 'redemptions', share)).toBe(trial.get(`payable_${share}`)![2]);
    }
    // Value redeemed = fees + shares, per partner.
    for (const statement of statements) {
      const parts = [
        'escrow_fee',
        'gateway_fee',
        'issuance_fee_l2',
        'headquarters',
        'sales',
        'reimbursement',
      ];
      expect(parts.reduce((sum, item) => sum + amount(find(statement, 'redemptions', item)), 0)).toBe(
        amount(find(statement, 'redemptions', 'paid')),
      );
      // Each pay-off item's amount is what left the partner's balances.
      const debited = statement.lines
        .filter((l) => l.section === 'balance' && l.item === 'debited')
        .reduce((sum, l) => sum + amount(l), 0);
      expect(amount(find(statement, 'payouts', 'total'))).toBe(neg(debited));
    }
    expect(total(statements, 'payouts', 'total')).toBeGreaterThan(0);
  });

  it('counts each partner’s day as written', () => {
    for (const statement of statements) {
      const written = day.written[statement.partner.uid]!;
      const paidRedeemed = written.redeemed - written.gifts;
      expect(find(statement, 'sales', 'paid')).toMatchObject({
        count: paidRedeemed + written.issued + 2,
        amount: paidRedeemed * 50 + written.issued * 80 + 2 * 30,
      });
      expect(find(statement, 'sales', 'gift')?.count).toBe(written.gifts);
      expect(find(statement, 'refunds', 'paid')).toMatchObject({ count: 1, amount: 30 });
      expect(find(statement, 'redemptions', 'paid')).toMatchObject({
        count: paidRedeemed,
        amount: paidRedeemed * 50,
      });
      expect(find(statement, 'trust', 'opening')).toMatchObject({ count: 0, amount: 0 });
      expect(find(statement, 'trust', 'closing')).toMatchObject({
        count: written.issued + 1,
        amount: written.issued * 80 + 30,
      });
    }
  });

  it('a month holds the same figures when the day is all of its activity; the next day opens with its close', async () => {
    const month = await buildStatements(day.world.db.dataSource, statementPeriod('2026-11'));
    expect(month[0]?.period).toEqual({ label: '2026-11', start: '2026-11-01', end: '2026-11-30' });
    const strip = (s: Statement) => s.lines;
    expect(month.map(strip)).toEqual(statements.map(strip));
    const next = await buildStatements(day.world.db.dataSource, statementPeriod('2026-11-21'));
    for (const [i, statement] of next.entries()) {
      expect(find(statement, 'trust', 'opening')?.amount).toBe(
        find(statements[i]!, 'trust', 'closing')?.amount,
      );
      for (const line of statement.lines.filter((l) => l.section === 'balance' && l.item === 'opening')) {
        const closed = find(statements[i]!, 'balance', 'closing', {
          party: line.party,
          account: line.account,
        });
        expect(line.amount).toBe(closed?.amount);
      }
    }
  });

  it('prints the same CSV and HTML bytes every time, labels in zh-TW and English, database text escaped', async () => {
    const { dataSource } = day.world.db;
    await dataSource.query(`UPDATE partners SET name = $1 WHERE partner_uid = $2`, [
      '<script>alert(1)</script> & "夥伴"',
      statements[0]!.partner.uid,
    ]);
    const one = await buildStatements(dataSource, statementPeriod(DAY), statements[0]!.partner.uid);
    const again = await buildStatements(dataSource, statementPeriod(DAY), statements[0]!.partner.uid);
    expect(one).toHaveLength(1);
    expect(statementCsv(one).equals(statementCsv(again))).toBe(true);
    const html = statementHtml(one[0]!);
    expect(html).toBe(statementHtml(again[0]!));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;夥伴&quot;');
    expect(html).toContain('信託餘額<span class="en">Held in trust</span>');
    expect(html).toContain('@page');
    expect(html).not.toMatch(/<(link|script|img)\b/);
    const csv = parseCsv(statementCsv(one).toString('utf8').slice(1));
    expect(csv[0]).toEqual([
      'partner',
      'period_start',
      'period_end',
      'section',
      'item',
      'party',
      'account',
      'reference',
      'posted_on',
      'count',
      'amount',
    ]);
    expect(csv.slice(1)).toHaveLength(one[0]!.lines.length);
  });

  it('the nightly export carries every partner’s statement, the same bytes as the CLI’s CSV', async () => {
    const exported = await readFile(path.join(day.result.directory, 'statements.csv'));
    expect(exported.equals(statementCsv(statements))).toBe(true);
  });

  it('refuses to print a statement whose trust does not carry (a voucher cleared at another value than sold)', async () => {
    const { dataSource } = day.world.db;
    const uid = statements[0]!.partner.uid;
    // An UPDATE … RETURNING comes back from TypeORM as [rows, count].
    const [[changed]] = await dataSource.query<[Array<{ id: string }>, number]>(
      `UPDATE clearings SET cost = cost + 1
        WHERE redemption_line_id = (SELECT c.redemption_line_id FROM clearings c JOIN partners p ON p.id = c.partner_id
                                     WHERE p.partner_uid = $1 AND c.is_paid ORDER BY c.serial_number LIMIT 1)
       RETURNING redemption_line_id AS id`,
      [uid],
    );
    try {
      await expect(buildStatements(dataSource, statementPeriod(DAY), uid)).rejects.toMatchObject({
        code: PartnerStatementErrorCode.NotReconciled,
        message: expect.stringContaining(`${uid} trust`) as unknown,
      });
    } finally {
      await dataSource.query(`UPDATE clearings SET cost = cost - 1 WHERE redemption_line_id = $1`, [
        changed!.id,
      ]);
    }
    await expect(buildStatements(dataSource, statementPeriod(DAY), uid)).resolves.toHaveLength(1);
  });

  it('refuses an unknown partner or a malformed period, naming the field', async () => {
    await expect(
      buildStatements(day.world.db.dataSource, statementPeriod(DAY), 'NOPE'),
    ).rejects.toMatchObject({
      code: PartnerStatementErrorCode.PartnerNotFound,
      field: 'partner',
    });
    for (const bad of ['2026-13', '2026-11-31', '2026/11', "2026-11'; DROP TABLE partners; --", '']) {
      let refused: unknown;
      try {
        statementPeriod(bad);
      } catch (error) {
        refused = error;
      }
      expect(refused).toMatchObject({ code: PartnerStatementErrorCode.PeriodInvalid, field: 'period' });
    }
  });
});
