import { Account, EntryKind } from '../accounts';
import { uuidOf } from '../balances/night-lines';
import { postedEntries, TRUST_SQL } from '../exports/register-queries';

/**
 * The SQL of the partner statements, run in one REPEATABLE READ transaction under the export's rules: a fact
 * belongs to the period that posted its entry. Figures are per partner (`partners.id`), for every partner or
 * the one whose uid is $3 (NULL: all). $1 and $2 are the period's first and last business dates.
 *
 * Fees and shares come from `clearings` (one row per voucher, its split as cleared), not from account names, so
 * the chart can change without changing a statement. The balances carried are the journal's (queries.ts).
 */

export const PARTNERS_SQL = `
  SELECT id, partner_uid, name, issuer_id FROM partners
   WHERE $1::text IS NULL OR partner_uid = $1::text
   ORDER BY partner_uid COLLATE "C"`;

/**
 * The trust's money movements of the period per partner: vouchers sold (paid, and gifts counted apart),
 * refunded, settled outside, expired — each by the entries posted in the period, its vouchers' values.
 * Redemptions are in REDEEMED_SQL (the clearings). Paid vouchers only move the trust.
 */
export const MOVEMENTS_SQL = `
  SELECT x.item, x.partner_id::text AS partner_id,
         count(*) FILTER (WHERE x.is_paid)::text AS count,
         COALESCE(sum(x.cost) FILTER (WHERE x.is_paid), 0)::text AS amount,
         count(*) FILTER (WHERE NOT x.is_paid)::text AS gifts
    FROM (
      SELECT 'sold' AS item, v.partner_id, v.is_paid, v.cost
        FROM (${postedEntries(EntryKind.purchase)}) s JOIN vouchers v ON v.purchase_operation_id = ${uuidOf('s.reference')}
      UNION ALL
      SELECT 'refunded', v.partner_id, v.is_paid, v.cost
        FROM (${postedEntries(EntryKind.refund)}) f
        JOIN vouchers v ON v.holder_operation_id = ${uuidOf('f.reference')} AND v.state = 'refunded'
      UNION ALL
      -- an esvcrefund of a voucher purchase releases the vouchers it refunded (src/payments/)
      SELECT 'refunded', v.partner_id, v.is_paid, v.cost
        FROM (${postedEntries(EntryKind.paymentRefund)}) f
        JOIN vouchers v ON v.holder_operation_id = ${uuidOf('f.reference')} AND v.state = 'refunded'
      UNION ALL
      SELECT 'settled_outside', v.partner_id, v.is_paid, v.cost
        FROM (${postedEntries(EntryKind.holdSettled)}) h
        JOIN redemption_lines rl ON rl.id = ${uuidOf('h.reference')}
        JOIN vouchers v ON v.id = rl.voucher_id
      UNION ALL
      SELECT 'expired', v.partner_id, v.is_paid, v.cost
        FROM (${postedEntries(EntryKind.expiry)}) x JOIN vouchers v ON v.id = ${uuidOf('x.reference')}
    ) x
   GROUP BY x.item, x.partner_id`;

/** The vouchers cleared by the period's runs per partner and issuance layer: counts, value, fees and shares. */
export const REDEEMED_SQL = `
  SELECT c.partner_id::text AS partner_id, c.issuance_layer::text AS issuance_layer,
         count(*) FILTER (WHERE c.is_paid)::text AS paid, count(*) FILTER (WHERE NOT c.is_paid)::text AS gifts,
         COALESCE(sum(c.cost) FILTER (WHERE c.is_paid), 0)::text AS value,
         sum(c.escrow_fee)::text AS escrow_fee, sum(c.gateway_fee)::text AS gateway_fee,
         sum(c.issuance_fee)::text AS issuance_fee, sum(c.headquarters)::text AS headquarters,
         sum(c.sales)::text AS sales, sum(c.reimbursement)::text AS reimbursement
    FROM settlement_runs r JOIN clearings c ON c.run_id = r.id
   WHERE r.period_end BETWEEN $1::date AND $2::date
   GROUP BY c.partner_id, c.issuance_layer`;

/** The paid vouchers the trust held at the end of $1, per partner (count, value): the trust register summed. */
export const TRUST_HELD_SQL = `
  SELECT t.partner, count(*)::text AS count, sum(t.value::bigint)::text AS amount
    FROM (${TRUST_SQL}) t
   GROUP BY t.partner`;

/**
 * The pay-off items whose entry (remitted, or settled outside by an operator) was posted in the period, with
 * their party; the statement keeps those of the partner's parties.
 */
export const PAYOUTS_SQL = `
  SELECT e.posted_on::text AS posted_on, e.kind, i.party, b.group_id, i.item_id, i.amount::text AS amount
    FROM (
      SELECT e.kind, e.reference, r.period_end AS posted_on
        FROM settlement_runs r JOIN journal_entries e ON e.run_id = r.id
       WHERE r.period_end BETWEEN $1::date AND $2::date
         AND e.kind IN ('${EntryKind.payout}', '${EntryKind.settledOutside}')
      UNION ALL
      SELECT e.kind, e.reference, e.business_date
        FROM journal_entries e
       WHERE e.run_id IS NULL AND e.business_date BETWEEN $1::date AND $2::date
         AND e.kind IN ('${EntryKind.payout}', '${EntryKind.settledOutside}')) e
    JOIN payout_items i ON i.item_id = e.reference
    JOIN payout_batches b ON b.id = i.batch_id
   ORDER BY i.party COLLATE "C", e.posted_on, b.group_id COLLATE "C", i.item_id COLLATE "C"`;

/**
 * The PayPage payments ledger's entries posted in the period per partner (src/payments/): payments received,
 * refunded, refunds cancelled, each the movement of what we owe the partner (`payable_payments`, credit +).
 */
export const PAYMENTS_SQL = `
  SELECT x.item, p.id::text AS partner_id, count(*)::text AS count, sum(-l.amount)::text AS amount
    FROM (
      SELECT 'received' AS item, e.reference FROM (${postedEntries(EntryKind.payment)}) e
      UNION ALL
      SELECT 'refunded', e.reference FROM (${postedEntries(EntryKind.paymentRefund)}) e
      UNION ALL
      SELECT 'refund_cancelled', e.reference FROM (${postedEntries(EntryKind.refundCancel)}) e) x
    JOIN journal_entries je ON je.kind = CASE x.item WHEN 'received' THEN '${EntryKind.payment}'
                                WHEN 'refunded' THEN '${EntryKind.paymentRefund}' ELSE '${EntryKind.refundCancel}' END
                           AND je.reference = x.reference
    JOIN journal_lines l ON l.entry_id = je.id AND l.account = '${Account.payablePayments}'
    JOIN partners p ON l.party = 'hq:' || p.partner_uid
   GROUP BY x.item, p.id`;
