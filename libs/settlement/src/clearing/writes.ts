import type { FeeObject } from '@tixclear/fee-engine';
import type { EntityManager } from 'typeorm';
import {
  Account,
  ESCROW_PARTY,
  GATEWAY_PARTY,
  headquartersParty,
  issuanceFeeAccount,
  issuanceParty,
  payableAccount,
} from '../accounts';
import { copyRows, copyText, inPieces } from '../copy-in';
import type { CandidateRow } from './candidates';

export interface Cleared {
  row: CandidateRow;
  fee: FeeObject;
}

export interface Held {
  row: CandidateRow;
  reason: string;
}

/**
 * Writes a chunk's clearings and, for each paid one, its balanced journal entry: the trust liability debited
 * the value; the fees and the three payables credited (zero lines left out; a gift voucher clears at zero and
 * needs no entry). Entry ids are drawn from the entries' own sequence first, so the lines can carry them. All
 * by COPY (see copy-in.ts; docs/benchmarks.md). An entry is dated its voucher's redemption, or `openFrom` (the
 * first open day of the books) when that date is in a closed period.
 */
export async function writeClearings(
  tx: EntityManager,
  runId: string,
  cleared: readonly Cleared[],
  openFrom: string | null = null,
): Promise<void> {
  const paid = cleared.filter((c) => c.row.is_paid);
  const entryIds = await drawEntryIds(tx, paid.length);
  await copyRows(
    tx,
    `clearings (redemption_line_id, run_id, partner_id, voucher_id, serial_number, product, business_date, is_paid,
                cost, escrow_fee, gateway_fee, issuance_fee, issuance_layer, headquarters, sales, reimbursement,
                headquarters_party, sales_party, reimbursement_party)`,
    inPieces(cleared.length, (i) => {
      const { row, fee } = cleared[i]!;
      return (
        `${row.id}\t${runId}\t${row.partner_id}\t${row.voucher_id ?? '\\N'}\t${copyText(row.serial_number)}\t` +
        `${copyText(row.product)}\t` +
        `${row.business_date}\t${row.is_paid ? 't' : 'f'}\t${row.cost}\t${fee.escrow_fee}\t${fee.gateway_fee}\t` +
        `${fee.issuance_fee}\t${fee.issuance_layer}\t${fee.headquarters}\t${fee.sales}\t${fee.reimbursement}\t` +
        `${copyText(headquartersParty(row.partner_uid))}\t${copyText(row.sales_party)}\t` +
        `${copyText(row.redemption_party)}\n`
      );
    }),
  );
  await copyRows(
    tx,
    `journal_entries (id, run_id, kind, reference, business_date, description)`,
    inPieces(
      paid.length,
      (i) =>
        `${entryIds[i]!}\t${runId}\tclearing\t${paid[i]!.row.id}\t${postedOn(paid[i]!.row.business_date, openFrom)}\t` +
        `${copyText(`redeemed ${paid[i]!.row.serial_number}`)}\n`,
    ),
  );
  await copyRows(
    tx,
    `journal_lines (entry_id, account, ledger, party, amount, serial_number, business_date)`,
    inPieces(paid.length, (i) =>
      entryLines(entryIds[i]!, paid[i]!, postedOn(paid[i]!.row.business_date, openFrom)),
    ),
  );
  await insertFeeSums(tx, runId, paid);
  await insertGroupSums(tx, runId, paid);
}

/**
 * The chunk's escrow and gateway fees by redemption date and partner (`clearing_fee_sums`), in its
 * transaction: the run's `fee_kept` entries are summed from these few rows (posting.ts), not from its clearings.
 */
