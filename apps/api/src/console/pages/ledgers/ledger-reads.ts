import { Account, currentChart, EntryKind, type Ledger, LEDGERS } from '@tixclear/settlement';
import type { DataSource } from 'typeorm';

/*
 * Every read of the ledgers and books pages (and their operator API), in one module: balances, a party's
 * entries, an entry with its voucher and split, the trust liability over time and the value outstanding.
 *
 * Balances are the last closed month's carried balances (`period_balances`, libs/settlement periods) plus what
 * was posted after it (entries dated after the close: the trigger keeps a closed month's entries fixed). Only
 * `balanceRows` knows where balances come from: per-period snapshots replace it without touching the pages.
 * Every list is keyset-paged with a LIMIT. Amounts are whole TWD as decimal strings (bigint sums, never floats),
 * signed like the journal: debit positive, credit negative.
 */

type Db = Pick<DataSource, 'query'>;

export { LEDGERS };
export type { Ledger };

/** The basis of the balances: the last closed month, or none. */
export interface BalanceBasis {
  closedPeriod: string | null;
  closedThrough: string | null;
}

/** A balance by account, ledger and party (blank when none), signed like the journal. */
interface BalanceRow {
  account: string;
  ledger: string;
  party: string;
  balance: string;
}

/**
 * Balances now, grouped by `group` (columns of account, ledger, party), for the lines `where` selects
 * (`$n` parameters from `params`). The one place that reads balances: the closed month's carried balances plus
 * the entries dated after it.
 */
async function balanceRows(
  db: Db,
  group: ReadonlyArray<'account' | 'ledger' | 'party'>,
  where: string,
  params: unknown[],
  tail = '',
): Promise<{ basis: BalanceBasis; rows: BalanceRow[] }> {
  const [basis] = await db.query<{ period: string | null; through: string | null }[]>(
    `SELECT max(period) AS period, max(period_end)::text AS through FROM accounting_periods`,
  );
  const through = basis?.through ?? null;
  const n = params.length;
  const cols = group.join(', ');
  const select = ['account', 'ledger', 'party']
    .map((c) => (group.includes(c as never) ? c : `''::text AS ${c}`))
    .join(', ');
  const rows = await db.query<BalanceRow[]>(
    `WITH moved AS (
       SELECT b.account, b.ledger, b.party, b.balance
         FROM period_balances b WHERE b.period = $${n + 1}::text
       UNION ALL
       SELECT l.account, COALESCE(l.ledger, ''), COALESCE(l.party, ''), l.amount
         FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id
        WHERE $${n + 2}::date IS NULL OR e.business_date > $${n + 2}::date)
     SELECT ${select}, sum(balance)::text AS balance FROM (SELECT * FROM moved) m
      WHERE ${where}
      GROUP BY ${cols} ${tail}`,
    [...params, basis?.period ?? null, through],
  );
  return { basis: { closedPeriod: basis?.period ?? null, closedThrough: through }, rows };
}

/** One account of the trial balance, with the operator's code and name for it. */
export interface TrialBalanceRow {
  account: string;
  code: string;
  name: string;
  debit: string;
  credit: string;
}

export interface TrialBalance {
  basis: BalanceBasis;
  accounts: TrialBalanceRow[];
  debits: string;
  credits: string;
  balanced: boolean;
}

/** Every account of the chart (and any other the journal holds), its balance as a debit or a credit. */
export async function trialBalance(db: Db): Promise<TrialBalance> {
  const { basis, rows } = await balanceRows(db, ['account'], 'true', []);
  const chart = currentChart();
  const byAccount = new Map(rows.map((row) => [row.account, BigInt(row.balance)]));
  // In the order of the operator's codes (its accounting software's order); an unmapped account last.
  const codeOf = (account: string) => chart.accounts.get(account)?.code ?? '\uffff' + account;
  const accounts = [...new Set([...chart.accounts.keys(), ...byAccount.keys()])].sort((a, b) =>
    codeOf(a) < codeOf(b) ? -1 : codeOf(a) > codeOf(b) ? 1 : 0,
  );
  let debits = 0n;
  let credits = 0n;
  const lines = accounts.map((account) => {
    const balance = byAccount.get(account) ?? 0n;
    if (balance > 0n) debits += balance;
    else credits -= balance;
    const mapped = chart.accounts.get(account);
    return {
      account,
      code: mapped?.code ?? '',
      name: mapped?.name ?? '',
      debit: balance > 0n ? balance.toString() : '0',
      credit: balance < 0n ? (-balance).toString() : '0',
    };
  });
  return {
    basis,
    accounts: lines,
    debits: debits.toString(),
    credits: credits.toString(),
    balanced: debits === credits,
  };
}

