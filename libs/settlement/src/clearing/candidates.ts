import type { EntityManager } from 'typeorm';
import { pointParty } from '../accounts';

/** A redemption line as clearing reads it: what the judgement and the clearing row need. */
export interface CandidateRow {
  id: string;
  partner_id: string;
  /** The voucher sold through us that the line redeemed; null for one not sold here. */
  voucher_id: string | null;
  serial_number: string;
  is_paid: boolean;
  cost: string;
  /**
   * Our split stored at redemption, when it is one of the splits the clearing already knows: its place (from 1)
   * in the list of their texts the read was given (see {@link KnownFees}).
   */
  known_fee: number | null;
  /** Our split stored at redemption, as PostgreSQL prints the jsonb; only when it is not a known one. */
  our_fee: string | null;
  fee_issue: string | null;
  /** An operator accepted the gateway's split: the stored split is cleared as it is (after a check). */
  fee_accepted: boolean;
  business_date: string;
  sales_point: string;
  redemption_point: string;
  /** The points as parties of the line's partner (pointParty), set on read: what clearing pays. */
  sales_party: string;
  redemption_party: string;
  product: string;
  sharing_headquarters: string | null;
  sharing_sales: string | null;
  sharing_reimbursement: string | null;
  partner_uid: string;
  issuer_id: string;
  /** Redeemed on or before the run's end date; a later line is left for a later run. */
  in_period: boolean;
}

/** A fresh line also says whether it was written below the run's horizon (see {@link freshLines}). */
export interface FreshRow extends CandidateRow {
  below_horizon: boolean;
}

/** A backlog line also says whether a run has cleared it since it was left there. */
export interface BacklogRow extends CandidateRow {
  cleared_already: boolean;
}

/**
 * A place in the order clearing reads fresh lines in: the writing transaction, then the id. A transaction's id
 * is drawn when it first writes, and `created_xid` is indexed with `id`, so the order is a walk of one index
 * and a range of it is a bounded read (see {@link nextRangeEnd}).
 */
export interface LinePosition {
  xid: string;
  id: string;
}

const LAST_UUID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

/** The position just before every line written by transaction `xid` or later. */
export function positionBefore(xid: string): LinePosition {
  return { xid: (BigInt(xid) - 1n).toString(), id: LAST_UUID };
}

/**
 * Splits a clearing has made, as the texts of their jsonb (see `jsonbText`). A night's lines share a handful of
 * splits: a line's stored split is compared with them in the database, and only its place in the list comes
 * back, sparing the printing, sending and parsing of every line's split (see docs/benchmarks.md). The list only
 * grows, so a place in it stays right while other reads add to it.
 */
export type KnownFees = readonly string[];

// Sharing as the text the fee schedule parses; the product as sold, or the item id of a voucher not sold here.
// $1 is the run's end date, $2 the known splits.
// The stored split's place among the known ones is computed once per line (kf, kept from being inlined twice by
// OFFSET 0): each place is a jsonb comparison with every known split (docs/benchmarks.md).
// The partner is looked up per line by its key (a lateral kept apart by OFFSET 0, memoized by partner): never a
// join the planner may turn around or loop over every partner for.
const COLUMNS = `rl.id, rl.partner_id, rl.voucher_id, rl.serial_number, rl.is_paid, rl.cost::text AS cost,
  kf.known AS known_fee, CASE WHEN kf.known IS NULL THEN rl.our_fee::text END AS our_fee,
  rl.fee_issue, rl.fee_accepted, rl.business_date::text AS business_date, rl.sales_point, rl.redemption_point,
  coalesce(rl.item_name, rl.item_id) AS product, rl.sharing_headquarters::text AS sharing_headquarters,
  rl.sharing_sales::text AS sharing_sales, rl.sharing_reimbursement::text AS sharing_reimbursement,
  p.partner_uid, p.issuer_id, rl.business_date <= $1 AS in_period`;

/** The line's partner, by key (see above). */
const PARTNER_OF_LINE = `CROSS JOIN LATERAL (
  SELECT partner_uid, issuer_id FROM partners WHERE partners.id = rl.partner_id OFFSET 0) p`;

/**
 * Whether a clearing exists for the line `line` names, as one probe of the clearings' key per line. OFFSET 0
 * keeps it a subplan: as an anti-join, a planner that priced the clearings as nearly empty (a first night, when
 * the statistics still say so) scanned them all once per line, which grows with the square of the night.
 */
const clearedProbe = (line: string) =>
  `EXISTS (SELECT 1 FROM clearings c WHERE c.redemption_line_id = ${line} OFFSET 0)`;

