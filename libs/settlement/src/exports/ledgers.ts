import { addTwd, ZERO_TWD, type Twd } from '@tixclear/domain';
import type { Ledger } from '../accounts';
import { compareBytes, debitCredit, type Cell, type TableSpec } from './table';

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

/** A ledger line of the period, as ledger.ts needs it (the SQL orders them by party, then in posting order). */
export interface LedgerLine {
  party: string;
  postedOn: string;
  businessDate: string;
  kind: string;
  reference: string;
  serialNumber: string;
  product: string;
  redemptionDate: string;
  salesPoint: string;
  redemptionPoint: string;
  description: string;
  amount: Twd;
}

/**
 * The rows of one ledger, made while its lines stream in. Per party (byte order): an `opening` row (balance
 * before the period), its entries with the running balance, a `closing` row carrying the period's debit and
 * credit totals (closing = opening + debits − credits on one row); a last `total` row sums every party.
 * Balances are signed like the journal: debit positive, credit negative (what we owe a party is negative).
 * Parties with an opening balance but no entry get their two rows; parties with neither are left out.
 * Sums use the domain's checked arithmetic: leaving the safe-integer range is `MONEY_OVERFLOW`.
 */
interface PartyState {
  name: string;
  balance: Twd;
  debits: Twd;
  credits: Twd;
}

export class LedgerRows {
  readonly #openings: ReadonlyArray<{ party: string; balance: Twd }>;
  #next = 0;
  #party: PartyState | undefined;
  #debits = ZERO_TWD;
  #credits = ZERO_TWD;
  #closing = ZERO_TWD;

  /** `openings`: balances before the period by party, any order; zero balances are ignored. */
  constructor(openings: ReadonlyArray<{ party: string; balance: Twd }>) {
    this.#openings = openings
      .filter((opening) => opening.balance !== 0)
      .sort((a, b) => compareBytes(a.party, b.party));
  }

  /** The rows a line adds: the parties before it, its party's opening row when it is the party's first. */
  add(line: LedgerLine): Cell[][] {
    const rows: Cell[][] = [];
    let party = this.#party;
    if (party && party.name !== line.party) {
      // The SQL's order is the merge's premise: a party seen twice would split its ledger silently.
      if (compareBytes(line.party, party.name) < 0) throw new RangeError('ledger lines out of party order');
      rows.push(this.#close(party));
      party = undefined;
    }
    party ??= this.#openUpTo(line.party, rows);
    const [debit, credit] = debitCredit(line.amount);
    party.balance = addTwd(party.balance, line.amount);
    party.debits = addTwd(party.debits, debit);
    party.credits = addTwd(party.credits, credit);
    rows.push([
      line.party,
      'entry',
      line.postedOn,
      line.businessDate,
      line.kind,
      line.reference,
      line.serialNumber,
      line.product,
      line.redemptionDate,
      line.salesPoint,
      line.redemptionPoint,
      line.description,
      debit,
      credit,
      party.balance,
    ]);
    return rows;
  }

  /** The rows after the last line: the last party's closing, parties left with only a balance, the total. */
  finish(): Cell[][] {
    const rows: Cell[][] = [];
    if (this.#party) rows.push(this.#close(this.#party));
    for (let opening = this.#openings[this.#next]; opening; opening = this.#openings[++this.#next]) {
      rows.push(this.#close(this.#open(opening.party, opening.balance, rows)));
    }
    rows.push(summaryRow('', 'total', this.#debits, this.#credits, this.#closing));
    return rows;
  }

  /** Opens `name`, after giving every party with a balance that sorts before it its own two rows. */
  #openUpTo(name: string, rows: Cell[][]): PartyState {
    for (let opening = this.#openings[this.#next]; opening; opening = this.#openings[++this.#next]) {
      const order = compareBytes(opening.party, name);
      if (order > 0) break;
      if (order === 0) {
        this.#next += 1;
        return this.#open(name, opening.balance, rows);
      }
      rows.push(this.#close(this.#open(opening.party, opening.balance, rows)));
    }
    return this.#open(name, ZERO_TWD, rows);
  }

  #open(name: string, balance: Twd, rows: Cell[][]): PartyState {
    rows.push(summaryRow(name, 'opening', '', '', balance));
    this.#party = { name, balance, debits: ZERO_TWD, credits: ZERO_TWD };
    return this.#party;
  }

  #close(party: PartyState): Cell[] {
    this.#party = undefined;
    this.#debits = addTwd(this.#debits, party.debits);
    this.#credits = addTwd(this.#credits, party.credits);
    this.#closing = addTwd(this.#closing, party.balance);
    return summaryRow(party.name, 'closing', party.debits, party.credits, party.balance);
  }
}

/** An opening, closing or total row: the party and the row kind, the entry columns left blank, then amounts. */
function summaryRow(party: string, kind: string, debit: Cell, credit: Cell, balance: Cell): Cell[] {
  return [party, kind, '', '', '', '', '', '', '', '', '', '', debit, credit, balance];
}