export interface PartyBalance {
  party: string;
  /** Signed like the journal: what we owe the party is negative. */
  balance: string;
}

export interface PartyPage {
  basis: BalanceBasis;
  ledger: Ledger;
  parties: PartyBalance[];
  /** The `after` of the next page, or null on the last. */
  next: string | null;
}

/** A ledger's parties with their balances, in byte order of the party, `limit` after `after`. */
export async function ledgerParties(
  db: Db,
  ledger: Ledger,
  page: { after?: string | undefined; limit: number },
): Promise<PartyPage> {
  const { basis, rows } = await balanceRows(
    db,
    ['party'],
    `m.ledger = $1 AND ($2::text IS NULL OR m.party COLLATE "C" > $2::text COLLATE "C")`,
    [ledger, page.after ?? null],
    `ORDER BY party COLLATE "C" LIMIT ${page.limit + 1}`,
  );
  const parties = rows.slice(0, page.limit).map((row) => ({ party: row.party, balance: row.balance }));
  return {
    basis,
    ledger,
    parties,
    next: rows.length > page.limit ? (parties.at(-1)?.party ?? null) : null,
  };
}

/** A party's balance in a ledger (zero when it has no line). */
export async function partyBalance(db: Db, ledger: Ledger, party: string): Promise<PartyBalance> {
  const { rows } = await balanceRows(db, ['party'], `m.ledger = $1 AND m.party = $2`, [ledger, party]);
  return { party, balance: rows[0]?.balance ?? '0' };
}

/** A party's line of an entry: the entry, when it was posted, and the line's signed amount. */
export interface PartyEntry {
  entry_id: string;
  kind: string;
  reference: string;
  business_date: string;
  posted_on: string;
  description: string;
  serial_number: string | null;
  amount: string;
}

export interface PartyEntries {
  ledger: Ledger;
  party: string;
  balance: string;
  entries: PartyEntry[];
  /** The `before` of the next (older) page, or null on the last. */
  next: string | null;
}

/** A party's entries in a ledger, newest first (by entry id), `limit` before the entry id `before`. */
export async function partyEntries(
  db: Db,
  ledger: Ledger,
  party: string,
  page: { before?: string | undefined; limit: number },
): Promise<PartyEntries> {
  const rows = await db.query<PartyEntry[]>(
    `SELECT e.id::text AS entry_id, e.kind, e.reference, e.business_date::text AS business_date,
            COALESCE(r.period_end, e.business_date)::text AS posted_on, e.description, l.serial_number,
            l.amount::text AS amount
       FROM (SELECT entry_id, serial_number, sum(amount) AS amount FROM journal_lines
              WHERE ledger = $1 AND party = $2 AND ($3::bigint IS NULL OR entry_id < $3::bigint)
              GROUP BY entry_id, serial_number ORDER BY entry_id DESC LIMIT $4) l
       JOIN journal_entries e ON e.id = l.entry_id
       LEFT JOIN settlement_runs r ON r.id = e.run_id
      ORDER BY l.entry_id DESC`,
    [ledger, party, page.before ?? null, page.limit + 1],
  );
  const entries = rows.slice(0, page.limit);
  const { balance } = await partyBalance(db, ledger, party);
  return {
    ledger,
    party,
    balance,
    entries,
    next: rows.length > page.limit ? (entries.at(-1)?.entry_id ?? null) : null,
  };
}

