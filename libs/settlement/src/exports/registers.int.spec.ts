import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SAMPLE_FEE_SCHEDULE } from '@tixclear/db';
import { computeFees } from '@tixclear/fee-engine';
import { ExportWriter } from './export-writer';
import { REDEMPTIONS_REGISTER, REFUNDS_REGISTER, SALES_REGISTER, TRUST_REGISTER } from './registers';
import type { TableSpec } from './table';
import { parseCsv, readXlsx } from './testing/read-back';
import {
  DAY,
  DIFFERING_SERIAL,
  SAME_SERIAL,
  settleSyntheticDay,
  type SettledDay,
} from './testing/settled-day';

/** A register's rows as records by column name, read back from its CSV (header checked against the spec). */
async function records(day: SettledDay, spec: TableSpec): Promise<Array<Record<string, string>>> {
  const [header, ...rows] = parseCsv(
    (await readFile(path.join(day.result.directory, `${spec.name}.csv`))).toString('utf8').slice(1),
  );
  expect(header).toEqual(spec.columns.map((column) => column.name));
  return rows.map((row) => Object.fromEntries(header!.map((name, i) => [name, row[i] ?? ''])));
}

describe('registers after a settled synthetic day', () => {
  let day: SettledDay;
  beforeAll(async () => {
    day = await settleSyntheticDay();
  }, 120_000);
  afterAll(async () => {
    await day?.stop();
  });

  it('the redemption register has one row per redeemed voucher, each as the fee engine splits it', async () => {
    const rows = await records(day, REDEMPTIONS_REGISTER);
    const lines = await day.world.rows<{
      partner: string;
      serial_number: string;
      is_paid: boolean;
      cost: string;
      sh: string;
      ss: string;
      sr: string;
    }>(
      `SELECT p.partner_uid AS partner, rl.serial_number, rl.is_paid, rl.cost::text AS cost,
              rl.sharing_headquarters::text AS sh, rl.sharing_sales::text AS ss, rl.sharing_reimbursement::text AS sr
         FROM redemption_lines rl JOIN partners p ON p.id = rl.partner_id`,
    );
    const expected = Object.values(day.written).reduce((sum, partner) => sum + partner.redeemed, 0);
    expect(lines).toHaveLength(expected);
    expect(rows).toHaveLength(expected);
    expect(new Set(rows.map((row) => `${row.partner}/${row.serial_number}`)).size).toBe(expected);

    // Remitted items by party: what paid each share (A's headquarters is not paid out: no item).
    const items = await day.world.rows<{ party: string; group_id: string; item_id: string }>(
      `SELECT i.party, b.group_id, i.item_id FROM payout_items i JOIN payout_batches b ON b.id = i.batch_id
        WHERE i.state = 'remitted'`,
    );
    const itemOf = new Map(items.map((item) => [item.party, item]));
    expect(items.length).toBeGreaterThan(0);

    for (const line of lines) {
      const row = rows.find((r) => r.partner === line.partner && r.serial_number === line.serial_number);
      expect(row).toBeDefined();
      const fee = computeFees({
        cost: Number(line.cost),
        escrowRate: SAMPLE_FEE_SCHEDULE.escrowRate,
        gatewayRate: SAMPLE_FEE_SCHEDULE.gatewayRate,
        issuanceFee: SAMPLE_FEE_SCHEDULE.issuanceFee,
        issuanceLayer: SAMPLE_FEE_SCHEDULE.issuanceLayer,
        isPaid: line.is_paid,
        sharing: { headquarters: line.sh, sales: line.ss, reimbursement: line.sr },
      });
      expect(row).toMatchObject({
        run: DAY,
        redemption_date: DAY,
        reimbursement_date: `${DAY} 12:00:00`,
        paid: line.is_paid ? 'paid' : 'gift',
        value: String(fee.cost),
        escrow_fee: String(fee.escrow_fee),
        gateway_fee: String(fee.gateway_fee),
        issuance_layer: String(fee.issuance_layer),
        issuance_fee: String(fee.issuance_fee),
        headquarters: String(fee.headquarters),
        sales: String(fee.sales),
        reimbursement: String(fee.reimbursement),
        split_from: 'ours',
      });
      expect(row!.order_id).toMatch(/R$/);
      // The sample schedule's issuance layer is 2: its collector is the partner's headquarters.
      expect(row!.issuance_party).toBe(`hq:${line.partner}`);
      for (const role of ['headquarters', 'sales', 'reimbursement', 'issuance'] as const) {
        const amount = role === 'issuance' ? fee.issuance_fee : fee[role];
        const item = amount > 0 ? itemOf.get(row![`${role}_party`]!) : undefined;
        expect([row![`${role}_group_id`], row![`${role}_item_id`]]).toEqual([
          item?.group_id ?? '',
          item?.item_id ?? '',
        ]);
      }
    }
    // Some shares were paid, and the gateway's fee object shows beside ours, a difference included.
    expect(rows.some((row) => row.sales_item_id !== '')).toBe(true);
    expect(rows.some((row) => row.issuance_item_id !== '')).toBe(true);
    const same = rows.find((row) => row.serial_number === SAME_SERIAL);
    expect(same).toMatchObject({ fee_check: 'same', gw_escrow_fee: '1', gw_headquarters: '7' });
    const differing = rows.find((row) => row.serial_number === DIFFERING_SERIAL);
    expect(differing).toMatchObject({ fee_check: 'differs', gw_escrow_fee: '1.5', gw_headquarters: '8' });
    expect(rows.filter((row) => row.fee_check === '')).toHaveLength(expected - 2);
  });

  it('sales list every voucher of the paid purchases, refunds every refunded voucher, without buyer data', async () => {
    const sales = await records(day, SALES_REGISTER);
    const partners = Object.values(day.written);
    // Per partner: the synthetic day's vouchers, the open purchase's, the refunded purchase's two.
    expect(sales).toHaveLength(partners.reduce((sum, p) => sum + p.redeemed + p.issued + 2, 0));
    expect(sales.filter((row) => row.paid === 'gift')).toHaveLength(
      partners.reduce((s, p) => s + p.gifts, 0),
    );
    expect(sales.every((row) => row.posted_on === DAY && row.sale_date === DAY)).toBe(true);
    const refunds = await records(day, REFUNDS_REGISTER);
    expect(refunds).toHaveLength(partners.reduce((sum, p) => sum + p.refunded, 0));
    for (const refund of refunds) {
      expect(refund).toMatchObject({ value: '30', paid: 'paid', product: "'=SUM(A1)" });
      expect(refund.purchase_order_id).toBe(`${refund.partner}-REF`);
    }
  });

  it('the trust register lists the vouchers outstanding with their days left, and totals the trust liability', async () => {
    const rows = await records(day, TRUST_REGISTER);
    const vouchers = rows.filter((row) => row.row === 'voucher');
    const outstanding = await day.world.rows<{ serial_number: string; days: number; cost: string }>(
      `SELECT serial_number, (trust_end_date - $1::date) AS days, cost::text AS cost FROM vouchers
        WHERE is_paid AND state = 'issued' ORDER BY serial_number`,
      [DAY],
    );
    expect(vouchers.map((row) => [row.serial_number, Number(row.days_left), row.value]).sort()).toEqual(
      outstanding.map((v) => [v.serial_number, v.days, v.cost]).sort(),
    );
    const [trust] = await day.world.rows<{ balance: string }>(
      `SELECT (-sum(amount))::text AS balance FROM journal_lines WHERE account = 'trust_liability'`,
    );
    const total = rows.at(-1)!;
    expect(total).toMatchObject({
      row: 'total',
      vouchers: String(outstanding.length),
      value: trust!.balance,
    });
    // Each group's subtotal sums its vouchers.
    const subtotals = rows.filter((row) => row.row === 'subtotal');
    for (const subtotal of subtotals) {
      const members = vouchers.filter(
        (row) => row.partner === subtotal.partner && row.product === subtotal.product,
      );
      expect(Number(subtotal.vouchers)).toBe(members.length);
      expect(Number(subtotal.value)).toBe(members.reduce((sum, row) => sum + Number(row.value), 0));
    }
    expect(subtotals.reduce((sum, row) => sum + Number(row.value), 0)).toBe(Number(total.value));
  });

  it('the trust register of a day before anything was sold holds nothing', async () => {
    const before = await new ExportWriter(
      day.world.db.dataSource,
      await mkdtemp(path.join(tmpdir(), 'tixclear-registers-before-')),
    ).exportRange('2026-11-19', '2026-11-19');
    const csv = parseCsv(
      (await readFile(path.join(before.directory, 'register-trust.csv'))).toString('utf8').slice(1),
    );
    expect(csv.slice(1)).toEqual([['total', '', '', '', '', '', '', '', '', '', '0', '0']]);
  });

  it('each register is a CSV file only, named in the workbook with its rows, bytes and SHA-256', async () => {
    const sheets = readXlsx(await readFile(path.join(day.result.directory, 'settlement.xlsx')));
    const files = sheets.find((s) => s.name === 'files')!;
    for (const spec of [REDEMPTIONS_REGISTER, SALES_REGISTER, REFUNDS_REGISTER, TRUST_REGISTER]) {
      const name = `${spec.name}.csv`;
      const data = await readFile(path.join(day.result.directory, name));
      const csv = parseCsv(data.toString('utf8').slice(1));
      expect(sheets.some((s) => s.name === spec.name)).toBe(false);
      expect(files.rows.find((row) => row[0] === name)).toEqual([
        name,
        String(csv.length - 1),
        String(data.length),
        createHash('sha256').update(data).digest('hex'),
      ]);
    }
  });

  it("the ledgers' CSV files reconcile: running balances, closing = opening + debits − credits, the totals", async () => {
    const sheets = readXlsx(await readFile(path.join(day.result.directory, 'settlement.xlsx')));
    const summary = sheets.find((s) => s.name === 'ledgers')!.rows.slice(1);
    const trial = parseCsv(
      (await readFile(path.join(day.result.directory, 'trial-balance.csv'))).toString('utf8').slice(1),
    );
    let entries = 0;
    for (const ledger of ['headquarters', 'sales', 'reimbursement']) {
      const [header, ...rows] = parseCsv(
        (await readFile(path.join(day.result.directory, `ledger-${ledger}.csv`))).toString('utf8').slice(1),
      );
      const at = (row: string[], column: string): string => row[header!.indexOf(column)] ?? '';
      const amount = (row: string[], column: string): number => Number(at(row, column));
      let opening = 0;
      let balance = 0;
      let debits = 0;
      let credits = 0;
      const closings: string[][] = [];
      for (const row of rows) {
        const kind = at(row, 'row');
        if (kind === 'opening') {
          [opening, balance, debits, credits] = [amount(row, 'balance'), amount(row, 'balance'), 0, 0];
        } else if (kind === 'entry') {
          balance += amount(row, 'debit') - amount(row, 'credit');
          debits += amount(row, 'debit');
          credits += amount(row, 'credit');
          entries += 1;
          expect(amount(row, 'balance')).toBe(balance);
        } else if (kind === 'closing') {
          expect([amount(row, 'debit'), amount(row, 'credit'), amount(row, 'balance')]).toEqual([
            debits,
            credits,
            opening + debits - credits,
          ]);
          closings.push([
            ledger,
            'party',
            at(row, 'party'),
            String(opening),
            String(debits),
            String(credits),
            String(balance),
          ]);
        }
      }
      const total = rows.at(-1)!;
      expect(at(total, 'row')).toBe('total');
      const sum = (i: number) => String(closings.reduce((s, row) => s + Number(row[i]), 0));
      expect([at(total, 'debit'), at(total, 'credit'), at(total, 'balance')]).toEqual([
        sum(4),
        sum(5),
        sum(6),
      ]);
      // The workbook's summary (from the balance snapshots) is the same, and so is the trial balance's payable.
      expect(summary.filter((row) => row[0] === ledger)).toEqual([
        ...closings,
        [ledger, 'total', '', sum(3), sum(4), sum(5), sum(6)],
      ]);
      expect(trial.find((row) => row[0] === `payable_${ledger}`)?.[4]).toBe(sum(6));
    }
    expect(entries).toBeGreaterThan(0);
  });

  it('is byte-identical when exported again, here and elsewhere', async () => {
    const again = await new ExportWriter(day.world.db.dataSource, day.root).exportRange(DAY, DAY);
    const elsewhere = await new ExportWriter(
      day.world.db.dataSource,
      await mkdtemp(path.join(tmpdir(), 'tixclear-registers-again-')),
    ).exportRange(DAY, DAY);
    expect(again.files).toEqual(day.result.files);
    expect(elsewhere.files).toEqual(day.result.files);
    const names = day.result.files.map((file) => file.name);
    for (const spec of [REDEMPTIONS_REGISTER, SALES_REGISTER, REFUNDS_REGISTER, TRUST_REGISTER]) {
      expect(names).toContain(`${spec.name}.csv`);
      const a = await readFile(path.join(day.result.directory, `${spec.name}.csv`));
      const b = await readFile(path.join(elsewhere.directory, `${spec.name}.csv`));
      expect(a.equals(b)).toBe(true);
    }
  });
});
