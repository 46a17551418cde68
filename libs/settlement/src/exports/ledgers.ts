import { addTwd, ZERO_TWD, type Twd } from '@tixclear/domain';
import { LEDGERS, type Ledger } from '../accounts';
import type { BalanceGroup } from '../balances/index';
import { sqlText } from './csv';
import { compareBytes, type Cell, type TableSpec } from './table';

export function ledgerSpec(ledger: Ledger): TableSpec {
  return {
    name: `ledger-${ledger}`,
    columns: [
      { name: 'party', width: 24 },
      { name: 'row', width: 9 },
      { name: 'posted_on', width: 12 },
      { name: 'business_date', width: 14 },
      { name: 'kind', width: 12 },
      { name: 'reference', width: 38 },
      { name: 'serial_number', width: 20 },
      { name: 'product', width: 30 },
      { name: 'redemption_date', width: 16 },
      { name: 'sales_point', width: 24 },
      { name: 'redemption_point', width: 24 },
      { name: 'description', width: 30 },
      { name: 'debit', width: 14 },
      { name: 'credit', width: 14 },
      { name: 'balance', width: 16 },
    ],
  };
}

/** A ledger's totals over the period, for its `total` row (the sums of its parties' closing rows). */
export interface LedgerTotal {
  debits: Twd;
  credits: Twd;
  closing: Twd;
}

/**
 * The workbook's summary of the three ledgers, from the balance snapshots (src/balances/): per ledger, a `party`
 * row per party with an opening balance or a movement in the period (byte order; the same opening and closing
 * as the party's rows of `ledger-<ledger>.csv`), then a `total` row.
 */
export const LEDGER_SUMMARY: TableSpec = {
  name: 'ledgers',
  columns: [
    { name: 'ledger', width: 14 },
    { name: 'row', width: 8 },
    { name: 'party', width: 24 },
    { name: 'opening', width: 16 },
    { name: 'debits', width: 16 },
    { name: 'credits', width: 16 },
    { name: 'closing', width: 16 },
  ],
};

interface PartyBalance {
  ledger: Ledger;
  party: string;
  opening: Twd;
  debits: Twd;
  credits: Twd;
  closing: Twd;
}

/**
 * The ledgers' balances by party, summed over the accounts of each ledger: the summary sheet's rows, the
 * opening balances the ledger files start from, and each ledger's totals. Checked sums (`MONEY_OVERFLOW`).
 */
export function ledgerBalances(groups: readonly BalanceGroup[]): {
  rows: Cell[][];
  openings: Array<{ ledger: Ledger; party: string; balance: Twd }>;
  totals: Record<Ledger, LedgerTotal>;
} {
  const rows: Cell[][] = [];
  const openings: Array<{ ledger: Ledger; party: string; balance: Twd }> = [];
  const totals = {} as Record<Ledger, LedgerTotal>;
  for (const ledger of LEDGERS) {
    const parties = new Map<string, PartyBalance>();
    for (const group of groups) {
      if (group.ledger !== ledger) continue;
      const party = parties.get(group.party) ?? {
        ledger,
        party: group.party,
        opening: ZERO_TWD,
        debits: ZERO_TWD,
        credits: ZERO_TWD,
        closing: ZERO_TWD,
      };
      party.opening = addTwd(party.opening, group.opening);
      party.debits = addTwd(party.debits, group.debits);
      party.credits = addTwd(party.credits, group.credits);
      party.closing = addTwd(party.closing, group.closing);
      parties.set(group.party, party);
    }
    const total = { opening: ZERO_TWD, debits: ZERO_TWD, credits: ZERO_TWD, closing: ZERO_TWD };
    for (const party of [...parties.values()].sort((a, b) => compareBytes(a.party, b.party))) {
      total.opening = addTwd(total.opening, party.opening);
      total.debits = addTwd(total.debits, party.debits);
      total.credits = addTwd(total.credits, party.credits);
      total.closing = addTwd(total.closing, party.closing);
      if (party.opening !== 0) openings.push({ ledger, party: party.party, balance: party.opening });
      if (party.opening === 0 && party.debits === 0 && party.credits === 0) continue;
      rows.push([ledger, 'party', party.party, party.opening, party.debits, party.credits, party.closing]);
    }
    rows.push([ledger, 'total', '', total.opening, total.debits, total.credits, total.closing]);
    totals[ledger] = { debits: total.debits, credits: total.credits, closing: total.closing };
  }
  return { rows, openings, totals };
}