export interface EntryLine {
  account: string;
  code: string;
  ledger: string | null;
  party: string | null;
  serial_number: string | null;
  amount: string;
}

/** A cleared voucher's split as the clearing row holds it, with the schedule and sharing it was cleared by. */
export interface ClearingSplit {
  redemption_line_id: string;
  run_period: string;
  partner: string;
  serial_number: string;
  product: string;
  business_date: string;
  is_paid: boolean;
  cost: string;
  escrow_fee: string;
  gateway_fee: string;
  issuance_layer: number;
  issuance_fee: string;
  headquarters: string;
  headquarters_party: string;
  sales: string;
  sales_party: string;
  reimbursement: string;
  reimbursement_party: string;
  /** `gateway` when an operator accepted the gateway's split for the line, else `ours`. */
  split_from: 'ours' | 'gateway';
  schedule: {
    issuer_id: string;
    effective_from: string;
    escrow_rate: string;
    gateway_rate: string;
    issuance_fee: string;
    issuance_layer: number;
  } | null;
  sharing: { headquarters: string | null; sales: string | null; reimbursement: string | null };
}

export interface RedemptionLineView {
  id: string;
  serial_number: string;
  item_id: string;
  redeemed_at: Date;
  business_date: string;
  sales_point: string;
  redemption_point: string;
  redemption_order_id: string | null;
  gateway_fee: unknown;
}

export interface VoucherView {
  serial_number: string;
  state: string;
  is_paid: boolean;
  price: string;
  cost: string;
  item_name: string;
  sales_point: string;
  trust_end_date: string | null;
  sale_order_id: string | null;
  sale_gateway_uid: string | null;
  sold_at: Date | null;
}

