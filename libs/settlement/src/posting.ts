import type { DataSource } from 'typeorm';
import { Account } from './accounts';

/**
 * Money in and out of the trust: each paid voucher of a purchase paid up to the run's end date credits the
 * trust liability (the gateway holds the money), each refunded voucher debits it back. One entry per voucher,
 * `(kind, reference)` unique, so re-running posts nothing twice. Business dates are Taiwan dates of the
 * operation's completion. Gift vouchers carry no money and post nothing.
 */
export async function postTrustMovements(dataSource: DataSource, runId: string, periodEnd: string): Promise<number> {
  let posted = 0;
  for (const movement of [
    { kind: 'purchase', state: 'paid', sign: -1, select: `v.purchase_operation_id = o.id` },
    { kind: 'refund', state: 'succeeded', sign: 1, select: `v.holder_operation_id = o.id AND v.state = 'refunded'` },
  ] as const) {
    const rows = await dataSource.query<{ count: string }[]>(
      `WITH moved AS (
         SELECT v.id, v.serial_number, v.cost,
                (o.completed_at AT TIME ZONE 'Asia/Taipei')::date AS business_date
           FROM operations o JOIN vouchers v ON ${movement.select}
          WHERE o.kind = '${movement.kind}' AND o.state = '${movement.state}' AND v.is_paid
            AND (o.completed_at AT TIME ZONE 'Asia/Taipei')::date <= $2::date),
       entries AS (
         INSERT INTO journal_entries (run_id, kind, reference, business_date, description)
         SELECT $1::uuid, '${movement.kind}', m.id::text, m.business_date, '${movement.kind} ' || m.serial_number
           FROM moved m
         ON CONFLICT (kind, reference) DO NOTHING
         RETURNING id, reference),
       lines AS (
         INSERT INTO journal_lines (entry_id, account, ledger, party, amount, serial_number)
         SELECT e.id, l.account, NULL, NULL, l.amount, m.serial_number
           FROM entries e JOIN moved m ON m.id::text = e.reference
           CROSS JOIN LATERAL (VALUES
             ('${Account.trustLiability}', ${movement.sign} * m.cost),
             ('${Account.gatewayReceivable}', ${-movement.sign} * m.cost)) AS l(account, amount)
         RETURNING 1)
       SELECT count(*)::text AS count FROM entries`,
      [runId, periodEnd],
    );
    posted += Number(rows[0]?.count ?? 0);
  }
  return posted;
}