async function insertFeeSums(tx: EntityManager, runId: string, paid: readonly Cleared[]): Promise<void> {
  const sums = new Map<
    string,
    { date: string; partner: string; vouchers: number; escrow: number; gateway: number }
  >();
  for (const { row, fee } of paid) {
    const key = `${row.business_date}|${row.partner_id}`;
    const sum = sums.get(key) ?? {
      date: row.business_date,
      partner: row.partner_id,
      vouchers: 0,
      escrow: 0,
      gateway: 0,
    };
    sum.vouchers += 1;
    sum.escrow += fee.escrow_fee;
    sum.gateway += fee.gateway_fee;
    sums.set(key, sum);
  }
  if (sums.size === 0) return;
  const rows = [...sums.values()];
  await tx.query(
    `INSERT INTO clearing_fee_sums (run_id, business_date, partner_id, vouchers, escrow_fee, gateway_fee)
     SELECT $1, d, p, v, e, g FROM unnest($2::date[], $3::uuid[], $4::int[], $5::bigint[], $6::bigint[]) AS s(d, p, v, e, g)`,
    [
      runId,
      rows.map((s) => s.date),
      rows.map((s) => s.partner),
      rows.map((s) => s.vouchers),
      rows.map((s) => s.escrow),
      rows.map((s) => s.gateway),
    ],
  );
}

/** ISO dates compare as text: a date before the books' first open day is posted on that day. */
function postedOn(businessDate: string, openFrom: string | null): string {
  return openFrom !== null && businessDate < openFrom ? openFrom : businessDate;
}

/**
 * Draws `count` journal entry ids from the entries' own sequence, as one text: a row per id cost more to
 * send than to draw. The sequence is looked up once, in a materialized CTE, not for each id as an inlined one
 * would (docs/benchmarks.md).
 */
async function drawEntryIds(tx: EntityManager, count: number): Promise<string[]> {
  if (count === 0) return [];
  const [{ ids }] = await tx.query<[{ ids: string }]>(
    `WITH entries AS MATERIALIZED (SELECT pg_get_serial_sequence('journal_entries', 'id')::regclass AS sequence)
     SELECT string_agg(nextval(entries.sequence)::text, ',') AS ids FROM entries, generate_series(1, $1)`,
    [count],
  );
  return ids.split(',');
}

/** A line of a clearing entry: its account, ledger and party (null for none), signed amount. */
type LineVisitor = (account: string, ledger: string | null, party: string | null, amount: number) => void;

/**
 * The lines of a voucher's clearing entry, debit positive and credit negative, so that they sum to zero; zero
 * lines are left out. Every fee line names its collector: the escrow fee the trust institution, the gateway fee
 * the gateway, the issuance fee the party of its layer (`issuanceParty`). Each amount is a whole part of the
 * split (the fee engine's Twd), so a sum of splits of vouchers with the same parties gives these lines' sums.
 */
function visitLines({ row, fee }: Cleared, visit: LineVisitor): void {
  const headquarters = headquartersParty(row.partner_uid);
  const line = (account: string, ledger: string | null, party: string | null, amount: number) => {
    if (amount !== 0) visit(account, ledger, party, amount);
  };
  line(Account.trustLiability, null, null, fee.cost);
  line(Account.feeEscrow, null, ESCROW_PARTY, -fee.escrow_fee);
  line(Account.feeGateway, null, GATEWAY_PARTY, -fee.gateway_fee);
  line(
    issuanceFeeAccount(fee.issuance_layer),
    null,
    issuanceParty(fee.issuance_layer, { headquarters, sales: row.sales_party }),
    -fee.issuance_fee,
  );
  line(payableAccount('headquarters'), 'headquarters', headquarters, -fee.headquarters);
  line(payableAccount('sales'), 'sales', row.sales_party, -fee.sales);
  line(payableAccount('reimbursement'), 'reimbursement', row.redemption_party, -fee.reimbursement);
}

/** The lines of a voucher's clearing entry in COPY's text format, each with its entry's date (the partition key). */
function entryLines(entryId: string, cleared: Cleared, postedOn: string): string {
  const tail = `\t${copyText(cleared.row.serial_number)}\t${postedOn}\n`;
  let text = '';
  visitLines(cleared, (account, ledger, party, amount) => {
    text += `${entryId}\t${account}\t${ledger ?? '\\N'}\t${copyText(party)}\t${amount}${tail}`;
  });
  return text;
}

/** A split being summed over vouchers. */
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The chunk's lines summed by group (`clearing_group_sums`), in its transaction: the night's balance snapshot
 * reads these rows, not the lines again. Vouchers with the same parties and layer are summed first (their
 * splits add up part by part), so the lines are visited once per such set, not once per voucher.
 */
