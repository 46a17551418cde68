import { addTwd, subTwd, twd, ZERO_TWD, type Twd } from '@tixclear/domain';
import type { DataSource } from 'typeorm';
import { HEADQUARTERS_PREFIX } from '../accounts';
import { balancesOver, nightRead, refreshSnapshots } from '../balances/index';
import { gatherPeriodLines, money, type BalanceGroup, type Tx } from '../exports/queries';
import { PartnerStatementError, PartnerStatementErrorCode } from './errors';
import { dayBefore, type StatementPeriod } from './period';
import {
  MOVEMENTS_SQL,
  PARTNERS_SQL,
  PAYMENTS_SQL,
  PAYOUTS_SQL,
  REDEEMED_SQL,
  TRUST_HELD_SQL,
} from './statement-queries';

/**
 * A partner's statement for a period, as lines (the CSV's rows, the HTML page's tables):
 * - `sales`: vouchers sold (paid: count and value; gifts: count);
 * - `refunds`: paid vouchers refunded;
 * - `redemptions`: vouchers cleared (paid, gifts), their fees (escrow, gateway, issuance by layer) and the
 *   three shares, from the clearings;
 * - `trust`: the value the trust holds for the partner's vouchers: `opening` (end of the day before), the
 *   period's movements (sold +, refunded, redeemed, settled outside, expired −), `closing`;
 * - `balance`: per party of the partner and account, what we owe it (positive): `opening`, `credited` (+,
 *   earned), `debited` (−, paid), `closing` — the journal's balances, so all partners' add up to the ledgers;
 * - `payouts`: the pay-off items paid to its parties (remitted, or settled outside) posted in the period, and
 *   their `total`;
 * - `payments`: PayPage payments received, refunded and refunds cancelled (entries and what we owe for them,
 *   `payable_payments`), and their `net`.
 */
export type Section = 'sales' | 'refunds' | 'redemptions' | 'trust' | 'balance' | 'payouts' | 'payments';

export interface StatementLine {
  section: Section;
  item: string;
  party: string;
  account: string;
  /** A pay-off item: `<group_id>/<item_id>`. */
  reference: string;
  postedOn: string;
  count: number | '';
  amount: Twd | '';
}

export interface Statement {
  partner: { uid: string; name: string; issuer: string };
  period: StatementPeriod;
  lines: StatementLine[];
}

/** Does `party` belong to the partner `uid` (its headquarters `hq:<uid>`, or one of its points `<uid>:…`)? */
export function partyOf(uid: string, party: string): boolean {
  return party === `${HEADQUARTERS_PREFIX}${uid}` || party.startsWith(`${uid}:`);
}

/**
 * The statements of one partner (`partnerUid`) or of every partner (byte order of uid) for a period, read in
 * one REPEATABLE READ snapshot. No clock, no random value: the same database and period give the same lines.
 * Throws `STATEMENT_PARTNER_NOT_FOUND` for an unknown uid, `STATEMENT_NOT_RECONCILED` when a trust or balance
 * does not carry from opening to closing.
 */
export async function buildStatements(
  dataSource: DataSource,
  period: StatementPeriod,
  partnerUid?: string,
): Promise<Statement[]> {
  await refreshSnapshots(dataSource);
  return dataSource.transaction('REPEATABLE READ', async (tx) => {
    const balances = await balancesOver(tx, period.start, period.end);
    await gatherPeriodLines(tx, period.start, period.end);
    return statementsOfPeriod(tx, period, balances, partnerUid);
  });
}

/**
 * The statements inside a transaction that has gathered the period's lines (`gatherPeriodLines`) and summed
 * its balances (`balancesOver`, the day snapshots), as the export does: the nightly export writes every partner's from its own
 * snapshot, so they agree with its ledgers by construction.
 */
