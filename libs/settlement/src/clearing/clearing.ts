import { twd } from '@tixclear/domain';
import type { FeeObject, FeeRule, FeeScheduleBook } from '@tixclear/fee-engine';
import type { DataSource, EntityManager } from 'typeorm';
import {
  backlogLines,
  type CandidateRow,
  freshLines,
  type KnownFees,
  type LinePosition,
  linesToExamine,
  nextRangeEnd,
  positionBefore,
} from './candidates';
import {
  addToBacklog,
  type Cleared,
  type Held,
  insertHolds,
  removeFromBacklog,
  writeClearings,
} from './writes';

/**
 * One run's clearing, between `open` and `close`. It reads two sets of lines:
 * - the **fresh** ones, written by transactions from `from` on: `from` is the horizon of the last run that
 *   finished clearing, below which every line was cleared or left in the backlog;
 * - the **backlog**: lines an earlier run examined and could not clear (held, or redeemed after its period).
 *
 * `horizon` is the oldest transaction still running when the pass opened: every line written below it is
 * visible to the pass, so when the pass is done, each of them is cleared or in the backlog, and `horizon`
 * becomes the next run's `from`. A line written by a transaction at or above it is read again by the next run
 * (and skipped there if cleared here), so none is missed whatever commits while the pass runs.
 */
export interface ClearingPass {
  runId: string;
  periodEnd: string;
  from: string;
  horizon: string;
  /**
   * The first day of the books still open (null while no period is closed): a voucher of a closed period
   * cleared now is posted on this day (its clearing keeps its redemption date).
   */
  openFrom: string | null;
}

export interface ChunkResult {
  cleared: number;
  held: number;
}

/** A night's lines share a handful of splits (face values by schedule): enough to hold them, with room. */
const KNOWN_FEES_COMPARED = 32;

/** A fee rule, with the splits it has made (by value, paid or gift). */
interface RuleSplits {
  rule: FeeRule;
  splits: Map<string, Split>;
}

/** A split, and its text as PostgreSQL prints it as jsonb (see {@link jsonbText}). */
interface Split {
  fee: FeeObject;
  text: string;
}

/**
 * Clears redeemed vouchers in chunks of one transaction each. Each line in the run's period is split again by
 * the fee engine from the issuer's schedule in force on its redemption date (and must agree with the split
 * stored at redemption); a line that cannot be cleared as it is (fee disagreement, no split, a payee without
 * a payout account) is held and listed, and every later run tries it again. The primary key of `clearings`
 * makes clearing exactly-once, and a chunk's clearings, holds, backlog changes and journal entries commit
 * together, so a killed worker leaves all of the chunk or none of it.
 *
 * A line another run cleared since the chunk read it breaks that key and fails the chunk (and the run, to be
 * run again) rather than being skipped: the runner lets one run clear at a time, so this takes two clearers
 * outside it.
 */