async function insertGroupSums(tx: EntityManager, runId: string, paid: readonly Cleared[]): Promise<void> {
  const sets = new Map<string, { row: CandidateRow; fee: Mutable<FeeObject> }>();
  for (const { row, fee } of paid) {
    const key = `${fee.issuance_layer}\u0000${row.partner_uid}\u0000${row.sales_party}\u0000${row.redemption_party}`;
    const set = sets.get(key);
    if (!set) {
      sets.set(key, { row, fee: { ...fee } });
      continue;
    }
    set.fee.cost += fee.cost;
    set.fee.escrow_fee += fee.escrow_fee;
    set.fee.gateway_fee += fee.gateway_fee;
    set.fee.issuance_fee += fee.issuance_fee;
    set.fee.headquarters += fee.headquarters;
    set.fee.sales += fee.sales;
    set.fee.reimbursement += fee.reimbursement;
  }
  const groups = new Map<
    string,
    { account: string; ledger: string; party: string; debits: number; credits: number }
  >();
  for (const set of sets.values()) {
    visitLines(set, (account, ledger, party, amount) => {
      const key = `${account}\u0000${ledger ?? ''}\u0000${party ?? ''}`;
      let group = groups.get(key);
      if (!group) {
        group = { account, ledger: ledger ?? '', party: party ?? '', debits: 0, credits: 0 };
        groups.set(key, group);
      }
      if (amount > 0) group.debits += amount;
      else group.credits -= amount;
    });
  }
  if (groups.size === 0) return;
  const rows = [...groups.values()];
  await tx.query(
    `INSERT INTO clearing_group_sums (run_id, account, ledger, party, debits, credits)
     SELECT $1, a, l, p, d, c FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[]) AS s(a, l, p, d, c)`,
    [
      runId,
      rows.map((g) => g.account),
      rows.map((g) => g.ledger),
      rows.map((g) => g.party),
      rows.map((g) => g.debits),
      rows.map((g) => g.credits),
    ],
  );
}

/**
 * Lists the lines the run could not clear, with the reason (once per run and line), and puts each on the
 * operators' queue (`settlement_hold`, one open item per line) in the same transaction.
 */
export async function insertHolds(tx: EntityManager, runId: string, held: readonly Held[]): Promise<void> {
  await tx.query(
    `INSERT INTO operator_items (kind, reference, partner_id, details)
     SELECT 'settlement_hold', id::text, partner, jsonb_build_object('serial', serial, 'reason', reason, 'run', $1::text)
       FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[]) AS t(id, partner, serial, reason)
     ON CONFLICT (kind, reference) WHERE state = 'open' DO NOTHING`,
    [
      runId,
      held.map((h) => h.row.id),
      held.map((h) => h.row.partner_id),
      held.map((h) => h.row.serial_number),
      held.map((h) => h.reason.slice(0, 200)),
    ],
  );
  await tx.query(
    `INSERT INTO settlement_holds (run_id, redemption_line_id, serial_number, reason)
     SELECT $1::uuid, id, serial, reason FROM unnest($2::uuid[], $3::text[], $4::text[]) AS t(id, serial, reason)
     ON CONFLICT (run_id, redemption_line_id) DO NOTHING`,
    [
      runId,
      held.map((h) => h.row.id),
      held.map((h) => h.row.serial_number),
      held.map((h) => h.reason.slice(0, 200)),
    ],
  );
}

/** Leaves lines in the backlog, for every later run to examine. */
export async function addToBacklog(
  tx: EntityManager,
  runId: string,
  lineIds: readonly string[],
): Promise<void> {
  await tx.query(
    `INSERT INTO clearing_backlog (redemption_line_id, run_id) SELECT unnest($2::uuid[]), $1::uuid
     ON CONFLICT (redemption_line_id) DO NOTHING`,
    [runId, lineIds],
  );
}

/** Takes cleared lines (or lines cleared already) out of the backlog; their holds need no one any more. */
export async function removeFromBacklog(tx: EntityManager, lineIds: readonly string[]): Promise<void> {
  await tx.query(`DELETE FROM clearing_backlog WHERE redemption_line_id = ANY($1::uuid[])`, [lineIds]);
  await tx.query(
    `UPDATE operator_items SET state = 'resolved', resolved_at = now(), resolved_by = 'settlement',
            resolution = 'cleared'
      WHERE kind = 'settlement_hold' AND state = 'open' AND reference = ANY($1::text[])`,
    [lineIds],
  );
}
