import {
  Account,
  type Balance,
  currentBalancesAsOf,
  currentChart,
  ENTRIES_POSTED_ON,
  EntryKind,
  linesOfEntries,
  type Ledger,
  LEDGERS,
  refreshSnapshots,
  withIndexScans,
} from '@tixclear/settlement';
import type { DataSource } from 'typeorm';

/*
 * Every read of the ledgers and books pages (and their operator API), in one module: balances, a party's
 * entries, an entry with its voucher and split, the trust liability over time and the value outstanding.
 *
 * Balances come from the per-posted-day snapshots (libs/settlement balances: `currentBalancesAsOf` brings them
 * up to date, then reads one day's rows, never refusing nor reading a stale one), so a page costs the groups of
 * one day, not the history. Only `currentGroups` and `trustSeries` read balances. Every list is paged with a
 * LIMIT. Amounts are whole TWD as decimal strings (never floats), signed like the journal: debit positive,
 * credit negative.
 */

type Db = Pick<DataSource, 'query'>;

export { LEDGERS };
export type { Ledger };

/** The basis of the balances: the last day an entry was posted on (its run's end, else its own date). */
export interface BalanceBasis {
  postedThrough: string | null;
}

/** After every day posted: the snapshot of the last one. */
const EVERYTHING = '9999-12-31';

