import { fromDbString, ZERO_TWD } from '@tixclear/domain';
import type { DataSource, EntityManager } from 'typeorm';
import { raiseOperatorItem } from '@tixclear/db';
import { Account, EntryKind, HEADQUARTERS_PREFIX, MERCHANT_PREFIX } from '../accounts';
import { postingSql } from '../journal-posting';
import { chooseVouchers } from './voucher-choice';

/**
 * The Taiwan business date a gateway instant (`finishtime`, YYYYMMDDHHmmss Taiwan time, in whatever separators)
 * names, else the Taiwan date we completed the operation: the gateway's own instant is when its holdings moved.
 */
const gatewayDate = (finishtime: string, completed: string) =>
  `coalesce(CASE WHEN regexp_replace(coalesce(${finishtime}, ''), '\\D', '', 'g') ~ '^\\d{8}'
                 THEN to_date(substr(regexp_replace(${finishtime}, '\\D', '', 'g'), 1, 8), 'YYYYMMDD') END,
            (${completed} AT TIME ZONE 'Asia/Taipei')::date)`;

/** A whole-TWD amount from a JSON text or number, null when it is not one. */
const twdOf = (value: string) => `CASE WHEN trim(${value}) ~ '^\\d{1,15}$' THEN trim(${value})::bigint END`;

const MERCHANT = `'${MERCHANT_PREFIX}' || p.upstream_uid AS merchant, '${HEADQUARTERS_PREFIX}' || p.partner_uid AS party`;

/**
 * The operations due as `alias`, with their partner as `p`: those the queue names (`payment_postings_due`, fed
 * by a trigger on operations, migration PaymentPostingsDue), so a night reads what is not yet posted, never
 * every payment ever made.
 */
const dueOperations = (alias: string) =>
  `payment_postings_due d JOIN operations ${alias} ON ${alias}.id = d.operation_id
    JOIN partners p ON p.id = ${alias}.partner_id`;

/** Payments paid: the amount the gateway says was paid (`actual_cost` of our query, 290 included). */
const PAYMENTS = `
  SELECT o.id, o.order_id, ${MERCHANT},
         coalesce(${twdOf(`n.payload->>'actual_cost'`)}, ${twdOf(`o.request->>'cost'`)}) AS amount,
         ${gatewayDate(`n.payload->>'finishtime'`, 'o.completed_at')} AS moved_on
    FROM ${dueOperations('o')}
    LEFT JOIN partner_notifications n ON n.operation_id = o.id AND n.event = 'payment'
   WHERE o.kind = 'payment' AND o.state = 'paid'
     AND NOT EXISTS (SELECT 1 FROM journal_entries j WHERE j.kind = '${EntryKind.payment}' AND j.reference = o.id::text)`;

/** Money refunds that succeeded, of a payment (`refund`, or `esvcrefund` of a PayPage order). */
const REFUNDS_OF_PAYMENTS = `
  SELECT r.id, r.order_id, ${MERCHANT}, ${twdOf(`r.request->>'cost'`)} AS amount,
         ${gatewayDate(`r.response->'row_data'->>'finishtime'`, 'r.completed_at')} AS moved_on
    FROM ${dueOperations('r')}
   WHERE r.kind = 'pay_refund' AND r.state = 'succeeded'
     AND EXISTS (SELECT 1 FROM operations o WHERE o.partner_id = r.partner_id AND o.command = 'orders'
                   AND o.gateway_uid = r.request->>'uid')
     AND NOT EXISTS (SELECT 1 FROM journal_entries j
                      WHERE j.kind = '${EntryKind.paymentRefund}' AND j.reference = r.id::text)`;

/** The refund a `refundcancel` took back: the refund uid of its answer, else the uid it named. */
const CANCELLED_REFUND = `coalesce(c.response->'row_data'->>'refund_uid', c.request->>'uid')`;