export interface EntryDetail {
  id: string;
  kind: string;
  reference: string;
  business_date: string;
  posted_on: string;
  description: string;
  corrects_entry_id: string | null;
  lines: EntryLine[];
  clearing: ClearingSplit | null;
  redemption: RedemptionLineView | null;
  voucher: VoucherView | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * An entry (by primary key) with its lines and, for a clearing (or a correction of one), the voucher's split,
 * its redemption line and its sale. Null when there is no such entry.
 */
export async function entryDetail(db: Db, entryId: string): Promise<EntryDetail | null> {
  const [entry] = await db.query<Omit<EntryDetail, 'lines' | 'clearing' | 'redemption' | 'voucher'>[]>(
    `SELECT e.id::text AS id, e.kind, e.reference, e.business_date::text AS business_date,
            COALESCE(r.period_end, e.business_date)::text AS posted_on, e.description,
            e.corrects_entry_id::text AS corrects_entry_id
       FROM journal_entries e LEFT JOIN settlement_runs r ON r.id = e.run_id
      WHERE e.id = $1::bigint`,
    [entryId],
  );
  if (!entry) return null;
  const codes = new Map(currentChart().codes);
  const lines = (
    await db.query<Omit<EntryLine, 'code'>[]>(
      `SELECT account, ledger, party, serial_number, amount::text AS amount
         FROM journal_lines WHERE entry_id = $1::bigint ORDER BY id`,
      [entryId],
    )
  ).map((line) => ({ ...line, code: codes.get(line.account) ?? '' }));
  // A correction of a clearing shows the voucher it corrects.
  let lineId = entry.kind === EntryKind.clearing ? entry.reference : null;
  if (entry.kind === EntryKind.correction && entry.corrects_entry_id) {
    const [corrected] = await db.query<{ kind: string; reference: string }[]>(
      `SELECT kind, reference FROM journal_entries WHERE id = $1::bigint`,
      [entry.corrects_entry_id],
    );
    if (corrected?.kind === EntryKind.clearing) lineId = corrected.reference;
  }
  const clearing = lineId && UUID.test(lineId) ? await clearingSplit(db, lineId) : null;
  return {
    ...entry,
    lines,
    clearing,
    redemption: clearing ? await redemptionLine(db, clearing.redemption_line_id) : null,
    voucher: clearing ? await voucherOfLine(db, clearing.redemption_line_id) : null,
  };
}

async function clearingSplit(db: Db, lineId: string): Promise<ClearingSplit | null> {
  const [row] = await db.query<(Omit<ClearingSplit, 'schedule' | 'sharing'> & Record<string, unknown>)[]>(
    `SELECT c.redemption_line_id::text AS redemption_line_id,
            CASE WHEN rn.period_start = rn.period_end THEN rn.period_end::text
                 ELSE rn.period_start::text || '_' || rn.period_end::text END AS run_period,
            p.partner_uid AS partner, c.serial_number, c.product, c.business_date::text AS business_date,
            c.is_paid, c.cost::text AS cost, c.escrow_fee::text AS escrow_fee, c.gateway_fee::text AS gateway_fee,
            c.issuance_layer::int AS issuance_layer, c.issuance_fee::text AS issuance_fee,
            c.headquarters::text AS headquarters, c.headquarters_party, c.sales::text AS sales, c.sales_party,
            c.reimbursement::text AS reimbursement, c.reimbursement_party,
            CASE WHEN rl.fee_accepted THEN 'gateway' ELSE 'ours' END AS split_from,
            rl.sharing_headquarters::text AS sharing_headquarters, rl.sharing_sales::text AS sharing_sales,
            rl.sharing_reimbursement::text AS sharing_reimbursement,
            s.issuer_id, s.effective_from::text AS effective_from, s.escrow_rate::text AS escrow_rate,
            s.gateway_rate::text AS gateway_rate, s.issuance_fee::text AS schedule_issuance_fee,
            s.issuance_layer::int AS schedule_issuance_layer
       FROM clearings c
       JOIN settlement_runs rn ON rn.id = c.run_id
       JOIN partners p ON p.id = c.partner_id
       LEFT JOIN redemption_lines rl ON rl.id = c.redemption_line_id
       -- the issuer's schedule in force on the redemption date, as the fee engine chose it
       LEFT JOIN LATERAL (
         SELECT * FROM fee_schedules f
          WHERE f.issuer_id = p.issuer_id AND f.effective_from <= c.business_date
          ORDER BY f.effective_from DESC LIMIT 1) s ON true
      WHERE c.redemption_line_id = $1::uuid`,
    [lineId],
  );
  if (!row) return null;
  const {
    sharing_headquarters,
    sharing_sales,
    sharing_reimbursement,
    issuer_id,
    effective_from,
    escrow_rate,
    gateway_rate,
    schedule_issuance_fee,
    schedule_issuance_layer,
    ...split
  } = row;
  return {
    ...(split as Omit<ClearingSplit, 'schedule' | 'sharing'>),
    schedule:
      typeof issuer_id === 'string'
        ? {
            issuer_id,
            effective_from: String(effective_from),
            escrow_rate: String(escrow_rate),
            gateway_rate: String(gateway_rate),
            issuance_fee: String(schedule_issuance_fee),
            issuance_layer: Number(schedule_issuance_layer),
          }
        : null,
    sharing: {
      headquarters: (sharing_headquarters as string | null) ?? null,
      sales: (sharing_sales as string | null) ?? null,
      reimbursement: (sharing_reimbursement as string | null) ?? null,
    },
  };
}

async function redemptionLine(db: Db, lineId: string): Promise<RedemptionLineView | null> {
  const [row] = await db.query<RedemptionLineView[]>(
    `SELECT rl.id::text AS id, rl.serial_number, rl.item_id, rl.redeemed_at, rl.business_date::text AS business_date,
            rl.sales_point, rl.redemption_point, o.order_id AS redemption_order_id, rl.gateway_fee
       FROM redemption_lines rl LEFT JOIN operations o ON o.id = rl.operation_id
      WHERE rl.id = $1::uuid`,
    [lineId],
  );
  return row ?? null;
}

async function voucherOfLine(db: Db, lineId: string): Promise<VoucherView | null> {
  const [row] = await db.query<VoucherView[]>(
    `SELECT v.serial_number, v.state, v.is_paid, v.price::text AS price, v.cost::text AS cost,
            v.item_name, v.sales_point, v.trust_end_date::text AS trust_end_date,
            o.order_id AS sale_order_id, o.gateway_uid AS sale_gateway_uid, o.created_at AS sold_at
       FROM redemption_lines rl
       JOIN vouchers v ON v.id = rl.voucher_id
       LEFT JOIN operations o ON o.id = v.purchase_operation_id
      WHERE rl.id = $1::uuid`,
    [lineId],
  );
  return row ?? null;
}

/** The trust liability at the end of a day, as the books stood then (entries by the day they were posted). */
export interface TrustPoint {
  date: string;
  /** The credit balance of `trust_liability`: what the trust holds for vouchers sold. */
  liability: string;
}

export const TRUST_DAYS = 90;

/**
 * The trust liability at the end of each of the `days` days ending at `until`: its balance now less what was
 * posted after each day (a run's entries are posted on its period's end, an operator's on their own date).
 * Reads the entries posted after the window's first day (through the runs' index) and today's balance.
 */
export async function trustSeries(db: Db, until: string, days = TRUST_DAYS): Promise<TrustPoint[]> {
  const { rows } = await balanceRows(db, ['account'], `m.account = $1`, [Account.trustLiability]);
  const now = BigInt(rows[0]?.balance ?? '0');
  const moved = await db.query<{ posted_on: string; amount: string }[]>(
    `WITH entries AS (
       SELECT e.id, r.period_end AS posted_on
         FROM settlement_runs r JOIN journal_entries e ON e.run_id = r.id
        WHERE r.period_end > $1::date - $2::int
       UNION ALL
       SELECT e.id, e.business_date FROM journal_entries e
        WHERE e.run_id IS NULL AND e.business_date > $1::date - $2::int)
     SELECT x.posted_on::text AS posted_on, sum(l.amount)::text AS amount
       FROM entries x JOIN journal_lines l ON l.entry_id = x.id AND l.account = $3
      GROUP BY x.posted_on ORDER BY x.posted_on`,
    [until, days, Account.trustLiability],
  );
  const points: TrustPoint[] = [];
  const start = Date.parse(`${until}T00:00:00Z`) - (days - 1) * 86_400_000;
  for (let i = 0; i < days; i++) {
    const date = new Date(start + i * 86_400_000).toISOString().slice(0, 10);
    // Balance at the end of `date` = now less what was posted after it; a liability is the credit, so negated.
    const after = moved.filter((m) => m.posted_on > date).reduce((sum, m) => sum + BigInt(m.amount), 0n);
    points.push({ date, liability: (-(now - after)).toString() });
  }
  return points;
}

/** The trust liability in the books against the value of the vouchers outstanding, and the difference. */
export interface TrustCheck {
  /** The credit balance of `trust_liability`, everything posted so far. */
  liability: string;
  /** Paid vouchers sold and not redeemed, refunded nor expired (nor voided): count and value. */
  outstanding_count: number;
  outstanding_value: string;
  /** liability − outstanding: sales not yet posted by a run, redemptions not yet cleared by one. */
  difference: string;
}

/** Vouchers a sale made and nothing has ended yet (`@tixclear/domain` voucher machine). */
const OUTSTANDING_STATES = ['issued', 'redeeming', 'redeem_unknown', 'refunding', 'refund_unknown'] as const;

export async function trustCheck(db: Db): Promise<TrustCheck> {
  const { rows } = await balanceRows(db, ['account'], `m.account = $1`, [Account.trustLiability]);
  const liability = -BigInt(rows[0]?.balance ?? '0');
  const [out] = await db.query<{ n: number; value: string }[]>(
    `SELECT count(*)::int AS n, COALESCE(sum(cost), 0)::text AS value
       FROM vouchers WHERE is_paid AND state = ANY($1::text[])`,
    [OUTSTANDING_STATES],
  );
  const value = BigInt(out?.value ?? '0');
  return {
    liability: liability.toString(),
    outstanding_count: out?.n ?? 0,
    outstanding_value: value.toString(),
    difference: (liability - value).toString(),
  };
}
