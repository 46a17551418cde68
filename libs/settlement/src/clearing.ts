import { twd } from '@tixclear/domain';
import type { FeeObject, FeeRule, FeeScheduleBook } from '@tixclear/fee-engine';
import type { DataSource, EntityManager } from 'typeorm';
import { Account, HEADQUARTERS_PREFIX, ISSUANCE_ACCOUNT_PREFIX, payableAccount } from './accounts';

interface CandidateRow {
  id: string;
  partner_id: string;
  serial_number: string;
  is_paid: boolean;
  cost: string;
  our_fee: FeeObject | null;
  fee_issue: string | null;
  business_date: string;
  sales_point: string;
  redemption_point: string;
  product: string | null;
  sharing_headquarters: string | null;
  sharing_sales: string | null;
  sharing_reimbursement: string | null;
  partner_uid: string;
  issuer_id: string;
}

export interface ClearingChunkResult {
  cleared: number;
  held: number;
  /** The last line id examined: the next chunk starts after it. */
  lastId: string | undefined;
}

/**
 * Clears redeemed vouchers in chunks of one transaction each: every line redeemed up to the run's end date that
 * no run has cleared. Each is split again by the fee engine from the issuer's schedule in force on its
 * redemption date (and must agree with the split stored at redemption); a line that cannot be cleared as it
 * is (fee disagreement, no split, a payee without a payout account) is held and listed, and every later run
 * tries it again. The primary key of `clearings` makes clearing exactly-once; the journal entry of each
 * cleared voucher is written server-side in the same transaction (one INSERT … SELECT per chunk), so a killed
 * worker leaves either the whole chunk or none of it.
 */
export class Clearing {
  readonly #rules = new Map<string, FeeRule>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly book: FeeScheduleBook,
    /** Payout accounts by party (`store:…`, `dealer:…`, `hq:…`); a missing party holds the voucher. */
    private readonly accounts: ReadonlyMap<string, string>,
  ) {}

  /** Clears the next `size` lines after `after` (and below `below`, when a lane of {@link clearAll} is bounded). */
  async clearChunk(
    runId: string,
    periodEnd: string,
    after: string | undefined,
    size: number,
    below?: string,
  ): Promise<ClearingChunkResult> {
    return this.dataSource.transaction(async (tx) => {
      // A chunk's joins and sorts (tens of thousands of rows) spill to disk at PostgreSQL's default 4 MB.
      await tx.query(`SET LOCAL work_mem = '128MB'`);
      const rows = await candidates(tx, periodEnd, after, size, below);
      if (rows.length === 0) return { cleared: 0, held: 0, lastId: undefined };
      const cleared: Array<{ row: CandidateRow; fee: FeeObject }> = [];
      const held: Array<{ row: CandidateRow; reason: string }> = [];
      for (const row of rows) {
        const verdict = this.#judge(row);
        if ('reason' in verdict) held.push({ row, reason: verdict.reason });
        else cleared.push({ row, fee: verdict.fee });
      }
      if (cleared.length > 0) await insertClearings(tx, runId, cleared);
      if (held.length > 0) await insertHolds(tx, runId, held);
      return { cleared: cleared.length, held: held.length, lastId: rows[rows.length - 1]?.id };
    });
  }

  #judge(row: CandidateRow): { fee: FeeObject } | { reason: string } {
    if (row.fee_issue) return { reason: row.fee_issue };
    if (
      row.sharing_headquarters === null ||
      row.sharing_sales === null ||
      row.sharing_reimbursement === null
    ) {
      return { reason: 'no sharing: voucher not sold through us' };
    }
    let fee: FeeObject;
    try {
      fee = this.#rule(row).split(twd(row.cost, 'cost'), row.is_paid);
    } catch (error) {
      return { reason: `no fee split: ${(error as { code?: string }).code ?? 'error'}` };
    }
    if (row.our_fee && !sameFee(row.our_fee, fee))
      return { reason: 'fee split differs from the one at redemption' };
    if (row.is_paid) {
      for (const party of payees(row)) {
        if (!this.accounts.has(party)) return { reason: `no payout account for ${party}` };
      }
    }
    return { fee };
  }

  #rule(row: CandidateRow): FeeRule {
    const key = `${row.issuer_id}|${row.business_date}|${row.sharing_headquarters}|${row.sharing_sales}|${row.sharing_reimbursement}`;
    let rule = this.#rules.get(key);
    if (!rule) {
      rule = this.book.ruleFor(row.issuer_id, row.business_date, {
        headquarters: row.sharing_headquarters ?? '0',
        sales: row.sharing_sales ?? '0',
        reimbursement: row.sharing_reimbursement ?? '0',
      });
      this.#rules.set(key, rule);
    }
    return rule;
  }
}

