import type { PartnerContext } from '@tixclear/db';
import { twd } from '@tixclear/domain';
import { GatewayError, type GatewayClient, type QueryOrderResponse } from '@tixclear/gateway-client';
import type { DataSource } from 'typeorm';
import { Account, EntryKind } from '../accounts';
import { ReconciliationError, ReconciliationErrorCode } from '../reconciliation/errors';
import { settleDifferenceItem } from '../reconciliation/difference-item';

/** The gateway command the reconciliation uses; a `GatewayClient` is one. */
export type OrderQueryClient = Pick<GatewayClient, 'orderQuery'>;

/** Clients for a partner's upstream credentials: `gatewayPort(...)` of `@tixclear/operations` fits. */
export interface PaymentsGatewayPort {
  clientFor(partner: PartnerContext): OrderQueryClient;
}

/** Opens a partner's key rings: `PartnerRegistry` of `@tixclear/db`. */
export interface PaymentsPartnerContexts {
  contextById(partnerId: string): Promise<PartnerContext | null>;
}

/** At most this many `queryorder` per date by default: the rest is counted as unchecked, never asked. */
export const DEFAULT_PAYMENT_QUERIES = 1_000;

export interface PaymentDifference {
  /** Our order id of the payment (or voucher purchase), and the gateway's uid of it. */
  order: string;
  uid: string;
  subject: 'order' | 'payment' | 'refund';
  /** The refund's gateway uid, for a refund. */
  reference?: string;
  reason: string;
}

export interface PaymentsReconciliation {
  date: string;
  checked: number;
  unchecked: number;
  queryLimit: number;
  differences: PaymentDifference[];
}

/** The order states in which the gateway holds (or held, then refunded) the buyer's money. */
const PAID_CODES = new Set(['250', '290', '230']);

interface OrderToCheck {
  partner_id: string;
  uid: string;
  key: string;
}

interface OurOrder {
  id: string;
  order_id: string;
  command: string;
  state: string;
  gateway_code: string | null;
  booked: string | null;
}

interface OurRefund {
  id: string;
  order_id: string;
  state: string;
  gateway_uid: string | null;
  cost: string | null;
  cancelled: boolean;
}

const taipeiDate = (column: string) => `(${column} AT TIME ZONE 'Asia/Taipei')::date`;
const CANCELLED_REFUND = `coalesce(c.response->'row_data'->>'refund_uid', c.request->>'uid')`;

/**
 * The orders our records moved on `date`: payments settled or booked that day, the orders of money refunds
 * settled that day, and of refunds cancelled that day. Each is asked once, whatever moved on it.
 */
const ORDERS_SQL = `
  SELECT partner_id::text, uid, key FROM (
    SELECT o.partner_id, o.gateway_uid AS uid, o.gateway_key AS key FROM operations o
     WHERE o.kind = 'payment' AND o.gateway_uid IS NOT NULL AND o.gateway_key IS NOT NULL
       AND (${taipeiDate('o.completed_at')} = $1::date
            OR EXISTS (SELECT 1 FROM journal_entries j WHERE j.kind = '${EntryKind.payment}'
                         AND j.reference = o.id::text AND j.business_date = $1::date))
    UNION
    SELECT r.partner_id, r.request->>'uid', r.request->>'key' FROM operations r
     WHERE r.kind = 'pay_refund' AND r.state IN ('succeeded', 'failed')
       AND (${taipeiDate('r.completed_at')} = $1::date
            OR EXISTS (SELECT 1 FROM journal_entries j WHERE j.kind = '${EntryKind.paymentRefund}'
                         AND j.reference = r.id::text AND j.business_date = $1::date))
    UNION
    SELECT r.partner_id, r.request->>'uid', r.request->>'key'
      FROM operations c
      JOIN operations r ON r.partner_id = c.partner_id AND r.kind = 'pay_refund' AND r.gateway_uid = ${CANCELLED_REFUND}
     WHERE c.kind = 'pay_action' AND c.command = 'refundcancel' AND c.state = 'succeeded'
       AND ${taipeiDate('c.completed_at')} = $1::date) t
   WHERE uid IS NOT NULL AND key IS NOT NULL
   ORDER BY partner_id, uid`;

