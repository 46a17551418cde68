import type { DataSource } from 'typeorm';
import { cursorParams, cursorSql, isKeysetCursor } from '../runs/keyset';

/** An operation of the payments door (or a `290` purchase) as the payments page lists it. */
export interface PaymentRow {
  id: string;
  kind: string;
  command: string;
  partner: string | null;
  order_id: string;
  state: string;
  gateway_code: string | null;
  gateway_uid: string | null;
  /** Whole TWD as asked (`cost` of the request), when the command carries one. */
  amount: string | null;
  /** For a `290`: what the gateway says was paid (`actual_cost`). */
  paid: string | null;
  created_at: Date;
  completed_at: Date | null;
}

/** A kind of the payments ledger on a business day: entries, and the movement of `payable_payments`. */
export interface LedgerTotal {
  kind: string;
  entries: number;
  /** Money the gateway holds for partners, moved by these entries: + in (payments), − out (refunds). */
  amount: string;
}

export interface PaymentsDay {
  date: string;
  totals: LedgerTotal[];
  /** The sum of the kinds' amounts: the day's net movement of the payments ledger. */
  net: string;
}

export const PAYMENTS_PAGE = 50;
export const LEDGER_KINDS = ['payment', 'payment_refund', 'refund_cancel'] as const;

/** The partial index's predicate (migration ConsolePaymentsIndexes), repeated so the planner uses it. */
const PAYMENTS_DOOR = `(o.kind IN ('payment', 'pay_refund', 'pay_action') OR o.gateway_code = '290')`;

/** Keyset cursor over (created_at, id), oldest first. */
export const isPaymentsCursor = isKeysetCursor;

/** The day's payments ($1 the date, $2/$3 the cursor, $4 the page + 1): the payments door's partial index. */
export const PAYMENTS_LIST_SQL = `
     SELECT o.id, o.kind, o.command, p.partner_uid AS partner, o.order_id, o.state, o.gateway_code, o.gateway_uid,
            CASE WHEN trim(o.request->>'cost') ~ '^\\d{1,15}$' THEN trim(o.request->>'cost') END AS amount,
            (SELECT i.details->>'actual_cost' FROM operator_items i
              WHERE o.gateway_code = '290' AND i.kind = 'paid_mismatch' AND i.reference = o.id::text
              ORDER BY i.created_at DESC LIMIT 1) AS paid,
            o.created_at, o.completed_at, ${cursorSql('o.created_at', 'o.id')} AS cursor
       FROM operations o LEFT JOIN partners p ON p.id = o.partner_id
      WHERE ${PAYMENTS_DOOR}
        AND o.created_at >= ($1::date::timestamp AT TIME ZONE 'Asia/Taipei')
        AND o.created_at < (($1::date + 1)::timestamp AT TIME ZONE 'Asia/Taipei')
        AND ($2::timestamptz IS NULL OR (o.created_at, o.id) > ($2::timestamptz, $3::uuid))
      ORDER BY o.created_at, o.id LIMIT $4`;

/** The payments ledger's totals of a business day ($1): the entries' and lines' partial indexes. */
export const PAYMENTS_LEDGER_SQL = `
     SELECT j.kind, count(DISTINCT j.id)::text AS entries, coalesce(-sum(l.amount), 0)::text AS amount
       FROM journal_entries j
       LEFT JOIN journal_lines l
              ON l.entry_id = j.id AND l.business_date = $1::date AND l.account = 'payable_payments'
      WHERE j.kind IN ('payment', 'payment_refund', 'refund_cancel') AND j.business_date = $1::date
      GROUP BY j.kind`;

/**
 * The payments made on a Taiwan day (created between its midnights, Asia/Taipei), oldest first, `after` the
 * previous page's `next`: PayPage payments, money refunds (refund, esvcrefund), refund cancels and other payment
 * actions, and purchases the gateway reported `290`. An index range read, LIMIT a page.
 */
export async function listPayments(
  dataSource: DataSource,
  date: string,
  options: { after?: string; limit?: number } = {},
): Promise<{ payments: PaymentRow[]; next: string | null }> {
  const limit = options.limit ?? PAYMENTS_PAGE;
  const rows = await dataSource.query<(PaymentRow & { cursor: string })[]>(PAYMENTS_LIST_SQL, [
    date,
    ...cursorParams(options.after),
    limit + 1,
  ]);
  const page = rows.slice(0, limit);
  return {
    payments: page.map(({ cursor: _, ...row }) => row),
    next: rows.length > limit ? (page.at(-1)?.cursor ?? null) : null,
  };
}

/**
 * The payments ledger on a business day (libs/settlement payments/): its entries dated that day by kind, and
 * what they moved on `payable_payments` (a payment credits it, its refund debits it, a cancel credits it
 * again), signed + for money in. Two partial indexes, in the day's month partition: the day's entries, then
 * their lines (a line carries its entry's date).
 */
export async function paymentsDay(dataSource: DataSource, date: string): Promise<PaymentsDay> {
  const rows = await dataSource.query<{ kind: string; entries: string; amount: string }[]>(
    PAYMENTS_LEDGER_SQL,
    [date],
  );
  const byKind = new Map(rows.map((r) => [r.kind, r]));
  const totals = LEDGER_KINDS.map((kind) => ({
    kind,
    entries: Number(byKind.get(kind)?.entries ?? 0),
    amount: byKind.get(kind)?.amount ?? '0',
  }));
  const net = totals.reduce((sum, t) => sum + BigInt(t.amount), 0n).toString();
  return { date, totals, net };
}