/**
 * One ledger's rows as COPY prints them (copy-out.ts), from the period's lines (`export_lines`) and the balances
 * before it (`export_openings`), both gathered in the export's transaction (queries.ts). Per party (byte order):
 * an `opening` row (balance before the period), its entries in posting order (the day posted, the step that
 * posted it: see POSTING_STEP, then reference) with the running balance, a `closing` row carrying the period's
 * debit and credit totals (closing = opening + debits − credits on one row); a last `total` row sums every
 * party. Balances are signed like the journal: debit positive, credit negative (what we owe a party is
 * negative). Parties with an opening balance but no entry get their two rows; parties with neither are left out.
 *
 * One window over the rows of a party, opening row first and closing row last, gives the running balance and
 * the closing row's sums; its order is the query's order, so the server sorts the lines once.
 */
export function ledgerCopySql(ledger: Ledger, total: LedgerTotal): string {
  const name = `'${ledger}'`;
  const entry = [
    'posted_on',
    'step',
    'reference',
    'kind',
    'business_date',
    'serial_number',
    'amount',
    'account',
    'product',
    'redemption_date',
    'sales_point',
    'redemption_point',
    'description',
  ];
  const order = `r.grp, r.party, r.part, r.posted_on, r.step, r.reference, r.kind, r.business_date, r.serial_number,
                 r.amount, r.account`;
  const sum = (column: string): string => `sum(r.${column}) OVER w`;
  return `
  WITH parties AS (
    SELECT party FROM export_openings WHERE ledger = ${name}
    UNION
    SELECT party FROM export_lines WHERE ledger = ${name}),
  r AS (
    SELECT 0 AS grp, p.party COLLATE "C" AS party, 0 AS part, NULL::date AS posted_on, NULL::int AS step,
           NULL::text COLLATE "C" AS reference, NULL::text COLLATE "C" AS kind, NULL::date AS business_date,
           NULL::text COLLATE "C" AS serial_number, COALESCE(o.balance, 0)::bigint AS amount,
           NULL::text COLLATE "C" AS account, NULL::text AS product, NULL::text AS redemption_date,
           NULL::text AS sales_point, NULL::text AS redemption_point, NULL::text AS description,
           0::bigint AS debit, 0::bigint AS credit
      FROM parties p LEFT JOIN export_openings o ON o.ledger = ${name} AND o.party = p.party
    UNION ALL
    SELECT 0, x.party, 1, ${entry.map((column) => `x.${column}`).join(', ')},
           GREATEST(x.amount, 0), GREATEST(-x.amount, 0)
      FROM export_lines x WHERE x.ledger = ${name}
    UNION ALL
    SELECT 0, party, 2, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0
      FROM parties
    UNION ALL
    SELECT 1, '', 3, NULL, NULL, NULL, NULL, NULL, NULL, ${total.closing}, NULL, NULL, NULL, NULL, NULL, NULL,
           ${total.debits}, ${total.credits})
  SELECT ${sqlText('r.party::text')},
         CASE r.part WHEN 0 THEN 'opening' WHEN 1 THEN 'entry' WHEN 2 THEN 'closing' ELSE 'total' END,
         r.posted_on::text, r.business_date::text,
         ${[
           'kind',
           'reference',
           'serial_number',
           'product',
           'redemption_date',
           'sales_point',
           'redemption_point',
           'description',
         ]
           .map((column) => sqlText(`r.${column}::text`))
           .join(', ')},
         CASE WHEN r.part = 1 THEN r.debit WHEN r.part > 1 THEN ${sum('debit')} END,
         CASE WHEN r.part = 1 THEN r.credit WHEN r.part > 1 THEN ${sum('credit')} END,
         ${sum('amount')}
    FROM r
  WINDOW w AS (PARTITION BY r.grp, r.party ORDER BY r.part, r.posted_on, r.step, r.reference, r.kind,
               r.business_date, r.serial_number, r.amount, r.account ROWS UNBOUNDED PRECEDING)
   ORDER BY ${order}`;
}