/** The parties a paid voucher pays: its sales point and redemption point (and headquarters, if paid out). */
function payees(row: CandidateRow): string[] {
  return [row.sales_point, row.redemption_point];
}

function sameFee(a: FeeObject, b: FeeObject): boolean {
  return (
    a.cost === b.cost &&
    a.gateway_fee === b.gateway_fee &&
    a.escrow_fee === b.escrow_fee &&
    a.issuance_fee === b.issuance_fee &&
    a.issuance_layer === b.issuance_layer &&
    a.headquarters === b.headquarters &&
    a.sales === b.sales &&
    a.reimbursement === b.reimbursement
  );
}

async function candidates(
  tx: EntityManager,
  periodEnd: string,
  after: string | undefined,
  size: number,
  below: string | undefined,
): Promise<CandidateRow[]> {
  return tx.query(
    `SELECT rl.id, rl.partner_id, rl.serial_number, rl.is_paid, rl.cost, rl.our_fee, rl.fee_issue,
            rl.business_date::text AS business_date, rl.sales_point, rl.redemption_point,
            v.item_name AS product, v.sharing_headquarters::text AS sharing_headquarters,
            v.sharing_sales::text AS sharing_sales, v.sharing_reimbursement::text AS sharing_reimbursement,
            p.partner_uid, p.issuer_id
       FROM redemption_lines rl
       JOIN partners p ON p.id = rl.partner_id
       LEFT JOIN vouchers v ON v.id = rl.voucher_id
      WHERE rl.business_date <= $1 AND ($2::uuid IS NULL OR rl.id > $2::uuid)
        AND ($4::uuid IS NULL OR rl.id < $4::uuid)
        AND NOT EXISTS (SELECT 1 FROM clearings c WHERE c.redemption_line_id = rl.id)
      ORDER BY rl.id
      LIMIT $3`,
    [periodEnd, after ?? null, size, below ?? null],
  );
}

/**
 * Writes a chunk's clearings and, for each newly cleared paid voucher, its balanced journal entry: the trust
 * liability debited the value; the fees and the three payables credited (zero lines left out; a gift voucher
 * clears at zero and needs no entry). One statement, one round trip: the split computed here goes in as arrays
 * (a multi-row insert by unnest, not row by row) and everything else is joined in by the database, so a killed
 * worker leaves all of the chunk or none of it.
 */
