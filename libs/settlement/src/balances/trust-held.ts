import { EntryKind } from '../accounts';
import { nightRead, POSTED_ON, type Queryable, uuidOf } from './night-lines';

/**
 * The paid vouchers the trust holds, as spans of posted days (`trust_held_spans`, migration TrustHeldSpans),
 * written with the balance snapshots in their transaction: a voucher is held from the day its purchase entry
 * was posted until the first posted day an entry releasing it was posted (cleared by a run, settled outside,
 * expired, refunded). A night writes the spans its own entries open or close, so the trust register of a day
 * reads the spans open then, never every voucher ever sold. A voucher sold and released on one day has none.
 */
/** The redemption line of voucher `v`: found by the partner and serial it was claimed under (unique), then checked. */
const lineOf = (v: string): string =>
  `rl.partner_id = ${v}.partner_id AND rl.serial_number = ${v}.serial_number AND rl.voucher_id = ${v}.id`;

/**
 * Whether the paid voucher `v` left the trust by the end of `day` (an SQL date): its line cleared as paid by a
 * run ending by then, or an entry posted by then settling its line outside (`hold_settled`), recording its
 * expiry or refunding it (a voucher refund or an esvcrefund's release). A voucher cleared as a gift debits
 * nothing, so it stays held. The set form of the same events, per posted day, is {@link RELEASED_ON}.
 */
export const TRUST_RELEASED_BY = (v: string, day: string): string => `(
  EXISTS (SELECT 1 FROM redemption_lines rl
            JOIN clearings c ON c.redemption_line_id = rl.id AND c.is_paid
            JOIN settlement_runs cr ON cr.id = c.run_id
           WHERE ${lineOf(v)} AND cr.period_end <= ${day})
  OR EXISTS (SELECT 1 FROM redemption_lines rl
               JOIN journal_entries e ON e.kind = '${EntryKind.holdSettled}' AND e.reference = rl.id::text
               LEFT JOIN settlement_runs r ON r.id = e.run_id
              WHERE ${lineOf(v)} AND ${POSTED_ON} <= ${day})
  OR EXISTS (SELECT 1 FROM journal_entries e LEFT JOIN settlement_runs r ON r.id = e.run_id
              WHERE ${v}.state = 'expired' AND e.kind = '${EntryKind.expiry}' AND e.reference = ${v}.id::text
                AND ${POSTED_ON} <= ${day})
  OR EXISTS (SELECT 1 FROM journal_entries e LEFT JOIN settlement_runs r ON r.id = e.run_id
              WHERE ${v}.state = 'refunded' AND e.kind IN ('${EntryKind.refund}', '${EntryKind.paymentRefund}')
                AND e.reference = ${v}.holder_operation_id::text AND ${POSTED_ON} <= ${day}))`;

/** Entries of the given kinds posted on $1 (`kind`, `reference`): the day's runs' entries, then run-less ones. */
const entriesPostedOn = (kinds: readonly string[]): string => {
  const list = kinds.map((kind) => `'${kind}'`).join(', ');
  return `
    SELECT e.kind, e.reference FROM settlement_runs r JOIN journal_entries e ON e.run_id = r.id
     WHERE r.period_end = $1::date AND e.kind <> 'clearing' AND e.kind IN (${list})
    UNION ALL
    SELECT e.kind, e.reference FROM journal_entries e
     WHERE e.run_id IS NULL AND e.business_date = $1::date AND e.kind IN (${list})`;
};

/**
 * The vouchers released by what was posted on $1 (`voucher_id`): the events of {@link TRUST_RELEASED_BY}
 * whose date is $1, reached from the day's runs and entries, never from the vouchers: a clearing names its
 * voucher (its line is looked up only for one written before it did). A voucher may come twice: its readers only
 * ask whether it is there.
 */