/** Refund cancels that succeeded, of a payment's refund already posted: the refund reversed. */
const CANCELS_OF_PAYMENT_REFUNDS = `
  SELECT c.id, c.order_id, ${MERCHANT}, ${twdOf(`r.request->>'cost'`)} AS amount,
         ${gatewayDate(`c.response->'row_data'->>'finishtime'`, 'c.completed_at')} AS moved_on
    FROM ${dueOperations('c')}
    JOIN operations r ON r.partner_id = c.partner_id AND r.kind = 'pay_refund' AND r.gateway_uid = ${CANCELLED_REFUND}
    JOIN journal_entries rj ON rj.kind = '${EntryKind.paymentRefund}' AND rj.reference = r.id::text
   WHERE c.kind = 'pay_action' AND c.command = 'refundcancel' AND c.state = 'succeeded'
     AND EXISTS (SELECT 1 FROM journal_lines l WHERE l.entry_id = rj.id AND l.account = '${Account.payablePayments}')
     AND NOT EXISTS (SELECT 1 FROM journal_entries j WHERE j.kind = '${EntryKind.refundCancel}' AND j.reference = c.id::text)`;

/**
 * The payments ledger, for a run (docs/protocol.md, "Payments in the books"): every PayPage payment paid, money
 * refund and refund cancel effective at the gateway up to the run's end date, one entry each, dated the Taiwan
 * date the gateway's holdings moved (its `finishtime`, which our query or the call's answer gave us; our
 * completion's date when it gave none), or the first open day when that day is closed.
 * - payment: debit `gateway_receivable` (merchant), credit `payable_payments` (`hq:<partner uid>`);
 * - refund of a payment: the reverse; its cancel reverses the refund;
 * - `esvcrefund` of a voucher purchase: {@link postPurchaseReleases}.
 * Idempotent: `(kind, reference)` unique, reference the operation id. Only the operations of the queue of those
 * due are read (migration PaymentPostingsDue), so a night costs what is not yet posted, not the history.
 */
export async function postPayments(
  dataSource: DataSource,
  runId: string,
  periodEnd: string,
): Promise<number> {
  let posted = 0;
  const receivable: [string, string] = [Account.gatewayReceivable, 'm.merchant'];
  const payable: [string, string] = [Account.payablePayments, 'm.party'];
  for (const [kind, moved, debit, credit] of [
    [EntryKind.payment, PAYMENTS, receivable, payable],
    [EntryKind.paymentRefund, REFUNDS_OF_PAYMENTS, payable, receivable],
    [EntryKind.refundCancel, CANCELS_OF_PAYMENT_REFUNDS, receivable, payable],
  ] as const) {
    const rows = await dataSource.query<{ count: string }[]>(
      postingSql(kind, moved, [
        [...debit, 1],
        [...credit, -1],
      ]),
      [runId, periodEnd],
    );
    posted += Number(rows[0]?.count ?? 0);
  }
  posted += await postPurchaseReleases(dataSource, runId, periodEnd);
  await takeOffDone(dataSource);
  return posted;
}

/**
 * Takes off the queue the operations that need nothing more: posted (their entry's key exists), or an
 * esvcrefund a person resolved. Both facts are final, so no race with a posting or the trigger can lose one;
 * a row that stays (paid later than the run, a cancel whose refund is not posted yet, an amount not booked)
 * is read again by the next run.
 */
async function takeOffDone(dataSource: DataSource): Promise<void> {
  await dataSource.query(
    `DELETE FROM payment_postings_due d
      WHERE EXISTS (SELECT 1 FROM journal_entry_keys k
                     WHERE k.kind IN ('${EntryKind.payment}', '${EntryKind.paymentRefund}', '${EntryKind.refundCancel}')
                       AND k.reference = d.operation_id::text)
         OR EXISTS (SELECT 1 FROM operator_items i
                     WHERE i.kind = 'books_gateway_difference' AND i.reference = 'payment:' || d.operation_id
                       AND i.state = 'resolved')`,
  );
}

interface ReleaseCandidate {
  id: string;
  order_id: string;
  partner_id: string;
  purchase_id: string;
  merchant: string;
  amount: string | null;
  gateway_date: string;
}

