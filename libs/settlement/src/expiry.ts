import type { DataSource } from 'typeorm';
import { Account, merchantParty } from './accounts';

/** The journal kind of an expiry, one entry per voucher (`reference` = the voucher id). */
export const EXPIRY_KIND = 'expiry';

/**
 * Expires every voucher still `issued` whose trust period ended before the run's end date (its last Taiwan day
 * is over: `trust_end_date < periodEnd`, so the expiry's business date, the day after, is within the period),
 * and books each paid one, its value: debit `trust_liability`, credit `gateway_receivable` of the issuing
 * merchant (`merchant:<upstream uid>`), since the trust releases the money to that merchant at the gateway
 * (docs/protocol.md §7) and the gateway no longer holds it for us. No fee: the seed's fees are charged on
 * redemption only. Gift vouchers carry no money: expired, nothing posted.
 *
 * The entry's business date is the day after the trust's last, or the run's first day for a voucher expired
 * late (its operation settled after an earlier run), so nothing is posted into an earlier period.
 *
 * One statement, so the state and the entry go together. Idempotent on the voucher: it moves only from
 * `issued`, and `(kind, reference)` is unique. A paid voucher is expired only once its purchase is posted to the
 * trust (postTrustMovements), so the trust's balance never goes past zero for it; a gift once its purchase is
 * paid (a purchase of gifts only moves no money and never has a purchase entry to wait for). A voucher in flight
 * (redeeming, refunding, unknown) is left to its operation; back to `issued`, a later run expires it. A
 * redemption holding it first wins (the UPDATE waits for its row lock, then finds it no longer `issued`).
 */
export async function postExpiries(
  dataSource: DataSource,
  runId: string,
  periodEnd: string,
): Promise<number> {
  const rows = await dataSource.query<{ count: string }[]>(
    `WITH expired AS (
       UPDATE vouchers v SET state = 'expired', updated_at = now()
        WHERE v.state = 'issued' AND v.trust_end_date < $2::date
          AND (EXISTS (SELECT 1 FROM journal_entries p
                        WHERE p.kind = 'purchase' AND p.reference = v.purchase_operation_id::text)
               OR (NOT (v.is_paid AND v.cost > 0)
                   AND EXISTS (SELECT 1 FROM operations o WHERE o.id = v.purchase_operation_id AND o.state = 'paid')))
        RETURNING v.id, v.partner_id, v.serial_number, v.is_paid, v.cost, v.trust_end_date),
     paid AS (
       SELECT e.*, $3 || pa.upstream_uid AS party
         FROM expired e JOIN partners pa ON pa.id = e.partner_id
        WHERE e.is_paid AND e.cost > 0),
     entries AS (
       INSERT INTO journal_entries (run_id, kind, reference, business_date, description)
       SELECT $1::uuid, '${EXPIRY_KIND}', p.id::text,
              GREATEST(p.trust_end_date + 1, (SELECT period_start FROM settlement_runs WHERE id = $1::uuid)),
              'trust ended unused: voucher ' || p.serial_number
         FROM paid p
       ON CONFLICT DO NOTHING
       RETURNING id, reference, business_date),
     lines AS (
       INSERT INTO journal_lines (entry_id, account, ledger, party, amount, serial_number, business_date)
       SELECT e.id, l.account, NULL, l.party, l.amount, p.serial_number, e.business_date
         FROM entries e JOIN paid p ON p.id::text = e.reference
         CROSS JOIN LATERAL (VALUES
           ('${Account.trustLiability}', NULL, p.cost),
           ('${Account.gatewayReceivable}', p.party, -p.cost)) AS l(account, party, amount)
       RETURNING 1)
     SELECT count(*)::text AS count FROM entries`,
    [runId, periodEnd, merchantParty('')],
  );
  return Number(rows[0]?.count ?? 0);
}