/**
 * The end of the next range of fresh lines after `after`: `size` lines on, or the last line; undefined when
 * none is left. An index-only walk of (created_xid, id).
 */
export async function nextRangeEnd(
  tx: EntityManager,
  after: LinePosition,
  size: number,
): Promise<LinePosition | undefined> {
  const [end] = await tx.query<LinePosition[]>(
    `SELECT created_xid::text AS xid, id::text AS id FROM (
       SELECT created_xid, id FROM redemption_lines WHERE (created_xid, id) > ($1::bigint, $2::uuid)
        ORDER BY created_xid, id LIMIT $3) AS r
      ORDER BY created_xid DESC, id DESC LIMIT 1`,
    [after.xid, after.id, size],
  );
  return end;
}

/**
 * The fresh lines of the range (after, last] that no run has cleared and that are not waiting in the backlog
 * (the backlog is read on its own, first).
 */
export async function freshLines(
  tx: EntityManager,
  periodEnd: string,
  knownFees: KnownFees,
  horizon: string,
  after: LinePosition,
  last: LinePosition,
): Promise<FreshRow[]> {
  const rows = await tx.query<FreshRow[]>(
    `SELECT ${COLUMNS}, rl.created_xid < $3::bigint AS below_horizon
       FROM redemption_lines rl
       ${PARTNER_OF_LINE}
       CROSS JOIN LATERAL (SELECT array_position($2::jsonb[], rl.our_fee) AS known OFFSET 0) kf
      WHERE (rl.created_xid, rl.id) > ($4::bigint, $5::uuid) AND (rl.created_xid, rl.id) <= ($6::bigint, $7::uuid)
        AND NOT ${clearedProbe('rl.id')}
        AND NOT EXISTS (SELECT 1 FROM clearing_backlog b WHERE b.redemption_line_id = rl.id OFFSET 0)
      -- In the range's own order: the planner then walks (created_xid, id) over the range. Without it, it guessed
      -- the range at most of the table and walked the whole primary key per chunk (docs/benchmarks.md).
      ORDER BY rl.created_xid, rl.id`,
    [periodEnd, knownFees, horizon, after.xid, after.id, last.xid, last.id],
  );
  return withParties(rows);
}

/** The next `size` lines of the backlog after line `after`, in id order; a line settled outside is not one. */
export async function backlogLines(
  tx: EntityManager,
  periodEnd: string,
  knownFees: KnownFees,
  after: string | undefined,
  size: number,
): Promise<BacklogRow[]> {
  const rows = await tx.query<BacklogRow[]>(
    `SELECT ${COLUMNS}, ${clearedProbe('b.redemption_line_id')} AS cleared_already
       FROM clearing_backlog b
       JOIN redemption_lines rl ON rl.id = b.redemption_line_id
       ${PARTNER_OF_LINE}
       CROSS JOIN LATERAL (SELECT array_position($2::jsonb[], rl.our_fee) AS known OFFSET 0) kf
      WHERE ($3::uuid IS NULL OR b.redemption_line_id > $3::uuid) AND b.released_at IS NULL
      ORDER BY b.redemption_line_id LIMIT $4`,
    [periodEnd, knownFees, after ?? null, size],
  );
  return withParties(rows);
}

/** Names each line's points as its partner's parties: in memory, no lookup per line. */
function withParties<R extends CandidateRow>(rows: R[]): R[] {
  for (const row of rows) {
    row.sales_party = pointParty(row.partner_uid, row.sales_point);
    row.redemption_party = pointParty(row.partner_uid, row.redemption_point);
  }
  return rows;
}

/** How many lines a run from `from` to `periodEnd` has to examine: for its progress bar. */
export async function linesToExamine(tx: EntityManager, periodEnd: string, from: string): Promise<number> {
  const [{ total }] = await tx.query<[{ total: number }]>(
    `SELECT ((SELECT count(*) FROM redemption_lines rl
               WHERE rl.created_xid >= $2::bigint AND rl.business_date <= $1
                 AND NOT EXISTS (SELECT 1 FROM clearings c WHERE c.redemption_line_id = rl.id)
                 AND NOT EXISTS (SELECT 1 FROM clearing_backlog b WHERE b.redemption_line_id = rl.id))
           + (SELECT count(*) FROM clearing_backlog b JOIN redemption_lines rl ON rl.id = b.redemption_line_id
               WHERE rl.business_date <= $1 AND b.released_at IS NULL))::int AS total`,
    [periodEnd, from],
  );
  return total;
}
