import { twd } from '@tixclear/domain';
import type { FeeObject, FeeRule, FeeScheduleBook } from '@tixclear/fee-engine';
import type { DataSource, EntityManager } from 'typeorm';
import { Account, HEADQUARTERS_PREFIX, ISSUANCE_ACCOUNT_PREFIX, payableAccount } from './accounts';

/** What the fee engine's split of a voucher depends on: the chunk's vouchers share a handful of these. */
interface SplitKey {
  issuer_id: string;
  business_date: string;
  sharing_headquarters: string;
  sharing_sales: string;
  sharing_reimbursement: string;
  cost: string;
  is_paid: boolean;
}

/** The fee engine's verdict on a key: its split, or why no voucher of that key can be cleared. */
type SplitVerdict = SplitKey & ({ fee: FeeObject; reason?: undefined } | { fee?: undefined; reason: string });

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
 * and journal entries are written by one statement, so a killed worker leaves all of the chunk or none of it.
 * A line another run cleared since the chunk was staged breaks the key and fails the chunk (and the run, to be
 * run again), rather than being skipped: the runner lets one run clear at a time, so this takes two clearers
 * outside it, and skipping by ON CONFLICT cost a sixth of a chunk's time.
 *
 * Why a chunk goes the way it does: the vouchers stay in the database. A chunk is staged in a temporary table
 * (one index range scan), the fee engine splits each distinct (issuer, date, sharing, cost, paid) of it, a
 * handful of keys for tens of thousands of vouchers (a split is a pure function of them), and one statement
 * then judges every voucher against its key's split and writes everything. Shipping every voucher to Node and
 * back, and joining the arrays back to the tables, cost more than the split itself.
 */
export class Clearing {
  readonly #rules = new Map<string, FeeRule>();
  readonly #accountParties: string[];

  constructor(
    private readonly dataSource: DataSource,
    private readonly book: FeeScheduleBook,
    /** Payout accounts by party (`store:…`, `dealer:…`, `hq:…`); a missing party holds the voucher. */
    accounts: ReadonlyMap<string, string>,
  ) {
    this.#accountParties = [...accounts.keys()];
  }