const OUR_ORDER_SQL = `
  SELECT o.id::text, o.order_id, o.command, o.state, o.gateway_code,
         (SELECT sum(l.amount)::text FROM journal_entries j JOIN journal_lines l ON l.entry_id = j.id
           WHERE j.kind = '${EntryKind.payment}' AND j.reference = o.id::text
             AND l.account = '${Account.gatewayReceivable}') AS booked
    FROM operations o
   WHERE o.partner_id = $1::uuid AND o.gateway_uid = $2
     AND o.command IN ('orders', 'voucherservicepurchase', 'recurring_charge')`;

const OUR_REFUNDS_SQL = `
  SELECT r.id::text, r.order_id, r.state, r.gateway_uid, r.request->>'cost' AS cost,
         EXISTS (SELECT 1 FROM operations c
                  WHERE c.partner_id = r.partner_id AND c.kind = 'pay_action' AND c.command = 'refundcancel'
                    AND c.state = 'succeeded' AND ${CANCELLED_REFUND} = r.gateway_uid) AS cancelled
    FROM operations r
   WHERE r.partner_id = $1::uuid AND r.kind = 'pay_refund' AND r.request->>'uid' = $2
   ORDER BY r.created_at, r.id`;

/**
 * The daily reconciliation of our payments with the gateway's records: for `date` (a Taiwan business date),
 * every order our records moved that day (payments, the orders of money refunds and of refund cancels) is asked
 * by our own authenticated `queryorder`, at most `maxQueries` of them (in a stable order; the rest is counted
 * as `unchecked`), and its state, the amount paid, and each refund (amount, cancelled or not) compared with
 * ours, refunds the gateway lists that we never recorded included. The result is stored per date
 * (`payments_reconciliations`, replaced on a new run) and a difference puts a `books_gateway_difference` item
 * (reference `payments:<date>`) on the operators' queue; a clean run resolves it.
 */
export async function reconcilePayments(
  dataSource: DataSource,
  deps: { gateway: PaymentsGatewayPort; partners: PaymentsPartnerContexts },
  date: string,
  options: { maxQueries?: number } = {},
): Promise<PaymentsReconciliation> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)))
    throw new ReconciliationError(ReconciliationErrorCode.DateInvalid, `not a date: ${date}`, 'date');
  const queryLimit = options.maxQueries ?? DEFAULT_PAYMENT_QUERIES;
  const orders = await dataSource.query<OrderToCheck[]>(ORDERS_SQL, [date]);
  const asked = orders.slice(0, queryLimit);
  const differences: PaymentDifference[] = [];
  const contexts = new Map<string, PartnerContext | null>();
  for (const order of asked) {
    if (!contexts.has(order.partner_id))
      contexts.set(order.partner_id, await deps.partners.contextById(order.partner_id));
    const partner = contexts.get(order.partner_id);
    const ours = (await dataSource.query<OurOrder[]>(OUR_ORDER_SQL, [order.partner_id, order.uid]))[0];
    const refunds = await dataSource.query<OurRefund[]>(OUR_REFUNDS_SQL, [order.partner_id, order.uid]);
    const name = ours?.order_id ?? refunds[0]?.order_id ?? '';
    const found = (subject: PaymentDifference['subject'], reason: string, reference?: string) =>
      differences.push({ order: name, uid: order.uid, subject, reason, ...(reference ? { reference } : {}) });
    if (!partner) {
      found('order', `order ${name} (uid ${order.uid}): its partner cannot be opened, not asked`);
      continue;
    }
    let state: QueryOrderResponse;
    try {
      state = await deps.gateway.clientFor(partner).orderQuery({ uid: order.uid, key: order.key });
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
      found('order', `order ${name} (uid ${order.uid}): the gateway's queryorder failed: ${error.message}`);
      continue;
    }
    compareOrder(ours, refunds, state, found);
  }
  const result = {
    date,
    checked: asked.length,
    unchecked: orders.length - asked.length,
    queryLimit,
    differences,
  };
  await store(dataSource, result);
  return result;
}