export async function statementsOfPeriod(
  tx: Tx,
  period: StatementPeriod,
  balances: BalanceGroup[],
  partnerUid?: string,
): Promise<Statement[]> {
  const partners = await tx.query<
    Array<{ id: string; partner_uid: string; name: string; issuer_id: string }>
  >(PARTNERS_SQL, [partnerUid ?? null]);
  if (partnerUid !== undefined && partners.length === 0) {
    throw new PartnerStatementError(
      PartnerStatementErrorCode.PartnerNotFound,
      `no partner ${partnerUid}`,
      'partner',
    );
  }
  const figures = await readFigures(tx, period, balances);
  return partners.map((partner) => {
    const statement: Statement = {
      partner: { uid: partner.partner_uid, name: partner.name, issuer: partner.issuer_id },
      period,
      lines: statementLines(partner.id, partner.partner_uid, figures),
    };
    checkCarried(statement);
    return statement;
  });
}

type Rows = Array<Record<string, string>>;

interface Figures {
  movements: Rows;
  redeemed: Rows;
  opening: Rows;
  closing: Rows;
  balances: BalanceGroup[];
  payouts: Rows;
  payments: Rows;
}

async function readFigures(tx: Tx, period: StatementPeriod, balances: BalanceGroup[]): Promise<Figures> {
  const dates = [period.start, period.end];
  return nightRead(tx, async () => ({
    movements: await tx.query<Rows>(MOVEMENTS_SQL, dates),
    redeemed: await tx.query<Rows>(REDEEMED_SQL, dates),
    opening: await tx.query<Rows>(TRUST_HELD_SQL, [dayBefore(period.start)]),
    closing: await tx.query<Rows>(TRUST_HELD_SQL, [period.end]),
    balances,
    payouts: await tx.query<Rows>(PAYOUTS_SQL, dates),
    payments: await tx.query<Rows>(PAYMENTS_SQL, dates),
  }));
}

const line = (
  section: Section,
  item: string,
  count: number | '',
  amount: Twd | '',
  rest: Partial<Pick<StatementLine, 'party' | 'account' | 'reference' | 'postedOn'>> = {},
): StatementLine => ({
  section,
  item,
  party: rest.party ?? '',
  account: rest.account ?? '',
  reference: rest.reference ?? '',
  postedOn: rest.postedOn ?? '',
  count,
  amount,
});

const count = (value: string | undefined): number => Number(value ?? 0);
const negate = (amount: Twd): Twd => subTwd(ZERO_TWD, amount);

