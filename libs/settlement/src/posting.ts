import type { DataSource } from 'typeorm';
import { Account, ESCROW_PARTY, EntryKind, GATEWAY_PARTY, MERCHANT_PREFIX } from './accounts';
import { postingSql } from './journal-posting';

/**
 * Money in and out of the gateway's hands, for a run:
 * - a purchase paid up to the run's end date credits the trust liability with the value of its paid vouchers
 *   and debits the receivable of its merchant (the gateway holds the money); a refund is the reverse;
 * - the fees the gateway kept out of the run's cleared vouchers (see {@link postFeesKept}).
 * One entry per operation (per day and merchant for fees kept), `(kind, reference)` unique, so re-running
 * posts nothing twice. Purchases and refunds are read from the queue of those due (migration TrustPostingsDue),
 * so a night costs its own operations, not the history's. Business dates are Taiwan dates of the operation's
 * completion, or the first open day when that day is in a closed period (`books_open_from()`). Gift vouchers
 * carry no money.
 */
export async function postTrustMovements(
  dataSource: DataSource,
  runId: string,
  periodEnd: string,
): Promise<number> {
  let posted = 0;
  for (const movement of [
    { kind: EntryKind.purchase, state: 'paid', sign: -1, select: `v.purchase_operation_id = o.id` },
    {
      kind: EntryKind.refund,
      state: 'succeeded',
      sign: 1,
      select: `v.holder_operation_id = o.id AND v.state = 'refunded'`,
    },
  ] as const) {
    // The operations due (trust_postings_due, filled by a trigger as they reach the state) that moved by the end
    // date, taken off the queue by the statement that posts them: one with no paid voucher leaves it unposted.
    const due = `due AS (
      DELETE FROM trust_postings_due d USING operations o
       WHERE o.id = d.operation_id AND o.kind = '${movement.kind}' AND o.state = '${movement.state}'
         AND (o.completed_at AT TIME ZONE 'Asia/Taipei')::date <= $2::date
      RETURNING o.id), `;
    const moved = `
      SELECT o.id, o.order_id, sum(v.cost) AS amount, '${MERCHANT_PREFIX}' || p.upstream_uid AS merchant,
             (o.completed_at AT TIME ZONE 'Asia/Taipei')::date AS moved_on
        FROM due JOIN operations o ON o.id = due.id JOIN vouchers v ON ${movement.select}
        JOIN partners p ON p.id = o.partner_id
       WHERE v.is_paid
       GROUP BY o.id, p.upstream_uid`;
    const rows = await dataSource.query<{ count: string }[]>(
      postingSql(
        movement.kind,
        moved,
        [
          [Account.trustLiability, 'NULL', movement.sign],
          [Account.gatewayReceivable, 'm.merchant', movement.sign === 1 ? -1 : 1],
        ],
        due,
      ),
      [runId, periodEnd],
    );
    posted += Number(rows[0]?.count ?? 0);
  }
  return posted + (await postFeesKept(dataSource, runId));
}

/**
 * The gateway keeps each paid voucher's escrow fee and gateway fee at redemption (online or offline), out of
 * the money it holds for the merchant. Per business date of redemption and merchant, for the run's cleared
 * vouchers: debit `fee_escrow` (party `institution:escrow`) and `fee_gateway` (party `institution:gateway`),
 * which their clearing entries credited, and credit the merchant's `gateway_receivable` with both. Reference
 * `<run>:<date>:<merchant>`, unique: once per run, day and merchant. Summed from the sums each clearing chunk
 * wrote with its clearings (`clearing_fee_sums`, the same figures as their journal lines): a few rows a night,
 * where summing the run's clearings again read a million.
 */
export async function postFeesKept(dataSource: DataSource, runId: string): Promise<number> {
  const rows = await dataSource.query<{ count: string }[]>(
    `WITH per_partner AS (
       SELECT partner_id, business_date, sum(escrow_fee) AS escrow_fee, sum(gateway_fee) AS gateway_fee
         FROM clearing_fee_sums
        WHERE run_id = $1
        GROUP BY partner_id, business_date),
     kept AS (
       SELECT GREATEST(c.business_date, books_open_from()) AS business_date, p.upstream_uid AS merchant,
              sum(c.escrow_fee) AS escrow_fee, sum(c.gateway_fee) AS gateway_fee
         FROM per_partner c JOIN partners p ON p.id = c.partner_id
        GROUP BY 1, 2
       HAVING sum(c.escrow_fee) + sum(c.gateway_fee) > 0),
     entries AS (
       INSERT INTO journal_entries (run_id, kind, reference, business_date, description)
       SELECT $1::uuid, '${EntryKind.feeKept}', $1::text || ':' || k.business_date || ':' || k.merchant,
              k.business_date, 'fees kept by the gateway, merchant ' || k.merchant
         FROM kept k
       ON CONFLICT DO NOTHING
       RETURNING id, reference, business_date),
     lines AS (
       INSERT INTO journal_lines (entry_id, account, ledger, party, amount, serial_number, business_date)
       SELECT e.id, l.account, NULL, l.party, l.amount, NULL, e.business_date
         FROM entries e JOIN kept k ON $1::text || ':' || k.business_date || ':' || k.merchant = e.reference
         CROSS JOIN LATERAL (VALUES
           ('${Account.feeEscrow}', '${ESCROW_PARTY}', k.escrow_fee),
           ('${Account.feeGateway}', '${GATEWAY_PARTY}', k.gateway_fee),
           ('${Account.gatewayReceivable}', '${MERCHANT_PREFIX}' || k.merchant, -(k.escrow_fee + k.gateway_fee)))
           AS l(account, party, amount)
        WHERE l.amount <> 0
       RETURNING 1)
     SELECT count(*)::text AS count FROM entries`,
    [runId],
  );
  return Number(rows[0]?.count ?? 0);
}
