import { EntryKind, OPERATOR_PARTY } from '../accounts';
import { POSTED_ON, uuidOf } from '../balances/night-lines';
import { TRUST_RELEASED_BY, TRUST_SPANS_OPEN_AT } from '../balances/trust-held';

/**
 * The SQL of the registers (registers.ts), run in the export's REPEATABLE READ transaction, under the export's
 * rules (queries.ts): a fact belongs to the period that posted its journal entry (its run's end date, or its
 * own business date without a run), and every ORDER BY runs down to a full key of what is printed, text in
 * `COLLATE "C"`. Parameters: $1 the period's start, $2 its end (business dates, inclusive).
 */

/** Entries of one kind posted within [$1, $2] (`reference`, `business_date`, `posted_on`), found through the run index (and the run-less ones by date). */
export function postedEntries(kind: (typeof EntryKind)[keyof typeof EntryKind]): string {
  return `
    SELECT e.reference, e.business_date, r.period_end AS posted_on
      FROM settlement_runs r JOIN journal_entries e ON e.run_id = r.id
     WHERE r.period_end BETWEEN $1::date AND $2::date AND e.kind = '${kind}'
    UNION ALL
    SELECT e.reference, e.business_date, e.business_date
      FROM journal_entries e
     WHERE e.run_id IS NULL AND e.kind = '${kind}' AND e.business_date BETWEEN $1::date AND $2::date`;
}

/** The gateway's fee object part `key` of the line `rl`, as it came (text; empty when the gateway sent none). */
const gatewayPart = (key: string): string => `COALESCE(rl.gateway_fee ->> '${key}', '') AS gw_${key}`;

/** The parts the fee check compares: every part of the fee object but the value, which is the line's own. */
const SPLIT_PARTS = [
  'escrow_fee',
  'gateway_fee',
  'issuance_layer',
  'issuance_fee',
  'headquarters',
  'sales',
  'reimbursement',
] as const;

/**
 * The collector of a voucher's issuance fee by its layer (1 the operator, 2 headquarters, 3 the sales point), as
 * the clearing books it and the pay-off builder pays it (accounts.ts `issuanceParty`).
 */
const ISSUANCE_PARTY = `CASE c.issuance_layer WHEN 1 THEN '${OPERATOR_PARTY}' WHEN 2 THEN c.headquarters_party
                        ELSE c.sales_party END`;

/**
 * The pay-off item that paid a share or the issuance fee: a payable of the clearing's run, party and role, paid
 * by an item whose entry (`payout` or `settled_outside`) was posted by the period's end, so a day's register
 * does not change when a later day pays it; none for a zero amount (a gift). DISTINCT ON keeps one item per
 * share should a party have payables at two merchants.
 */
function paidBy(alias: string, amount: string, party: string, role: string): string {
  return `LEFT JOIN paid ${alias} ON ${amount} > 0 AND ${alias}.run_id = c.run_id AND ${alias}.party = ${party}
                                AND ${alias}.role = ${role}`;
}

const paidColumns = (alias: string, name: string): string =>
  `COALESCE(${alias}.group_id, '') AS ${name}_group_id, COALESCE(${alias}.item_id, '') AS ${name}_item_id`;

/**
 * One row per voucher cleared by a run of the period (a cleared gift too, at zero): its line, its redemption
 * operation, our split as cleared, the gateway's fee object beside it, the parties, the pay-off items. The
 * clearings are reached from the period's runs by the run index, as the journal's are (a materialized list of
 * runs hid the run from the planner, which then walked every clearing and line ever written).
 */