function statementLines(partnerId: string, uid: string, figures: Figures): StatementLine[] {
  const moved = (item: string) =>
    figures.movements.find((row) => row.partner_id === partnerId && row.item === item);
  const movement = (item: string) => {
    const row = moved(item);
    return {
      count: count(row?.count),
      amount: money(row?.amount, `statement.${item}`),
      gifts: count(row?.gifts),
    };
  };
  const sold = movement('sold');
  const refunded = movement('refunded');
  const settled = movement('settled_outside');
  const expired = movement('expired');

  const redeemedRows = figures.redeemed.filter((row) => row.partner_id === partnerId);
  const sum = (column: string): Twd =>
    redeemedRows.reduce((total, row) => addTwd(total, money(row[column], `statement.${column}`)), ZERO_TWD);
  const redeemedPaid = redeemedRows.reduce((total, row) => total + count(row.paid), 0);
  const redeemedGifts = redeemedRows.reduce((total, row) => total + count(row.gifts), 0);
  const redeemedValue = sum('value');

  const held = (rows: Rows) => {
    const row = rows.find((r) => r.partner === uid);
    return { count: count(row?.count), amount: money(row?.amount, 'statement.trust') };
  };
  const opening = held(figures.opening);
  const closing = held(figures.closing);

  const lines: StatementLine[] = [
    line('sales', 'paid', sold.count, sold.amount),
    line('sales', 'gift', sold.gifts, ''),
    line('refunds', 'paid', refunded.count, refunded.amount),
    line('redemptions', 'paid', redeemedPaid, redeemedValue),
    line('redemptions', 'gift', redeemedGifts, ''),
    line('redemptions', 'escrow_fee', '', sum('escrow_fee')),
    line('redemptions', 'gateway_fee', '', sum('gateway_fee')),
    ...redeemedRows
      .filter((row) => money(row.issuance_fee, 'statement.issuance_fee') !== 0)
      .sort((a, b) => count(a.issuance_layer) - count(b.issuance_layer))
      .map((row) =>
        line(
          'redemptions',
          `issuance_fee_l${row.issuance_layer}`,
          '',
          money(row.issuance_fee, 'issuance_fee'),
        ),
      ),
    line('redemptions', 'headquarters', '', sum('headquarters')),
    line('redemptions', 'sales', '', sum('sales')),
    line('redemptions', 'reimbursement', '', sum('reimbursement')),
    line('trust', 'opening', opening.count, opening.amount),
    line('trust', 'sold', sold.count, sold.amount),
    line('trust', 'refunded', refunded.count, negate(refunded.amount)),
    line('trust', 'redeemed', redeemedPaid, negate(redeemedValue)),
    line('trust', 'settled_outside', settled.count, negate(settled.amount)),
    line('trust', 'expired', expired.count, negate(expired.amount)),
    line('trust', 'closing', closing.count, closing.amount),
  ];

  // What we owe each of the partner's parties, per account: the journal's balances negated (credit = owed).
  for (const group of figures.balances) {
    if (!partyOf(uid, group.party)) continue;
    if (group.opening === 0 && group.debits === 0 && group.credits === 0) continue;
    const rest = { party: group.party, account: group.account };
    lines.push(
      line('balance', 'opening', '', negate(group.opening), rest),
      line('balance', 'credited', '', group.credits, rest),
      line('balance', 'debited', '', negate(group.debits), rest),
      line('balance', 'closing', '', negate(group.closing), rest),
    );
  }

  let paidOut = ZERO_TWD;
  let items = 0;
  for (const row of figures.payouts) {
    if (!partyOf(uid, row.party ?? '')) continue;
    const amount = money(row.amount, 'statement.payout');
    paidOut = addTwd(paidOut, amount);
    items += 1;
    lines.push(
      line('payouts', row.kind ?? '', 1, amount, {
        party: row.party,
        reference: `${row.group_id}/${row.item_id}`,
        postedOn: row.posted_on,
      }),
    );
  }
  lines.push(line('payouts', 'total', items, paidOut));
  lines.push(...paymentLines(partnerId, figures.payments));
  return lines;
}

/** The payments section: received (+), refunded (−), refunds cancelled (+), net (what we now owe for them). */
function paymentLines(partnerId: string, rows: Rows): StatementLine[] {
  let net = ZERO_TWD;
  const lines = ['received', 'refunded', 'refund_cancelled'].map((item) => {
    const row = rows.find((r) => r.partner_id === partnerId && r.item === item);
    const amount = money(row?.amount, `statement.payments.${item}`);
    net = addTwd(net, amount);
    return line('payments', item, count(row?.count), amount);
  });
  return [...lines, line('payments', 'net', '', net)];
}

/**
 * The trust and every balance must carry: opening plus the movements is the closing. The trust's sides are
 * computed apart (the vouchers held at each end, the period's entries), so a gap between them — an entry kind
 * the statement does not know — stops the statement instead of printing figures that do not add up.
 */
function checkCarried(statement: Statement): void {
  const carried = (lines: StatementLine[], what: string) => {
    let balance = ZERO_TWD;
    for (const entry of lines) {
      if (entry.item === 'opening') balance = twd(entry.amount || 0);
      else if (entry.item === 'closing') {
        if (entry.amount !== balance) {
          throw new PartnerStatementError(
            PartnerStatementErrorCode.NotReconciled,
            `${statement.partner.uid} ${what}: opening and movements come to ${balance}, closing is ${entry.amount}`,
          );
        }
      } else balance = addTwd(balance, twd(entry.amount || 0));
    }
  };
  carried(
    statement.lines.filter((entry) => entry.section === 'trust'),
    'trust',
  );
  const balances = new Map<string, StatementLine[]>();
  for (const entry of statement.lines.filter((l) => l.section === 'balance')) {
    const key = `${entry.party}\u0000${entry.account}`;
    balances.set(key, [...(balances.get(key) ?? []), entry]);
  }
  for (const [key, lines] of balances) carried(lines, `balance ${key.replace('\u0000', ' ')}`);
}
