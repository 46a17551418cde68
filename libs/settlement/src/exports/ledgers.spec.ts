import { twd } from '@tixclear/domain';
import { LedgerRows, ledgerSpec, type LedgerLine } from './ledgers';
import type { Cell } from './table';

function line(party: string, amount: number, serial: string): LedgerLine {
  return {
    party,
    postedOn: '2026-11-20',
    businessDate: '2026-11-20',
    kind: 'clearing',
    reference: `ref-${serial}`,
    serialNumber: serial,
    product: '電影票',
    redemptionDate: '2026-11-20',
    salesPoint: 'store:S1',
    redemptionPoint: 'store:S2',
    description: `redeemed ${serial}`,
    amount: twd(amount),
  };
}

const columns = ledgerSpec('sales').columns.map((column) => column.name);
const pick = (row: readonly Cell[]) =>
  ['party', 'row', 'serial_number', 'debit', 'credit', 'balance'].map((name) => row[columns.indexOf(name)]);

function ledger(openings: Array<[string, number]>, lines: LedgerLine[]): Cell[][] {
  const rows = new LedgerRows(openings.map(([party, balance]) => ({ party, balance: twd(balance) })));
  return [...lines.flatMap((l) => rows.add(l)), ...rows.finish()];
}

describe('LedgerRows', () => {
  it('gives each party an opening row, its entries with a running balance, a closing row; then a total', () => {
    const rows = ledger(
      [
        ['store:D', -4],
        ['store:B', -30],
        ['store:C', 0],
        ['store:0', -1],
      ],
      [line('store:A', -20, 'SN1'), line('store:B', -10, 'SN2'), line('store:B', 30, '')],
    );
    expect(rows.every((row) => row.length === columns.length)).toBe(true);
    expect(rows.map(pick)).toEqual([
      // A party with a balance and no entry keeps its two rows, in its place; a zero balance alone is left out.
      ['store:0', 'opening', '', '', '', -1],
      ['store:0', 'closing', '', 0, 0, -1],
      ['store:A', 'opening', '', '', '', 0],
      ['store:A', 'entry', 'SN1', 0, 20, -20],
      ['store:A', 'closing', '', 0, 20, -20],
      ['store:B', 'opening', '', '', '', -30],
      ['store:B', 'entry', 'SN2', 0, 10, -40],
      ['store:B', 'entry', '', 30, 0, -10],
      ['store:B', 'closing', '', 30, 10, -10],
      ['store:D', 'opening', '', '', '', -4],
      ['store:D', 'closing', '', 0, 0, -4],
      ['', 'total', '', 30, 30, -35],
    ]);
  });

  it('writes only the total row for an empty ledger', () => {
    expect(ledger([], []).map(pick)).toEqual([['', 'total', '', 0, 0, 0]]);
  });

  it('orders parties by bytes, as PostgreSQL COLLATE "C" does, and refuses lines out of that order', () => {
    const rows = ledger([['store:中', -1]], [line('store:B', -1, 'S'), line('store:b', -1, 'S')]);
    expect(rows.filter((row) => row[1] === 'opening').map((row) => row[0])).toEqual([
      'store:B',
      'store:b',
      'store:中',
    ]);
    expect(() => ledger([], [line('store:b', -1, 'S'), line('store:B', -1, 'S')])).toThrow(RangeError);
  });
});