export const REDEMPTIONS_SQL = `
  WITH paid AS (
    SELECT DISTINCT ON (p.run_id, p.party, p.role) p.run_id, p.party, p.role, b.group_id, i.item_id
      FROM settlement_runs rr
      JOIN payables p ON p.run_id = rr.id
      JOIN payout_items i ON i.id = p.paid_by_item_id
      JOIN payout_batches b ON b.id = i.batch_id
      JOIN journal_entries e ON e.kind IN ('${EntryKind.payout}', '${EntryKind.settledOutside}') AND e.reference = i.item_id
      LEFT JOIN settlement_runs r ON r.id = e.run_id
     WHERE rr.period_end BETWEEN $1::date AND $2::date AND ${POSTED_ON} <= $2::date
     ORDER BY p.run_id, p.party, p.role, b.group_id COLLATE "C", i.item_id COLLATE "C")
  SELECT CASE WHEN rn.period_start = rn.period_end THEN rn.period_end::text
              ELSE rn.period_start::text || '_' || rn.period_end::text END AS run,
         c.business_date::text AS redemption_date,
         to_char(rl.redeemed_at AT TIME ZONE 'Asia/Taipei', 'YYYY-MM-DD HH24:MI:SS') AS reimbursement_date,
         pa.partner_uid AS partner, c.serial_number, COALESCE(o.order_id, '') AS order_id,
         COALESCE(o.gateway_uid, '') AS gateway_uid, rl.item_id, c.product,
         CASE WHEN c.is_paid THEN 'paid' ELSE 'gift' END AS paid, c.cost::text AS value,
         c.escrow_fee::text AS escrow_fee, c.gateway_fee::text AS gateway_fee,
         c.issuance_layer::text AS issuance_layer, c.issuance_fee::text AS issuance_fee,
         ${ISSUANCE_PARTY} AS issuance_party,
         ${SPLIT_PARTS.map(gatewayPart).join(', ')},
         CASE WHEN rl.gateway_fee IS NULL THEN ''
              WHEN ${SPLIT_PARTS.map((key) => `(rl.gateway_fee ->> '${key}') IS NOT DISTINCT FROM c.${key}::text`).join(' AND ')}
              THEN 'same' ELSE 'differs' END AS fee_check,
         CASE WHEN rl.fee_accepted THEN 'gateway' ELSE 'ours' END AS split_from,
         c.headquarters::text AS headquarters, c.headquarters_party, c.sales::text AS sales, c.sales_party,
         c.reimbursement::text AS reimbursement, c.reimbursement_party,
         ${paidColumns('ph', 'headquarters')}, ${paidColumns('ps', 'sales')}, ${paidColumns('pr', 'reimbursement')},
         ${paidColumns('pi', 'issuance')}
    FROM settlement_runs rn
    JOIN clearings c ON c.run_id = rn.id
    JOIN redemption_lines rl ON rl.id = c.redemption_line_id
    JOIN partners pa ON pa.id = c.partner_id
    LEFT JOIN operations o ON o.id = rl.operation_id
    ${paidBy('ph', 'c.headquarters', 'c.headquarters_party', `'headquarters'`)}
    ${paidBy('ps', 'c.sales', 'c.sales_party', `'sales'`)}
    ${paidBy('pr', 'c.reimbursement', 'c.reimbursement_party', `'reimbursement'`)}
    ${paidBy('pi', 'c.issuance_fee', ISSUANCE_PARTY, `'issuance_l' || c.issuance_layer`)}
   WHERE rn.period_end BETWEEN $1::date AND $2::date
   ORDER BY rn.period_end, rn.period_start, c.business_date, pa.partner_uid COLLATE "C", c.serial_number COLLATE "C"`;

/**
 * One row per voucher of the purchases posted in the period (paid and gift vouchers alike); no buyer field.
 * A purchase of gift vouchers only moves no money, so it has no entry and is not listed.
 */
export const SALES_SQL = `
  WITH sold AS (${postedEntries(EntryKind.purchase)})
  SELECT s.posted_on::text AS posted_on, s.business_date::text AS sale_date, pa.partner_uid AS partner,
         o.order_id, COALESCE(o.gateway_uid, '') AS gateway_uid, v.serial_number, v.item_id, v.item_name AS product,
         CASE WHEN v.is_paid THEN 'paid' ELSE 'gift' END AS paid, v.price::text AS price, v.cost::text AS value,
         v.sales_point, v.trust_end_date::text AS trust_end_date, v.validity_end_date::text AS validity_end_date
    FROM sold s
    JOIN operations o ON o.id = ${uuidOf('s.reference')}
    JOIN vouchers v ON v.purchase_operation_id = o.id
    JOIN partners pa ON pa.id = v.partner_id
   ORDER BY s.posted_on, s.business_date, pa.partner_uid COLLATE "C", o.order_id COLLATE "C",
            v.serial_number COLLATE "C"`;