  /** Clears the next `size` lines after `after` (and below `below`, when a lane of {@link clearAll} is bounded). */
  async clearChunk(
    runId: string,
    periodEnd: string,
    after: string | undefined,
    size: number,
    below?: string,
  ): Promise<ClearingChunkResult> {
    return this.dataSource.transaction(async (tx) => {
      // A chunk's joins and sorts (tens of thousands of rows) spill to disk at PostgreSQL's default 4 MB, and
      // the lanes of clearAll already keep the cores busy: parallel workers would only queue behind them.
      await tx.query(`SET LOCAL work_mem = '128MB'`);
      await tx.query(`SET LOCAL max_parallel_workers_per_gather = 0`);
      // A chunk is a narrow id range: looking its vouchers up by key beats scanning every voucher, which the
      // default cost of a random read (a spinning disk's) has the planner prefer, once per chunk.
      await tx.query(`SET LOCAL random_page_cost = 1.1`);
      const lastId = await stageChunk(tx, periodEnd, after, size, below);
      if (lastId === undefined) return { cleared: 0, held: 0, lastId };
      const verdicts = (await splitKeys(tx)).map((key) => this.#split(key));
      const { cleared, held } = await writeChunk(tx, runId, verdicts, this.#accountParties);
      return { cleared, held, lastId };
    });
  }

  #split(key: SplitKey): SplitVerdict {
    try {
      return { ...key, fee: this.#rule(key).split(twd(key.cost, 'cost'), key.is_paid) };
    } catch (error) {
      return { ...key, reason: `no fee split: ${(error as { code?: string }).code ?? 'error'}` };
    }
  }

  #rule(key: SplitKey): FeeRule {
    const id = `${key.issuer_id}|${key.business_date}|${key.sharing_headquarters}|${key.sharing_sales}|${key.sharing_reimbursement}`;
    let rule = this.#rules.get(id);
    if (!rule) {
      rule = this.book.ruleFor(key.issuer_id, key.business_date, {
        headquarters: key.sharing_headquarters,
        sales: key.sharing_sales,
        reimbursement: key.sharing_reimbursement,
      });
      this.#rules.set(id, rule);
    }
    return rule;
  }
}

/**
 * Stages the chunk's candidates, in a temporary table dropped at commit, and returns the last id of its range, or
 * undefined when no line is left after `after`. The range is fixed first, by the id index alone, the next
 * `size` line ids: bounded on both sides, the scan of the lines and the anti-join with the clearings stay the
 * size of a chunk, where an open range made the planner scan every clearing of the lane once per chunk (a day
 * of a million vouchers took minutes). Lines of the range that are cleared already or redeemed after the
 * period are passed over. The numeric sharing goes as text, the very strings the fee engine parses.
 */
async function stageChunk(
  tx: EntityManager,
  periodEnd: string,
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
  const last = range?.last ?? undefined;
  if (last === undefined) return undefined;
  await tx.query(
    `CREATE TEMP TABLE clearing_chunk ON COMMIT DROP AS
     SELECT rl.id, rl.partner_id, rl.serial_number, rl.is_paid, rl.cost, rl.our_fee, rl.fee_issue, rl.business_date,
            rl.sales_point, rl.redemption_point, coalesce(v.item_name, rl.item_id) AS product,
            v.sharing_headquarters::text AS sharing_headquarters, v.sharing_sales::text AS sharing_sales,
            v.sharing_reimbursement::text AS sharing_reimbursement, p.partner_uid, p.issuer_id
       FROM redemption_lines rl
       JOIN partners p ON p.id = rl.partner_id
       LEFT JOIN vouchers v ON v.id = rl.voucher_id
      WHERE ($2::uuid IS NULL OR rl.id > $2::uuid) AND rl.id <= $3::uuid AND rl.business_date <= $1
        AND NOT EXISTS (
          SELECT 1 FROM clearings c
           WHERE c.redemption_line_id = rl.id
             AND ($2::uuid IS NULL OR c.redemption_line_id > $2::uuid) AND c.redemption_line_id <= $3::uuid)`,
    [periodEnd, after ?? null, last],
  );
  return last;
}

/** The distinct split keys of the staged chunk (vouchers without sharing are held before any split). */
async function splitKeys(tx: EntityManager): Promise<SplitKey[]> {
  return tx.query<SplitKey[]>(
    `SELECT DISTINCT issuer_id, business_date::text AS business_date, sharing_headquarters, sharing_sales,
            sharing_reimbursement, cost::text AS cost, is_paid
       FROM clearing_chunk
      WHERE fee_issue IS NULL AND sharing_headquarters IS NOT NULL AND sharing_sales IS NOT NULL
        AND sharing_reimbursement IS NOT NULL`,
  );
}

/**
 * Judges and writes the staged chunk in one statement. A voucher is held, for the first reason that applies:
 * a fee issue recorded at redemption; no sharing (not sold through us); no split from the fee engine; a split
 * other than the one stored at redemption; a paid voucher whose sales or redemption point has no payout
 * account. The others are cleared, and each newly cleared paid voucher gets its balanced journal entry: the
 * trust liability debited the value; the fees and the three payables credited (zero lines left out; a gift
 * voucher clears at zero and needs no entry). Entry ids are drawn from the entries' own sequence before the
 * insert, so the lines need no join back to the entries.
 */
async function writeChunk(
  tx: EntityManager,
  runId: string,
  verdicts: readonly SplitVerdict[],
  accountParties: readonly string[],
): Promise<{ cleared: number; held: number }> {
  const column = <T>(pick: (v: SplitVerdict) => T): T[] => verdicts.map(pick);
  const fee = (pick: (f: FeeObject) => number) => column((v) => (v.fee ? pick(v.fee) : null));
  const [counts] = await tx.query<[{ cleared: number; held: number }]>(
    `WITH split AS (
       SELECT * FROM unnest($2::text[], $3::date[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::boolean[],
                            $9::text[], $10::bigint[], $11::bigint[], $12::bigint[], $13::smallint[], $14::bigint[],
                            $15::bigint[], $16::bigint[])
         AS t(issuer_id, business_date, sharing_headquarters, sharing_sales, sharing_reimbursement, cost, is_paid,
              reason, escrow_fee, gateway_fee, issuance_fee, issuance_layer, headquarters, sales, reimbursement)),
     judged AS MATERIALIZED (
       SELECT c.id, c.partner_id, c.serial_number, c.product, c.business_date, c.is_paid, c.cost, c.partner_uid,
              c.sales_point, c.redemption_point, s.escrow_fee, s.gateway_fee, s.issuance_fee, s.issuance_layer,
              s.headquarters, s.sales, s.reimbursement,
              CASE
                WHEN c.fee_issue IS NOT NULL THEN c.fee_issue
                WHEN c.sharing_headquarters IS NULL OR c.sharing_sales IS NULL OR c.sharing_reimbursement IS NULL
                  THEN 'no sharing: voucher not sold through us'
                WHEN s.reason IS NOT NULL THEN s.reason
                WHEN s.escrow_fee IS NULL THEN 'no fee split: not computed'
                WHEN c.our_fee IS NOT NULL AND (
                       (c.our_fee->>'cost')::bigint IS DISTINCT FROM c.cost
                    OR (c.our_fee->>'gateway_fee')::bigint IS DISTINCT FROM s.gateway_fee
                    OR (c.our_fee->>'escrow_fee')::bigint IS DISTINCT FROM s.escrow_fee
                    OR (c.our_fee->>'issuance_fee')::bigint IS DISTINCT FROM s.issuance_fee
                    OR (c.our_fee->>'issuance_layer')::smallint IS DISTINCT FROM s.issuance_layer
                    OR (c.our_fee->>'headquarters')::bigint IS DISTINCT FROM s.headquarters
                    OR (c.our_fee->>'sales')::bigint IS DISTINCT FROM s.sales
                    OR (c.our_fee->>'reimbursement')::bigint IS DISTINCT FROM s.reimbursement)
                  THEN 'fee split differs from the one at redemption'
                WHEN c.is_paid AND NOT c.sales_point = ANY($17::text[])
                  THEN left('no payout account for ' || c.sales_point, 200)
                WHEN c.is_paid AND NOT c.redemption_point = ANY($17::text[])
                  THEN left('no payout account for ' || c.redemption_point, 200)
              END AS hold_reason
         FROM clearing_chunk c
         LEFT JOIN split s
           ON s.issuer_id = c.issuer_id AND s.business_date = c.business_date
          AND s.sharing_headquarters = c.sharing_headquarters AND s.sharing_sales = c.sharing_sales
          AND s.sharing_reimbursement = c.sharing_reimbursement AND s.cost = c.cost AND s.is_paid = c.is_paid),
     holds AS (
       INSERT INTO settlement_holds (run_id, redemption_line_id, serial_number, reason)
       SELECT $1::uuid, id, serial_number, hold_reason FROM judged WHERE hold_reason IS NOT NULL
       ON CONFLICT (run_id, redemption_line_id) DO NOTHING),
     cleared AS (
       INSERT INTO clearings (redemption_line_id, run_id, partner_id, serial_number, product, business_date, is_paid,
                              cost, escrow_fee, gateway_fee, issuance_fee, issuance_layer, headquarters, sales,
                              reimbursement, headquarters_party, sales_party, reimbursement_party)
       SELECT id, $1::uuid, partner_id, serial_number, product, business_date, is_paid, cost, escrow_fee, gateway_fee,
              issuance_fee, issuance_layer, headquarters, sales, reimbursement, '${HEADQUARTERS_PREFIX}' || partner_uid,
              sales_point, redemption_point
         FROM judged WHERE hold_reason IS NULL
        ORDER BY id
       RETURNING *),
     numbered AS MATERIALIZED (
       SELECT nextval(pg_get_serial_sequence('journal_entries', 'id')) AS entry_id, c.*
         FROM (SELECT * FROM cleared WHERE is_paid ORDER BY redemption_line_id) c),
     entries AS (
       INSERT INTO journal_entries (id, run_id, kind, reference, business_date, description) OVERRIDING SYSTEM VALUE
       SELECT entry_id, $1::uuid, 'clearing', redemption_line_id::text, business_date, 'redeemed ' || serial_number
         FROM numbered),
     lines AS (
       INSERT INTO journal_lines (entry_id, account, ledger, party, amount, serial_number)
       SELECT n.entry_id, l.account, l.ledger, l.party, l.amount, n.serial_number
         FROM numbered n
         CROSS JOIN LATERAL (VALUES
           ('${Account.trustLiability}', NULL, NULL, n.cost),
           ('${Account.feeEscrow}', NULL, NULL, -n.escrow_fee),
           ('${Account.feeGateway}', NULL, NULL, -n.gateway_fee),
           ('${ISSUANCE_ACCOUNT_PREFIX}' || n.issuance_layer, NULL, NULL, -n.issuance_fee),
           ('${payableAccount('headquarters')}', 'headquarters', n.headquarters_party, -n.headquarters),
           ('${payableAccount('sales')}', 'sales', n.sales_party, -n.sales),
           ('${payableAccount('reimbursement')}', 'reimbursement', n.reimbursement_party, -n.reimbursement)
         ) AS l(account, ledger, party, amount)
        WHERE l.amount <> 0)
     SELECT (SELECT count(*) FROM cleared)::int AS cleared,
            (SELECT count(*) FROM judged WHERE hold_reason IS NOT NULL)::int AS held`,
    [
      runId,
      column((v) => v.issuer_id),
      column((v) => v.business_date),
      column((v) => v.sharing_headquarters),
      column((v) => v.sharing_sales),
      column((v) => v.sharing_reimbursement),
      column((v) => v.cost),
      column((v) => v.is_paid),
      column((v) => v.reason ?? null),
      fee((f) => f.escrow_fee),
      fee((f) => f.gateway_fee),
      fee((f) => f.issuance_fee),
      fee((f) => f.issuance_layer),
      fee((f) => f.headquarters),
      fee((f) => f.sales),
      fee((f) => f.reimbursement),
      accountParties,
    ],
  );
  return counts;
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