async function insertClearings(
  tx: EntityManager,
  runId: string,
  cleared: ReadonlyArray<{ row: CandidateRow; fee: FeeObject }>,
): Promise<void> {
  const column = <T>(pick: (c: { row: CandidateRow; fee: FeeObject }) => T): T[] => cleared.map(pick);
  await tx.query(
    `WITH split AS (
       SELECT * FROM unnest($2::uuid[], $3::bigint[], $4::bigint[], $5::bigint[], $6::smallint[], $7::bigint[],
                            $8::bigint[], $9::bigint[])
         AS t(line_id, escrow_fee, gateway_fee, issuance_fee, issuance_layer, headquarters, sales, reimbursement)),
     cleared AS (
       INSERT INTO clearings (redemption_line_id, run_id, partner_id, serial_number, product, business_date, is_paid,
                              cost, escrow_fee, gateway_fee, issuance_fee, issuance_layer, headquarters, sales,
                              reimbursement, headquarters_party, sales_party, reimbursement_party)
       SELECT rl.id, $1::uuid, rl.partner_id, rl.serial_number, coalesce(v.item_name, rl.item_id), rl.business_date,
              rl.is_paid, rl.cost, s.escrow_fee, s.gateway_fee, s.issuance_fee, s.issuance_layer, s.headquarters,
              s.sales, s.reimbursement, '${HEADQUARTERS_PREFIX}' || p.partner_uid, rl.sales_point, rl.redemption_point
         FROM split s
         JOIN redemption_lines rl ON rl.id = s.line_id
         JOIN partners p ON p.id = rl.partner_id
         LEFT JOIN vouchers v ON v.id = rl.voucher_id
       ON CONFLICT (redemption_line_id) DO NOTHING
       RETURNING *),
     entries AS (
       INSERT INTO journal_entries (run_id, kind, reference, business_date, description)
       SELECT $1::uuid, 'clearing', c.redemption_line_id::text, c.business_date, 'redeemed ' || c.serial_number
         FROM cleared c WHERE c.is_paid
       ON CONFLICT (kind, reference) DO NOTHING
       RETURNING id, reference)
     INSERT INTO journal_lines (entry_id, account, ledger, party, amount, serial_number)
     SELECT e.id, l.account, l.ledger, l.party, l.amount, c.serial_number
       FROM entries e
       JOIN cleared c ON c.redemption_line_id::text = e.reference
       CROSS JOIN LATERAL (VALUES
         ('${Account.trustLiability}', NULL, NULL, c.cost),
         ('${Account.feeEscrow}', NULL, NULL, -c.escrow_fee),
         ('${Account.feeGateway}', NULL, NULL, -c.gateway_fee),
         ('${ISSUANCE_ACCOUNT_PREFIX}' || c.issuance_layer, NULL, NULL, -c.issuance_fee),
         ('${payableAccount('headquarters')}', 'headquarters', c.headquarters_party, -c.headquarters),
         ('${payableAccount('sales')}', 'sales', c.sales_party, -c.sales),
         ('${payableAccount('reimbursement')}', 'reimbursement', c.reimbursement_party, -c.reimbursement)
       ) AS l(account, ledger, party, amount)
      WHERE l.amount <> 0`,
    [
      runId,
      column((c) => c.row.id),
      column((c) => c.fee.escrow_fee),
      column((c) => c.fee.gateway_fee),
      column((c) => c.fee.issuance_fee),
      column((c) => c.fee.issuance_layer),
      column((c) => c.fee.headquarters),
      column((c) => c.fee.sales),
      column((c) => c.fee.reimbursement),
    ],
  );
}

async function insertHolds(
  tx: EntityManager,
  runId: string,
  held: ReadonlyArray<{ row: CandidateRow; reason: string }>,
): Promise<void> {
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

/**
 * Clears everything a run has to clear, in `lanes` concurrent loops over disjoint ranges of line ids (random
 * UUIDs spread evenly): a chunk's work is one database statement, so a second lane puts a second core to work.
 * Lanes never touch the same line, and each chunk is its own transaction, so interrupting any of them is as
 * safe as interrupting one.
 */
export async function clearAll(
  clearing: Clearing,
  runId: string,
  periodEnd: string,
  options: { chunkSize: number; lanes?: number; onChunk?: (examined: number) => void },
): Promise<{ cleared: number; held: number }> {
  const lanes = Math.max(1, Math.min(16, options.lanes ?? 2));
  const bounds = Array.from({ length: lanes + 1 }, (_, i) =>
    i === 0 || i === lanes ? undefined : uuidAt(i / lanes),
  );
  const totals = { cleared: 0, held: 0 };
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      // The lane's lower bound is exclusive: start just below it so that its first id is included.
      let after = bounds[lane] === undefined ? undefined : justBelow(bounds[lane]);
      for (;;) {
        const chunk = await clearing.clearChunk(runId, periodEnd, after, options.chunkSize, bounds[lane + 1]);
        if (chunk.lastId === undefined) return;
        totals.cleared += chunk.cleared;
        totals.held += chunk.held;
        after = chunk.lastId;
        options.onChunk?.(chunk.cleared + chunk.held);
      }
    }),
  );
  return totals;
}

/** The UUID at `fraction` of the id space (by its first 32 bits). */
function uuidAt(fraction: number): string {
  const head = Math.floor(fraction * 0x1_0000_0000)
    .toString(16)
    .padStart(8, '0');
  return `${head}-0000-0000-0000-000000000000`;
}

function justBelow(uuid: string): string {
  const head = (Number.parseInt(uuid.slice(0, 8), 16) - 1).toString(16).padStart(8, '0');
  return `${head}-ffff-ffff-ffff-ffffffffffff`;
}