/** One row per voucher refunded by the refunds posted in the period, with the purchase it came from. */
export const REFUNDS_SQL = `
  -- voucher refunds, and an esvcrefund's release of a purchase's vouchers (src/payments/)
  WITH refunded AS (${postedEntries(EntryKind.refund)} UNION ALL ${postedEntries(EntryKind.paymentRefund)})
  SELECT f.posted_on::text AS posted_on, f.business_date::text AS refund_date, pa.partner_uid AS partner,
         o.order_id, COALESCE(o.gateway_uid, '') AS gateway_uid, v.serial_number, v.item_id, v.item_name AS product,
         CASE WHEN v.is_paid THEN 'paid' ELSE 'gift' END AS paid, v.cost::text AS value,
         COALESCE(po.order_id, '') AS purchase_order_id
    FROM refunded f
    JOIN operations o ON o.id = ${uuidOf('f.reference')}
    JOIN vouchers v ON v.holder_operation_id = o.id AND v.state = 'refunded'
    JOIN partners pa ON pa.id = v.partner_id
    LEFT JOIN operations po ON po.id = v.purchase_operation_id
   ORDER BY f.posted_on, f.business_date, pa.partner_uid COLLATE "C", o.order_id COLLATE "C",
            v.serial_number COLLATE "C"`;

/**
 * The paid vouchers the trust held at the end of $1 (a business date), by partner, issuer and product, among the
 * vouchers `held` names (a query of `voucher_id`): sold by a purchase entry posted by then and not released by
 * then (`TRUST_RELEASED_BY`: cleared by a run, settled outside, expired or refunded by an entry posted by then; a
 * voucher cleared as a gift debits nothing: the journal still holds its value). So its total is the trust
 * liability's balance at that date, as the journal has it. `days_left` counts from that date to the voucher's
 * trust end (negative once past).
 */
const trustVouchers = (held: string): string => `
  SELECT pa.partner_uid AS partner, pa.issuer_id AS issuer, v.item_id, v.item_name AS product, v.serial_number,
         o.order_id AS sale_order_id, ${POSTED_ON}::text AS sold_on, v.cost::text AS value,
         v.trust_end_date::text AS trust_end_date, (v.trust_end_date - $1::date)::text AS days_left
    FROM (${held}) h
    JOIN vouchers v ON v.id = h.voucher_id AND v.is_paid
    JOIN journal_entries e ON e.kind = '${EntryKind.purchase}' AND e.reference = v.purchase_operation_id::text
    LEFT JOIN settlement_runs r ON r.id = e.run_id
    JOIN operations o ON o.id = v.purchase_operation_id
    JOIN partners pa ON pa.id = v.partner_id
   WHERE ${POSTED_ON} <= $1::date AND NOT ${TRUST_RELEASED_BY('v', '$1::date')}`;

/** The trust's vouchers at $1 among those whose span is open then (`TRUST_SPANS_OPEN_AT`): what the night reads. */
export const TRUST_VOUCHERS_SQL = trustVouchers(TRUST_SPANS_OPEN_AT);

/**
 * The same vouchers among every voucher of every purchase posted: what the spans must give, for checks only
 * (the specs). It reads the whole history: never on a night's path.
 */
export const JOURNAL_TRUST_VOUCHERS_SQL = trustVouchers(`
  SELECT v.id AS voucher_id FROM journal_entries e JOIN vouchers v ON v.purchase_operation_id = ${uuidOf('e.reference')}
   WHERE e.kind = '${EntryKind.purchase}'`);

/** The same vouchers in the register's order (partner, issuer, product, serial). */
export const TRUST_SQL = `${TRUST_VOUCHERS_SQL}
   ORDER BY pa.partner_uid COLLATE "C", pa.issuer_id COLLATE "C", v.item_name COLLATE "C", v.item_id COLLATE "C",
            v.serial_number COLLATE "C"`;