export class Clearing {
  readonly #rules = new Map<string, RuleSplits>();
  /** The texts of every split made so far, in the order they were made (see {@link KnownFees}). */
  readonly #knownFees: string[] = [];
  #lastRule: { row: CandidateRow; rule: RuleSplits } | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly book: FeeScheduleBook,
    /** Payout accounts by party (`hq:<uid>`, `<partner uid>:<kind>:<ref>`); a missing party holds the voucher. */
    private readonly accounts: ReadonlyMap<string, string>,
  ) {}

  /** Starts a run's clearing: where its fresh lines begin, and its horizon. */
  async open(runId: string, periodEnd: string): Promise<ClearingPass> {
    // The journal's months (migration JournalPartitions): the period's, this one and the two after exist
    // before anything posts. A month created here once; a row of a month without one goes to the DEFAULT.
    await this.dataSource.query(
      `SELECT journal_add_months(LEAST($1::date, current_date), (date_trunc('month', current_date) + interval '2 months')::date)`,
      [periodEnd],
    );
    const [{ from, horizon, openFrom }] = await this.dataSource.query<
      [{ from: string; horizon: string; openFrom: string | null }]
    >(
      `SELECT (SELECT coalesce(max(clearing_horizon), 0)::text FROM settlement_runs) AS from,
              pg_snapshot_xmin(pg_current_snapshot())::text AS horizon, books_open_from()::text AS "openFrom"`,
    );
    return { runId, periodEnd, from, horizon, openFrom };
  }

  /** How many lines the pass will examine in its period (for progress). */
  async toExamine(pass: ClearingPass): Promise<number> {
    return this.#byKey((tx) => linesToExamine(tx, pass.periodEnd, pass.from));
  }

  /**
   * Records the pass's horizon on its run: the next run reads fresh lines from there. First closes the open
   * hold items of lines now cleared that were never in the backlog: a line held while it was above the horizon
   * (a transaction open elsewhere) is held again as fresh by each run, and a chunk that clears it as fresh does
   * not look for its item. Open hold items are few: each is one probe of the clearings' key.
   */
  async close(pass: ClearingPass): Promise<void> {
    await this.dataSource.query(
      `UPDATE operator_items o SET state = 'resolved', resolved_at = now(), resolved_by = 'settlement',
              resolution = 'cleared'
        WHERE o.kind = 'settlement_hold' AND o.state = 'open'
          AND EXISTS (SELECT 1 FROM clearings c
                       WHERE c.redemption_line_id = CASE WHEN o.kind = 'settlement_hold' THEN o.reference::uuid END)`,
    );
    await this.dataSource.query(`UPDATE settlement_runs SET clearing_horizon = $2::bigint WHERE id = $1`, [
      pass.runId,
      pass.horizon,
    ]);
  }

  /** Where the pass's fresh lines begin. */
  start(pass: ClearingPass): LinePosition {
    return positionBefore(pass.from);
  }

  /** The end of the next range of `size` fresh lines after `after`; undefined when none is left. */
  async nextRange(after: LinePosition, size: number): Promise<LinePosition | undefined> {
    return this.#byKey((tx) => nextRangeEnd(tx, after, size));
  }

  /**
   * Clears the fresh lines of (after, last]. A line it cannot clear, or redeemed after the period, is left in
   * the backlog if it is below the horizon (one above it is fresh again for the next run).
   */
  async clearRange(pass: ClearingPass, after: LinePosition, last: LinePosition): Promise<ChunkResult> {
    return this.#byKey(async (tx) => {
      const rows = await freshLines(tx, pass.periodEnd, this.#known(), pass.horizon, after, last);
      const { cleared, held } = this.#judgeAll(rows);
      await this.#write(tx, pass, cleared, held);
      const clearedRows = new Set<CandidateRow>(cleared.map((c) => c.row));
      const left = rows.filter((row) => row.below_horizon && !clearedRows.has(row));
      if (left.length > 0)
        await addToBacklog(
          tx,
          pass.runId,
          left.map((row) => row.id),
        );
      return { cleared: cleared.length, held: held.length };
    });
  }

  /**
   * Examines the next `size` lines of the backlog after `after`: a line now clear leaves it, as does one a run
   * cleared since it was left there. Returns the last line read, undefined when none is left.
   */
  async clearBacklog(
    pass: ClearingPass,
    after: string | undefined,
    size: number,
  ): Promise<ChunkResult & { last: string | undefined }> {
    return this.#byKey(async (tx) => {
      const rows = await backlogLines(tx, pass.periodEnd, this.#known(), after, size);
      const waiting = rows.filter((row) => !row.cleared_already);
      const { cleared, held } = this.#judgeAll(waiting);
      await this.#write(tx, pass, cleared, held);
      const leaving = [...rows.filter((row) => row.cleared_already), ...cleared.map((c) => c.row)];
      if (leaving.length > 0)
        await removeFromBacklog(
          tx,
          leaving.map((row) => row.id),
        );
      return { cleared: cleared.length, held: held.length, last: rows.at(-1)?.id };
    });
  }

  /** A transaction whose reads go by key (see below): a chunk's, a cut of the next range, the count. */
  async #byKey<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (tx) => {
      // A chunk is a bounded range of lines: probing their clearings (and the backlog, and the partner) by
      // key is always right, where scanning or hashing the clearings table once per chunk grows with the
      // history. The planner cannot see it: it estimates a range of row values at a tenth of the table, and a
      // table it saw empty (a first night) as free to scan; it chose a hash of every clearing per chunk, and
      // a scan of them per line (minutes per chunk). So a chunk reads by index and joins by nested loop. The
      // lanes of clearAll already keep the cores busy: parallel workers would only queue behind them.
      await tx.query(
        `SELECT set_config('enable_seqscan', 'off', true), set_config('enable_hashjoin', 'off', true),
                set_config('enable_mergejoin', 'off', true), set_config('max_parallel_workers_per_gather', '0', true)`,
      );
      return work(tx);
    });
  }

  /** The lines of the period, cleared or held; lines redeemed after it are neither. */
  #judgeAll(rows: readonly CandidateRow[]): { cleared: Cleared[]; held: Held[] } {
    const cleared: Cleared[] = [];
    const held: Held[] = [];
    for (const row of rows) {
      if (!row.in_period) continue;
      const verdict = this.#judge(row);
      if ('reason' in verdict) held.push({ row, reason: verdict.reason });
      else cleared.push({ row, fee: verdict.fee });
    }
    return { cleared, held };
  }

  async #write(tx: EntityManager, pass: ClearingPass, cleared: Cleared[], held: Held[]): Promise<void> {
    if (held.length > 0) await insertHolds(tx, pass.runId, held);
    if (cleared.length > 0) await writeClearings(tx, pass.runId, cleared, pass.openFrom);
  }

  #judge(row: CandidateRow): { fee: FeeObject } | { reason: string } {
    if (row.fee_issue) return { reason: row.fee_issue };
    if (row.fee_accepted) return this.#accepted(row);
    if (
      row.sharing_headquarters === null ||
      row.sharing_sales === null ||
      row.sharing_reimbursement === null
    ) {
      return { reason: 'no sharing: voucher not sold through us' };
    }
    let split: Split;
    try {
      split = this.#split(row);
    } catch (error) {
      return { reason: `no fee split: ${(error as { code?: string }).code ?? 'error'}` };
    }
    const { fee } = split;
    const stored = row.known_fee === null ? row.our_fee : this.#knownFees[row.known_fee - 1]!;
    if (stored !== null && stored !== split.text && !sameFee(JSON.parse(stored) as FeeObject, fee))
      return { reason: 'fee split differs from the one at redemption' };
    return this.#payable(row, fee);
  }

  /** A paid voucher pays its sales point and its redemption point (headquarters only if paid out). */
  #payable(row: CandidateRow, fee: FeeObject): { fee: FeeObject } | { reason: string } {
    if (row.is_paid) {
      for (const party of [row.sales_party, row.redemption_party]) {
        if (!this.accounts.has(party)) return { reason: `no payout account for ${party}` };
      }
    }
    return { fee };
  }

  /**
   * A line whose stored split an operator accepted (the gateway's): cleared with it, if it is a split of the
   * line's value (whole non-negative parts summing to it; all zero for a gift), held otherwise.
   */
  #accepted(row: CandidateRow): { fee: FeeObject } | { reason: string } {
    const text = row.known_fee === null ? row.our_fee : this.#knownFees[row.known_fee - 1]!;
    const fee = text === null ? null : (JSON.parse(text) as FeeObject);
    if (fee === null || !isSplitOf(fee, twd(row.cost, 'cost'), row.is_paid))
      return { reason: 'accepted split is not a split of the value' };
    return this.#payable(row, fee);
  }

  /**
   * The split of the line's value by its rule. Vouchers come in a few face values, so a night's million lines
   * share a handful of splits: each is computed (and printed) once per rule, and shared, read-only.
   */
  #split(row: CandidateRow): Split {
    const { rule, splits } = this.#rule(row);
    const key = row.is_paid ? row.cost : `gift ${row.cost}`;
    let split = splits.get(key);
    if (!split) {
      const fee = rule.split(twd(row.cost, 'cost'), row.is_paid);
      split = { fee, text: jsonbText(fee) };
      splits.set(key, split);
      this.#knownFees.push(split.text);
    }
    return split;
  }

  /**
   * The splits a read compares stored splits with: the first made, at most {@link KNOWN_FEES_COMPARED}. Each
   * line is compared with each, so the list is kept short; a line whose split is not in it sends its text.
   */
  #known(): KnownFees {
    return this.#knownFees.slice(0, KNOWN_FEES_COMPARED);
  }

  #rule(row: CandidateRow): RuleSplits {
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
      rule = {
        rule: this.book.ruleFor(row.issuer_id, row.business_date, {
          headquarters: row.sharing_headquarters ?? '0',
          sales: row.sharing_sales ?? '0',
          reimbursement: row.sharing_reimbursement ?? '0',
        }),
        splits: new Map(),
      };
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

/** Whole non-negative parts that sum to the value (a paid voucher), or are all zero (a gift). */
export function isSplitOf(fee: FeeObject, cost: number, isPaid: boolean): boolean {
  const parts = [
    fee.escrow_fee,
    fee.gateway_fee,
    fee.issuance_fee,
    fee.headquarters,
    fee.sales,
    fee.reimbursement,
  ] as unknown[];
  if (fee.cost !== cost || !parts.every((p) => Number.isSafeInteger(p) && (p as number) >= 0)) return false;
  if (![1, 2, 3].includes(fee.issuance_layer)) return false;
  const sum = (parts as number[]).reduce((a, b) => a + b, 0);
  return isPaid ? sum === cost : sum === 0;
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