/** Every account, ledger and party's balance now (blank ledger or party when none), from the snapshots. */
async function currentGroups(dataSource: DataSource): Promise<{ basis: BalanceBasis; rows: Balance[] }> {
  const rows = await currentBalancesAsOf(dataSource, EVERYTHING);
  const [day] = await dataSource.query<{ through: string | null }[]>(
    `SELECT max(posted_on)::text AS through FROM balance_snapshot_days`,
  );
  return { basis: { postedThrough: day?.through ?? null }, rows };
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
export async function trialBalance(dataSource: DataSource): Promise<TrialBalance> {
  const { basis, rows } = await currentGroups(dataSource);
  const chart = currentChart();
  const byAccount = new Map<string, bigint>();
  for (const row of rows)
    byAccount.set(row.account, (byAccount.get(row.account) ?? 0n) + BigInt(row.closing));
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
  dataSource: DataSource,
  ledger: Ledger,
  page: { after?: string | undefined; limit: number },
): Promise<PartyPage> {
  const { basis, rows } = await currentGroups(dataSource);
  // A party's balance in a ledger: its lines of every account of the ledger (the snapshots' byte order).
  const byParty = new Map<string, bigint>();
  for (const row of rows)
    if (row.ledger === ledger) byParty.set(row.party, (byParty.get(row.party) ?? 0n) + BigInt(row.closing));
  const after = page.after;
  const parties = [...byParty]
    .map(([party, balance]) => ({ party, balance: balance.toString() }))
    .sort((a, b) => compareBytes(a.party, b.party))
    .filter((p) => after === undefined || compareBytes(p.party, after) > 0);
  const shown = parties.slice(0, page.limit);
  return {
    basis,
    ledger,
    parties: shown,
    next: parties.length > page.limit ? (shown.at(-1)?.party ?? null) : null,
  };
}

/** A party's balance in a ledger (zero when it has no line). */
export async function partyBalance(
  dataSource: DataSource,
  ledger: Ledger,
  party: string,
): Promise<PartyBalance> {
  const { rows } = await currentGroups(dataSource);
  const balance = rows
    .filter((row) => row.ledger === ledger && row.party === party)
    .reduce((sum, row) => sum + BigInt(row.closing), 0n);
  return { party, balance: balance.toString() };
}

/** Byte order (`COLLATE "C"`), as the snapshots and exports order parties. */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
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

/** The posted days one page may read at most: its cost is that many nights' lines, whatever the history. */
export const PARTY_DAYS_PER_PAGE = 7;
/** The posted days one page looks back over for the days a party moved on (their snapshot rows, by key). */
export const PARTY_LOOKBACK_DAYS = 92;
/** No entry id reaches it: a cursor at the end of its day. */
const END_OF_DAY = '999999999999999999';

/**
 * A party's entries in a ledger, newest first: by the day they were posted, then entry id. A page walks the
 * posted days back from its cursor (`before`: `<day>.<entry id>`, the previous page's `next`), reading each
 * day's lines through the BRIN index on `entry_id` (libs/settlement balances `linesOfEntries`), until it has
 * `limit` entries or has read PARTY_DAYS_PER_PAGE days; `next` continues from there (null when no day is left).
 */
export async function partyEntries(
  dataSource: DataSource,
  ledger: Ledger,
  party: string,
  page: { before?: string | undefined; limit: number },
): Promise<PartyEntries> {
  const [fromDay, fromId] = page.before ? page.before.split('.') : [EVERYTHING, END_OF_DAY];
  await refreshSnapshots(dataSource);
  const entries: PartyEntry[] = [];
  let next: string | null = null;
  await dataSource.transaction('REPEATABLE READ', async (tx) => {
    const [last] = await tx.query<{ day: string | null }[]>(
      `SELECT max(posted_on)::text AS day FROM balance_snapshot_days WHERE posted_on <= $1::date`,
      [fromDay],
    );
    if (!last?.day) return;
    const start = last.day;
    // The posted days the party moved on (its snapshot rows say so; a stale day is read anyway), newest first,
    // looking back at most PARTY_LOOKBACK_DAYS from the cursor.
    const days = await tx.query<{ day: string }[]>(
      `SELECT d.posted_on::text AS day FROM balance_snapshot_days d
        WHERE d.posted_on <= $1::date AND d.posted_on > $1::date - $3::int
          AND (d.stale OR EXISTS (
                SELECT 1 FROM balance_snapshots s
                 WHERE s.posted_on = d.posted_on AND s.ledger = $4 AND s.party = $5
                   AND (s.debits <> 0 OR s.credits <> 0)))
        ORDER BY d.posted_on DESC LIMIT $2`,
      [start, PARTY_DAYS_PER_PAGE + 1, PARTY_LOOKBACK_DAYS, ledger, party],
    );
    if (days.length <= PARTY_DAYS_PER_PAGE) {
      // Fewer moving days than a page reads within the look-back: go on before it, if anything was posted there.
      const [older] = await tx.query<{ day: string | null }[]>(
        `SELECT max(posted_on)::text AS day FROM balance_snapshot_days
          WHERE posted_on <= $1::date - $2::int`,
        [start, PARTY_LOOKBACK_DAYS],
      );
      if (older?.day) next = `${older.day}.${END_OF_DAY}`;
    }
    for (const [i, { day }] of days.entries()) {
      if (i === PARTY_DAYS_PER_PAGE) {
        next = `${day}.${END_OF_DAY}`;
        break;
      }
      const below = day === fromDay ? (fromId ?? END_OF_DAY) : END_OF_DAY;
      const want = page.limit - entries.length;
      const rows = await withIndexScans(tx, () =>
        tx.query<PartyEntry[]>(
          `WITH entries AS MATERIALIZED (${ENTRIES_POSTED_ON}),
           lines AS (
             SELECT l.entry_id, l.serial_number, sum(l.amount) AS amount FROM ${linesOfEntries('entries')} l
              WHERE l.entry_id IN (SELECT id FROM entries) AND l.ledger = $2 AND l.party = $3
                AND l.entry_id < $4::bigint
              GROUP BY l.entry_id, l.serial_number ORDER BY l.entry_id DESC LIMIT $5)
           SELECT e.id::text AS entry_id, e.kind, e.reference, e.business_date::text AS business_date,
                  $1::date::text AS posted_on, e.description, l.serial_number, l.amount::text AS amount
             FROM lines l JOIN journal_entries e ON e.id = l.entry_id
            ORDER BY l.entry_id DESC`,
          [day, ledger, party, below, want + 1],
        ),
      );
      entries.push(...rows.slice(0, want));
      if (rows.length > want) {
        next = `${day}.${entries.at(-1)!.entry_id}`;
        break;
      }
      if (entries.length === page.limit) {
        if (days[i + 1]) next = `${days[i + 1]!.day}.${END_OF_DAY}`;
        break;
      }
    }
  });
  const { balance } = await partyBalance(dataSource, ledger, party);
  return { ledger, party, balance, entries, next };
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
export async function entryDetail(dataSource: DataSource, entryId: string): Promise<EntryDetail | null> {
  const [entry] = await dataSource.query<
    Omit<EntryDetail, 'lines' | 'clearing' | 'redemption' | 'voucher'>[]
  >(
    `SELECT e.id::text AS id, e.kind, e.reference, e.business_date::text AS business_date,
            COALESCE(r.period_end, e.business_date)::text AS posted_on, e.description,
            e.corrects_entry_id::text AS corrects_entry_id
       FROM journal_entries e LEFT JOIN settlement_runs r ON r.id = e.run_id
      WHERE e.id = $1::bigint`,
    [entryId],
  );
  if (!entry) return null;
  const codes = new Map(currentChart().codes);
  // The entry's lines through the BRIN index on entry_id (a few page ranges), never a scan of the journal.
  const lines = (
    await dataSource.transaction((tx) =>
      withIndexScans(tx, () =>
        tx.query<Omit<EntryLine, 'code'>[]>(
          `SELECT account, ledger, party, serial_number, amount::text AS amount
             FROM journal_lines WHERE entry_id = $1::bigint ORDER BY id`,
          [entryId],
        ),
      ),
    )
  ).map((line) => ({ ...line, code: codes.get(line.account) ?? '' }));
  // A correction of a clearing shows the voucher it corrects.
  let lineId = entry.kind === EntryKind.clearing ? entry.reference : null;
  if (entry.kind === EntryKind.correction && entry.corrects_entry_id) {
    const [corrected] = await dataSource.query<{ kind: string; reference: string }[]>(
      `SELECT kind, reference FROM journal_entries WHERE id = $1::bigint`,
      [entry.corrects_entry_id],
    );
    if (corrected?.kind === EntryKind.clearing) lineId = corrected.reference;
  }
  const clearing = lineId && UUID.test(lineId) ? await clearingSplit(dataSource, lineId) : null;
  return {
    ...entry,
    lines,
    clearing,
    redemption: clearing ? await redemptionLine(dataSource, clearing.redemption_line_id) : null,
    voucher: clearing ? await voucherOfLine(dataSource, clearing.redemption_line_id) : null,
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
export async function trustSeries(
  dataSource: DataSource,
  until: string,
  days = TRUST_DAYS,
): Promise<TrustPoint[]> {
  await refreshSnapshots(dataSource);
  // Each day's closing of the trust account: the snapshot of the last posted day on or before it.
  return dataSource.query<TrustPoint[]>(
    `SELECT d::date::text AS date,
            (-COALESCE((SELECT s.closing FROM balance_snapshots s
                         WHERE s.posted_on = (SELECT max(posted_on) FROM balance_snapshot_days
                                               WHERE posted_on <= d::date)
                           AND s.account = $3 AND s.ledger = '' AND s.party = ''), 0))::text AS liability
       FROM generate_series($1::date - ($2::int - 1), $1::date, interval '1 day') AS d
      ORDER BY d`,
    [until, days, Account.trustLiability],
  );
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

export async function trustCheck(dataSource: DataSource): Promise<TrustCheck> {
  const { rows } = await currentGroups(dataSource);
  const liability = -rows
    .filter((row) => row.account === Account.trustLiability)
    .reduce((sum, row) => sum + BigInt(row.closing), 0n);
  // The issued ones and those in flight, each through its partial index (never every voucher ever sold).
  const [out] = await dataSource.query<{ n: number; value: string }[]>(
    `SELECT count(*)::int AS n, COALESCE(sum(cost), 0)::text AS value FROM (
       SELECT cost FROM vouchers WHERE state = 'issued' AND is_paid
       UNION ALL
       SELECT cost FROM vouchers
        WHERE state IN ('redeeming', 'redeem_unknown', 'refunding', 'refund_unknown') AND is_paid) v`,
  );
  const value = BigInt(out?.value ?? '0');
  return {
    liability: liability.toString(),
    outstanding_count: out?.n ?? 0,
    outstanding_value: value.toString(),
    difference: (liability - value).toString(),
  };
}
