import { twd } from '@tixclear/domain';
import type { FeeObject, FeeRule, FeeScheduleBook } from '@tixclear/fee-engine';
import type { DataSource, EntityManager } from 'typeorm';
import { Account, headquartersParty, issuanceFeeAccount, payableAccount } from './accounts';
import { copyRows, copyText, inPieces } from './copy-in';

interface CandidateRow {
  id: string;
  partner_id: string;
  serial_number: string;
  is_paid: boolean;
  cost: string;
  /** Our split stored at redemption, as PostgreSQL prints the jsonb (see {@link jsonbText}). */
  our_fee: string | null;
  fee_issue: string | null;
  business_date: string;
  sales_point: string;
  redemption_point: string;
  product: string;
  sharing_headquarters: string | null;
  sharing_sales: string | null;
  sharing_reimbursement: string | null;
  partner_uid: string;
  issuer_id: string;
}

interface Cleared {
  row: CandidateRow;
  fee: FeeObject;
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
 * tries it again. The primary key of `clearings` makes clearing exactly-once, and a chunk's clearings, holds
 * and journal entries commit together, so a killed worker leaves all of the chunk or none of it.
 *
 * A line another run cleared since the chunk read it breaks that key and fails the chunk (and the run, to be
 * run again) rather than being skipped: the runner lets one run clear at a time, so this takes two clearers
 * outside it. Clearings and journal rows are written by COPY (copy-in.ts): a night of a million vouchers
 * clears in about half a minute, where INSERT … SELECT took a minute and more.
 */
export class Clearing {
  readonly #rules = new Map<string, FeeRule>();
  #lastRule: { row: CandidateRow; rule: FeeRule } | undefined;

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
      // The lanes of clearAll already keep the cores busy: parallel workers would only queue behind them. A
      // chunk is a narrow id range: reading it and its clearings by key beats scanning the tables, which the
      // default cost of a random read (a spinning disk's) can have the planner prefer, once per chunk.
      await tx.query(`SET LOCAL max_parallel_workers_per_gather = 0`);
      await tx.query(`SET LOCAL random_page_cost = 1.1`);
      const lastId = await chunkEnd(tx, after, size, below);
      if (lastId === undefined) return { cleared: 0, held: 0, lastId };
      const cleared: Cleared[] = [];
      const held: Array<{ row: CandidateRow; reason: string }> = [];
      for (const row of await candidates(tx, periodEnd, after, lastId)) {
        const verdict = this.#judge(row);
        if ('reason' in verdict) held.push({ row, reason: verdict.reason });
        else cleared.push({ row, fee: verdict.fee });
      }
      if (held.length > 0) await insertHolds(tx, runId, held);
      if (cleared.length > 0) await writeClearings(tx, runId, cleared);
      return { cleared: cleared.length, held: held.length, lastId };
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
    if (
      row.our_fee !== null &&
      row.our_fee !== jsonbText(fee) &&
      !sameFee(JSON.parse(row.our_fee) as FeeObject, fee)
    )
      return { reason: 'fee split differs from the one at redemption' };
    if (row.is_paid) {
      // A paid voucher pays its sales point and its redemption point (headquarters only if paid out).
      for (const party of [row.sales_point, row.redemption_point]) {
        if (!this.accounts.has(party)) return { reason: `no payout account for ${party}` };
      }
    }
    return { fee };
  }

  #rule(row: CandidateRow): FeeRule {
    // Lines of a chunk mostly share their issuer, day and sharing: the last rule is checked before the cache.
    const last = this.#lastRule;
    if (
      last &&
      last.row.issuer_id === row.issuer_id &&
      last.row.business_date === row.business_date &&
      last.row.sharing_headquarters === row.sharing_headquarters &&
      last.row.sharing_sales === row.sharing_sales &&
      last.row.sharing_reimbursement === row.sharing_reimbursement
    ) {
      return last.rule;
    }
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
    this.#lastRule = { row, rule };
    return rule;
  }
}

/**
 * A split as PostgreSQL prints it as jsonb (keys by length, then by bytes; `: ` and `, `). The stored split
 * nearly always prints so: comparing the text spares parsing a million JSON objects a night, and a text that
 * differs in form only (another key, `50.0`) is parsed and compared field by field.
 */
