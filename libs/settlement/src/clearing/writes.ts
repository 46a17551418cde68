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
    `clearings (redemption_line_id, run_id, partner_id, serial_number, product, business_date, is_paid, cost,
                escrow_fee, gateway_fee, issuance_fee, issuance_layer, headquarters, sales, reimbursement,
                headquarters_party, sales_party, reimbursement_party)`,
    inPieces(cleared.length, (i) => {
      const { row, fee } = cleared[i]!;
      return (
        `${row.id}\t${runId}\t${row.partner_id}\t${copyText(row.serial_number)}\t${copyText(row.product)}\t` +
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

/** The ledger and party columns of the institutions' fee lines (no ledger), in COPY's text format. */
const ESCROW_COLUMNS = `\\N\t${copyText(ESCROW_PARTY)}`;
const GATEWAY_COLUMNS = `\\N\t${copyText(GATEWAY_PARTY)}`;

/**
 * The lines of a voucher's clearing entry, in COPY's text format, each with its entry's date (the journal's
 * partition key): debit positive and credit negative, so that
 * they sum to zero; zero lines are left out. Every fee line names its collector: the escrow fee the trust
 * institution, the gateway fee the gateway, the issuance fee the party of its layer (`issuanceParty`).
 */
function entryLines(entryId: string, { row, fee }: Cleared, postedOn: string): string {
  const tail = `\t${copyText(row.serial_number)}\t${postedOn}\n`;
  const noParty = '\\N\t\\N';
  const headquarters = headquartersParty(row.partner_uid);
  // The split's parts are whole TWD already (the fee engine's Twd): negating them is exact.
  const line = (account: string, ledgerAndParty: string, amount: number) =>
    amount === 0 ? '' : `${entryId}\t${account}\t${ledgerAndParty}\t${amount}${tail}`;
  return (
    line(Account.trustLiability, noParty, fee.cost) +
    line(Account.feeEscrow, ESCROW_COLUMNS, -fee.escrow_fee) +
    line(Account.feeGateway, GATEWAY_COLUMNS, -fee.gateway_fee) +
    line(
      issuanceFeeAccount(fee.issuance_layer),
      `\\N\t${copyText(issuanceParty(fee.issuance_layer, { headquarters, sales: row.sales_party }))}`,
      -fee.issuance_fee,
    ) +
    line(payableAccount('headquarters'), `headquarters\t${copyText(headquarters)}`, -fee.headquarters) +
    line(payableAccount('sales'), `sales\t${copyText(row.sales_party)}`, -fee.sales) +
    line(
      payableAccount('reimbursement'),
      `reimbursement\t${copyText(row.redemption_party)}`,
      -fee.reimbursement,
    )
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