const RELEASED_ON = `
  WITH posted AS MATERIALIZED (${entriesPostedOn([
    EntryKind.holdSettled,
    EntryKind.expiry,
    EntryKind.refund,
    EntryKind.paymentRefund,
  ])})
  SELECT COALESCE(c.voucher_id,
                  (SELECT rl.voucher_id FROM redemption_lines rl WHERE rl.id = c.redemption_line_id)) AS voucher_id
    FROM settlement_runs r JOIN clearings c ON c.run_id = r.id AND c.is_paid
   WHERE r.period_end = $1::date
  UNION ALL
  SELECT rl.voucher_id FROM posted e JOIN redemption_lines rl ON rl.id = ${uuidOf('e.reference')}
   WHERE e.kind = '${EntryKind.holdSettled}' AND rl.voucher_id IS NOT NULL
  UNION ALL
  SELECT v.id FROM posted e JOIN vouchers v ON v.id = ${uuidOf('e.reference')}
   WHERE e.kind = '${EntryKind.expiry}' AND v.state = 'expired'
  UNION ALL
  SELECT v.id FROM posted e JOIN vouchers v ON v.holder_operation_id = ${uuidOf('e.reference')}
   WHERE e.kind IN ('${EntryKind.refund}', '${EntryKind.paymentRefund}') AND v.state = 'refunded'`;

/** The vouchers whose span is open at the end of $1: every voucher the trust may hold then. */
export const TRUST_SPANS_OPEN_AT = `
  SELECT s.voucher_id FROM trust_held_spans s
   WHERE s.held_from <= $1::date AND (s.held_until IS NULL OR s.held_until > $1::date)`;

/**
 * Writes the spans for posted day `day`, the days before it being written: closes the open spans of the vouchers
 * it released, opens one for each paid voucher it sold that is still held at its end. `rewind` (the first day a
 * refresh writes) first undoes what earlier writes recorded for `day` and later, which it then writes again.
 */
export async function writeTrustHeld(tx: Queryable, day: string, rewind: boolean): Promise<void> {
  // The day's releases find their vouchers by the day's entries: by index, never by a scan of every voucher.
  await nightRead(tx, () => writeSpans(tx, day, rewind));
}

async function writeSpans(tx: Queryable, day: string, rewind: boolean): Promise<void> {
  if (rewind) {
    await tx.query(`DELETE FROM trust_held_spans WHERE held_from >= $1::date`, [day]);
    await tx.query(`UPDATE trust_held_spans SET held_until = NULL WHERE held_until >= $1::date`, [day]);
  }
  await tx.query(`DROP TABLE IF EXISTS trust_released`);
  await tx.query(`CREATE TEMPORARY TABLE trust_released ON COMMIT DROP AS ${RELEASED_ON}`, [day]);
  await tx.query(`ANALYZE trust_released`);
  await tx.query(
    `UPDATE trust_held_spans s SET held_until = $1::date FROM trust_released x
      WHERE s.held_until IS NULL AND s.voucher_id = x.voucher_id`,
    [day],
  );
  // A voucher sold today and not released today is checked for a release on an earlier day (rare: its
  // purchase posted after its line cleared); one sold and released today is never held overnight. Each
  // OFFSET 0 fixes an order the planner would otherwise turn around: the sold vouchers by their purchase's key
  // (not a scan of every voucher), and the check per voucher only after the anti-join (not pushed below it).
  await tx.query(
    `INSERT INTO trust_held_spans (voucher_id, held_from)
     SELECT v.id, $1::date FROM (
       SELECT v.* FROM (${entriesPostedOn([EntryKind.purchase])}) e
         CROSS JOIN LATERAL (
           SELECT * FROM vouchers v WHERE v.purchase_operation_id = ${uuidOf('e.reference')} AND v.is_paid
           OFFSET 0) v
        WHERE NOT EXISTS (SELECT 1 FROM trust_released x WHERE x.voucher_id = v.id)
       OFFSET 0) v
      WHERE NOT ${TRUST_RELEASED_BY('v', '$1::date')}
     ON CONFLICT (voucher_id) DO NOTHING`,
    [day],
  );
}