export function jsonbText(fee: FeeObject): string {
  return (
    `{"cost": ${fee.cost}, "sales": ${fee.sales}, "escrow_fee": ${fee.escrow_fee}, "gateway_fee": ${fee.gateway_fee}, ` +
    `"headquarters": ${fee.headquarters}, "issuance_fee": ${fee.issuance_fee}, ` +
    `"reimbursement": ${fee.reimbursement}, "issuance_layer": ${fee.issuance_layer}}`
  );
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

/**
 * The last id of the chunk's range, the next `size` line ids after `after` (below `below`), by the id index
 * alone; undefined when no line is left. Bounded on both sides, the read of the lines and the anti-join with
 * the clearings stay the size of a chunk, where an open range had the planner scan every clearing of the lane
 * once per chunk. Lines of the range cleared already or redeemed after the period are passed over.
 */
async function chunkEnd(
  tx: EntityManager,
  after: string | undefined,
  size: number,
  below: string | undefined,
): Promise<string | undefined> {
  const inLane = `($1::uuid IS NULL OR id > $1::uuid) AND ($2::uuid IS NULL OR id < $2::uuid)`;
  const [range] = await tx.query<{ last: string | null }[]>(
    `SELECT coalesce(
       (SELECT id FROM redemption_lines WHERE ${inLane} ORDER BY id OFFSET $3 - 1 LIMIT 1),
       (SELECT id FROM redemption_lines WHERE ${inLane} ORDER BY id DESC LIMIT 1))::text AS last`,
    [after ?? null, below ?? null, size],
  );
  return range?.last ?? undefined;
}

/**
 * The range's lines to clear, with what the judgement and the clearing row need (the voucher's terms as sold
 * are on the line); sharing as the text the schedule parses.
 */
async function candidates(
  tx: EntityManager,
  periodEnd: string,
  after: string | undefined,
  last: string,
): Promise<CandidateRow[]> {
  return tx.query<CandidateRow[]>(
    `SELECT rl.id, rl.partner_id, rl.serial_number, rl.is_paid, rl.cost::text AS cost, rl.our_fee::text AS our_fee, rl.fee_issue,
            rl.business_date::text AS business_date, rl.sales_point, rl.redemption_point,
            coalesce(rl.item_name, rl.item_id) AS product, rl.sharing_headquarters::text AS sharing_headquarters,
            rl.sharing_sales::text AS sharing_sales, rl.sharing_reimbursement::text AS sharing_reimbursement,
            p.partner_uid, p.issuer_id
       FROM redemption_lines rl
       JOIN partners p ON p.id = rl.partner_id
      WHERE ($2::uuid IS NULL OR rl.id > $2::uuid) AND rl.id <= $3::uuid AND rl.business_date <= $1
        AND NOT EXISTS (
          SELECT 1 FROM clearings c
           WHERE c.redemption_line_id = rl.id
             AND ($2::uuid IS NULL OR c.redemption_line_id > $2::uuid) AND c.redemption_line_id <= $3::uuid)
      ORDER BY rl.id`,
    [periodEnd, after ?? null, last],
  );
}

/**
 * Writes a chunk's clearings and, for each paid one, its balanced journal entry: the trust liability debited
 * the value; the fees and the three payables credited (zero lines left out; a gift voucher clears at zero and
 * needs no entry). Entry ids are drawn from the entries' own sequence first, so the lines can carry them.
 */
async function writeClearings(tx: EntityManager, runId: string, cleared: readonly Cleared[]): Promise<void> {
  const paid = cleared.filter((c) => c.row.is_paid);
  const entryIds = await tx.query<{ id: string }[]>(
    `SELECT nextval(pg_get_serial_sequence('journal_entries', 'id'))::text AS id FROM generate_series(1, $1)`,
    [paid.length],
  );
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
        `${copyText(headquartersParty(row.partner_uid))}\t${copyText(row.sales_point)}\t` +
        `${copyText(row.redemption_point)}\n`
      );
    }),
  );
  await copyRows(
    tx,
    `journal_entries (id, run_id, kind, reference, business_date, description)`,
    inPieces(
      paid.length,
      (i) =>
        `${entryIds[i]!.id}\t${runId}\tclearing\t${paid[i]!.row.id}\t${paid[i]!.row.business_date}\t` +
        `${copyText(`redeemed ${paid[i]!.row.serial_number}`)}\n`,
    ),
  );
  await copyRows(
    tx,
    `journal_lines (entry_id, account, ledger, party, amount, serial_number)`,
    inPieces(paid.length, (i) => entryLines(entryIds[i]!.id, paid[i]!)),
  );
}

/**
 * The lines of a voucher's clearing entry, in COPY's text format: debit positive and credit negative, so that
 * they sum to zero; zero lines are left out.
 */
function entryLines(entryId: string, { row, fee }: Cleared): string {
  const tail = `\t${copyText(row.serial_number)}\n`;
  const noParty = '\\N\t\\N';
  // The split's parts are whole TWD already (the fee engine's Twd): negating them is exact.
  const line = (account: string, ledgerAndParty: string, amount: number) =>
    amount === 0 ? '' : `${entryId}\t${account}\t${ledgerAndParty}\t${amount}${tail}`;
  return (
    line(Account.trustLiability, noParty, fee.cost) +
    line(Account.feeEscrow, noParty, -fee.escrow_fee) +
    line(Account.feeGateway, noParty, -fee.gateway_fee) +
    line(issuanceFeeAccount(fee.issuance_layer), noParty, -fee.issuance_fee) +
    line(
      payableAccount('headquarters'),
      `headquarters\t${copyText(headquartersParty(row.partner_uid))}`,
      -fee.headquarters,
    ) +
    line(payableAccount('sales'), `sales\t${copyText(row.sales_point)}`, -fee.sales) +
    line(
      payableAccount('reimbursement'),
      `reimbursement\t${copyText(row.redemption_point)}`,
      -fee.reimbursement,
    )
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