function compareOrder(
  ours: OurOrder | undefined,
  refunds: OurRefund[],
  state: QueryOrderResponse,
  found: (subject: PaymentDifference['subject'], reason: string, reference?: string) => void,
): void {
  const paidThere = PAID_CODES.has(state.prc);
  if (!ours) {
    found('order', `the gateway's order ${state.order_id ?? ''} (prc ${state.prc}) is not one of our orders`);
  } else if (ours.command === 'orders') {
    const paidHere = ours.state === 'paid';
    if (paidHere !== paidThere)
      found(
        'payment',
        `payment ${ours.order_id}: ${ours.state} in our records, prc ${state.prc} at the gateway`,
      );
    const took = state.actual_cost ?? null;
    if (paidHere && paidThere) {
      if (ours.booked === null)
        found('payment', `payment ${ours.order_id}: ${took ?? '?'} paid at the gateway, not booked`);
      else if (took !== null && !sameTwd(ours.booked, took))
        found('payment', `payment ${ours.order_id}: ${took} paid at the gateway, ${ours.booked} booked`);
    }
  }
  const listed = state.refund_order ?? [];
  const byUid = new Map(refunds.filter((r) => r.gateway_uid !== null).map((r) => [r.gateway_uid, r]));
  for (const entry of listed) {
    const uid = String(entry.uid);
    const mine = byUid.get(uid);
    const cancelledThere = entry.prc === '220';
    if (!mine) {
      found(
        'refund',
        `refund ${uid} of ${entry.cost ?? '?'} (prc ${entry.prc ?? '?'}) at the gateway, not in our records`,
        uid,
      );
      continue;
    }
    byUid.delete(uid);
    if (mine.state !== 'succeeded')
      found(
        'refund',
        `refund ${uid}: at the gateway (prc ${entry.prc ?? '?'}), ${mine.state} in our records`,
        uid,
      );
    if (entry.cost !== undefined && entry.cost !== null && !sameTwd(mine.cost, entry.cost))
      found('refund', `refund ${uid}: ${entry.cost} at the gateway, ${mine.cost ?? '?'} in our records`, uid);
    if (cancelledThere && !mine.cancelled)
      found('refund', `refund ${uid}: cancelled at the gateway, not in our records`, uid);
    if (!cancelledThere && mine.cancelled)
      found(
        'refund',
        `refund ${uid}: cancelled in our records, not at the gateway (prc ${entry.prc ?? '?'})`,
        uid,
      );
  }
  for (const [uid, mine] of byUid) {
    if (mine.state === 'succeeded')
      found(
        'refund',
        `refund ${uid} (ours, ${mine.cost ?? '?'}): the gateway lists no such refund`,
        uid ?? undefined,
      );
  }
  for (const mine of refunds)
    if (mine.state === 'succeeded' && mine.gateway_uid === null)
      found('refund', `refund ${mine.order_id}: succeeded in our records without the gateway's refund uid`);
}

const MAX_REASONS_IN_ITEM = 20;

async function store(dataSource: DataSource, result: PaymentsReconciliation): Promise<void> {
  const reference = `payments:${result.date}`;
  await dataSource.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO payments_reconciliations (business_date, checked, query_limit, unchecked, differences, difference_count)
       VALUES ($1::date, $2, $3, $4, $5::jsonb, $6)
       ON CONFLICT (business_date) DO UPDATE SET checked = EXCLUDED.checked, query_limit = EXCLUDED.query_limit,
         unchecked = EXCLUDED.unchecked, differences = EXCLUDED.differences,
         difference_count = EXCLUDED.difference_count, updated_at = now()`,
      [
        result.date,
        result.checked,
        result.queryLimit,
        result.unchecked,
        JSON.stringify(result.differences),
        result.differences.length,
      ],
    );
    await settleDifferenceItem(
      tx,
      reference,
      result.differences.length === 0
        ? null
        : {
            date: result.date,
            differences: result.differences.length,
            unchecked: result.unchecked,
            reasons: result.differences.slice(0, MAX_REASONS_IN_ITEM).map((d) => d.reason),
          },
    );
  });
}

/** Two amounts (our text, the gateway's text or number) are the same whole TWD; one that is not an amount differs. */
function sameTwd(ours: string | number | null, theirs: string | number): boolean {
  if (ours === null) return false;
  try {
    return twd(ours) === twd(theirs);
  } catch {
    return false;
  }
}
