import type { DataSource } from 'typeorm';
import { Account } from './accounts';

/**
 * Money in and out of the trust: a purchase paid up to the run's end date credits the trust liability with the
 * value of its paid vouchers (the gateway holds the money), a refund debits it back with the value of the
 * vouchers it refunded. One entry per operation, `(kind, reference)` unique, so re-running posts nothing
 * twice. Business dates are Taiwan dates of the operation's completion. Gift vouchers carry no money.
 */
export async function postTrustMovements(
  dataSource: DataSource,
  runId: string,
  periodEnd: string,
): Promise<number> {
  let posted = 0;
  for (const movement of [
    { kind: 'purchase', state: 'paid', sign: -1, select: `v.purchase_operation_id = o.id` },
    {
      kind: 'refund',
      state: 'succeeded',
      sign: 1,
      select: `v.holder_operation_id = o.id AND v.state = 'refunded'`,
    },
  ] as const) {
    const rows = await dataSource.query<{ count: string }[]>(
      `WITH moved AS (
         SELECT o.id, o.order_id, sum(v.cost) AS cost,
                (o.completed_at AT TIME ZONE 'Asia/Taipei')::date AS business_date
           FROM operations o JOIN vouchers v ON ${movement.select}
          WHERE o.kind = '${movement.kind}' AND o.state = '${movement.state}' AND v.is_paid
            AND (o.completed_at AT TIME ZONE 'Asia/Taipei')::date <= $2::date
          GROUP BY o.id),
       entries AS (
         INSERT INTO journal_entries (run_id, kind, reference, business_date, description)
         SELECT $1::uuid, '${movement.kind}', m.id::text, m.business_date, '${movement.kind} order ' || m.order_id
           FROM moved m
         ON CONFLICT (kind, reference) WHERE kind <> 'clearing' DO NOTHING
         RETURNING id, reference),
       lines AS (
         INSERT INTO journal_lines (entry_id, account, ledger, party, amount, serial_number)
         SELECT e.id, l.account, NULL, NULL, l.amount, NULL
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