/**
 * An `esvcrefund` of a voucher purchase releases exactly what it refunds: it takes the fewest of the purchase's
 * unused paid vouchers (`issued`, posted to the trust) whose values sum to exactly the refunded amount
 * ({@link chooseVouchers}: ties to the most of the largest value, then the lowest serials; a bounded search), moves them to `refunded` (held by the refund's operation), debits `trust_liability` by that amount and
 * credits the merchant's `gateway_receivable`, in one transaction. The vouchers are out of the trust, so it can
 * never go negative for the purchase, and none of them is redeemed or expired later. An amount no such set
 * makes is not booked: a `books_gateway_difference` item (reference `payment:<refund operation id>`) asks a
 * person; each run tries again while it is open, and none once a person resolved it (they booked it by hand,
 * `settle period correct`, or decided otherwise). A cancel of such a refund puts the same
 * vouchers back to `issued` and reverses the entry.
 */
export async function postPurchaseReleases(
  dataSource: DataSource,
  runId: string,
  periodEnd: string,
): Promise<number> {
  const candidates = await dataSource.query<ReleaseCandidate[]>(
    `SELECT r.id, r.order_id, r.partner_id, o.id AS purchase_id, '${MERCHANT_PREFIX}' || p.upstream_uid AS merchant,
            ${twdOf(`r.request->>'cost'`)}::text AS amount,
            GREATEST(${gatewayDate(`r.response->'row_data'->>'finishtime'`, 'r.completed_at')}, books_open_from())::text
              AS gateway_date
       FROM ${dueOperations('r')}
       JOIN operations o ON o.partner_id = r.partner_id AND o.kind = 'purchase' AND o.gateway_uid = r.request->>'uid'
      WHERE r.kind = 'pay_refund' AND r.state = 'succeeded'
        AND ${gatewayDate(`r.response->'row_data'->>'finishtime'`, 'r.completed_at')} <= $1::date
        AND NOT EXISTS (SELECT 1 FROM journal_entries j
                         WHERE j.kind = '${EntryKind.paymentRefund}' AND j.reference = r.id::text)
        AND NOT EXISTS (SELECT 1 FROM operator_items i
                         WHERE i.kind = 'books_gateway_difference' AND i.reference = 'payment:' || r.id
                           AND i.state = 'resolved')
      ORDER BY r.completed_at, r.id`,
    [periodEnd],
  );
  let posted = 0;
  for (const c of candidates) {
    if (await dataSource.transaction((tx) => releaseOne(tx, runId, c))) posted += 1;
  }
  return posted + (await postReleaseCancels(dataSource, runId, periodEnd));
}

async function releaseOne(tx: EntityManager, runId: string, c: ReleaseCandidate): Promise<boolean> {
  const amount = c.amount === null ? ZERO_TWD : fromDbString(c.amount, 'amount');
  const vouchers = await tx.query<{ id: string; cost: string; serial_number: string }[]>(
    `SELECT v.id, v.cost::text AS cost, v.serial_number FROM vouchers v
      WHERE v.purchase_operation_id = $1 AND v.state = 'issued' AND v.is_paid AND v.cost > 0
        AND EXISTS (SELECT 1 FROM journal_entries p WHERE p.kind = 'purchase' AND p.reference = $1::text)
      ORDER BY v.cost DESC, v.serial_number
      FOR UPDATE`,
    [c.purchase_id],
  );
  const choice = chooseVouchers(
    vouchers.map((v) => ({ id: v.id, cost: fromDbString(v.cost, 'cost'), serial: v.serial_number })),
    amount,
  );
  if (choice.kind !== 'chosen') {
    const why =
      choice.kind === 'bound'
        ? `the search for the fewest of its unused paid vouchers worth exactly that stopped at its bound (${choice.visited} tries)`
        : 'no set of its unused paid vouchers is worth exactly that';
    await raiseOperatorItem(tx, {
      kind: 'books_gateway_difference',
      reference: `payment:${c.id}`,
      partnerId: c.partner_id,
      details: {
        reason: `esvcrefund ${c.order_id} refunded ${c.amount ?? '?'} of a voucher purchase: ${why}, not booked`,
        refund: c.id,
        purchase: c.purchase_id,
        unusedPaid: vouchers.length,
      },
    });
    return false;
  }
  const chosen = choice.ids;
  const [entry] = await tx.query<{ id: string }[]>(
    `INSERT INTO journal_entries (run_id, kind, reference, business_date, description)
     VALUES ($1::uuid, '${EntryKind.paymentRefund}', $2, $3::date, 'esvcrefund of a voucher purchase, order ' || $4)
     ON CONFLICT DO NOTHING RETURNING id`,
    [runId, c.id, c.gateway_date, c.order_id],
  );
  if (!entry) return false;
  await tx.query(
    `UPDATE vouchers SET state = 'refunded', holder_operation_id = $2, updated_at = now() WHERE id = ANY($1::uuid[])`,
    [chosen, c.id],
  );
  await tx.query(
    `INSERT INTO journal_lines (entry_id, account, ledger, party, amount, serial_number, business_date)
     VALUES ($1, '${Account.trustLiability}', NULL, NULL, $3::bigint, NULL, $4::date),
            ($1, '${Account.gatewayReceivable}', NULL, $2, -$3::bigint, NULL, $4::date)`,
    [entry.id, c.merchant, amount, c.gateway_date],
  );
  return true;
}

/** Cancels of purchase releases already posted: vouchers back to `issued`, the entry reversed. */
async function postReleaseCancels(dataSource: DataSource, runId: string, periodEnd: string): Promise<number> {
  const rows = await dataSource.query<{ count: string }[]>(
    `WITH moved AS (
       SELECT c.id, c.order_id, r.id AS refund_id, '${MERCHANT_PREFIX}' || p.upstream_uid AS merchant,
              -(SELECT sum(l.amount) FROM journal_lines l WHERE l.entry_id = rj.id AND l.account = '${Account.gatewayReceivable}') AS amount,
              GREATEST(${gatewayDate(`c.response->'row_data'->>'finishtime'`, 'c.completed_at')}, books_open_from()) AS business_date
         FROM ${dueOperations('c')}
         JOIN operations r ON r.partner_id = c.partner_id AND r.kind = 'pay_refund' AND r.gateway_uid = ${CANCELLED_REFUND}
         JOIN journal_entries rj ON rj.kind = '${EntryKind.paymentRefund}' AND rj.reference = r.id::text
        WHERE c.kind = 'pay_action' AND c.command = 'refundcancel' AND c.state = 'succeeded'
          AND ${gatewayDate(`c.response->'row_data'->>'finishtime'`, 'c.completed_at')} <= $2::date
          AND EXISTS (SELECT 1 FROM journal_lines l WHERE l.entry_id = rj.id AND l.account = '${Account.trustLiability}')
          AND NOT EXISTS (SELECT 1 FROM journal_entries j WHERE j.kind = '${EntryKind.refundCancel}' AND j.reference = c.id::text)),
     entries AS (
       INSERT INTO journal_entries (run_id, kind, reference, business_date, description)
       SELECT $1::uuid, '${EntryKind.refundCancel}', m.id::text, m.business_date, 'refund cancelled, order ' || m.order_id
         FROM moved m
       ON CONFLICT DO NOTHING
       RETURNING id, reference, business_date),
     back AS (
       UPDATE vouchers v SET state = 'issued', holder_operation_id = NULL, updated_at = now()
         FROM entries e JOIN moved m ON m.id::text = e.reference
        WHERE v.holder_operation_id = m.refund_id AND v.state = 'refunded'
       RETURNING 1),
     lines AS (
       INSERT INTO journal_lines (entry_id, account, ledger, party, amount, serial_number, business_date)
       SELECT e.id, l.account, NULL, l.party, l.amount, NULL, e.business_date
         FROM entries e JOIN moved m ON m.id::text = e.reference
         CROSS JOIN LATERAL (VALUES
           ('${Account.gatewayReceivable}', m.merchant, m.amount),
           ('${Account.trustLiability}', NULL, -m.amount)) AS l(account, party, amount)
       RETURNING 1)
     SELECT count(*)::text AS count FROM entries`,
    [runId, periodEnd],
  );
  return Number(rows[0]?.count ?? 0);
}
