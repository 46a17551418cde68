import { formatTaiwanDate } from '@tixclear/domain';
import type { World } from './world';

/** One later charge (nois ≥ 2) the gateway made, with what our records say of it. */
export interface GatewayCharge {
  /** The agreement's gateway uid, and the order id we sent it under (the gateway's reference of its money). */
  agreementUid: number;
  upstreamOrderId: string;
  chargeUid: string;
  nois: number;
  cost: number;
  at: Date;
  /**
   * On or after the stop day of a disabledirectdebit of ours that succeeded or is still unknown (one sent again
   * after its stop day: the gateway's refusal then tells nothing): the engine must not take it.
   */
  afterStop: boolean;
  /** Its report reached our intake (the simulator delivered it, or it was stored from a late copy). */
  reported: boolean;
  /** Our charge operation (upstream `RC<uid>`), if any. */
  recorded?: ChargeRow;
}

export interface ChargeRow {
  id: string;
  order_id: string;
  upstream_order_id: string;
  state: string;
  gateway_uid: string | null;
  cost: number | null;
  agreement_upstream: string | null;
  /** The business date of its journal entry (the gateway's `finishtime` day), once booked. */
  booked_on: string | null;
}

/**
 * The gateway's later charges of the PayPage store's recurring agreements (the simulator's record) against our
 * charge operations and stops: the truth the `payments`, `refunded` and `receivable` invariants and the seed's
 * summary read. Also returns our charge operations, matched or not.
 */
export async function recurringCharges(
  world: World,
): Promise<{ charges: GatewayCharge[]; ours: ChargeRow[] }> {
  const ds = world.db.dataSource;
  const ours = await ds.query<ChargeRow[]>(
    `SELECT c.id, c.order_id, c.upstream_order_id, c.state, c.gateway_uid,
            nullif(coalesce(c.response->>'actual_cost', c.request->>'cost'), '')::int AS cost,
            a.upstream_order_id AS agreement_upstream,
            (SELECT to_char(min(j.business_date), 'YYYY-MM-DD') FROM journal_entries j
              WHERE j.kind = 'payment' AND j.reference = c.id::text) AS booked_on
       FROM operations c LEFT JOIN operations a ON a.id::text = c.request->>'agreement'
      WHERE c.command = 'recurring_charge' AND c.partner_id = $1 ORDER BY c.order_id`,
    [world.paypage.id],
  );
  const byUid = new Map(ours.map((c) => [c.gateway_uid ?? '', c]));
  const stops = await ds.query<{ upstream: string; stop: string }[]>(
    `SELECT p.upstream_order_id AS upstream, min(s.request->>'stop_time') AS stop
       FROM operations s JOIN operations p ON p.partner_id = s.partner_id AND p.command = 'orders'
                                          AND p.order_id = s.request->>'order_id'
      WHERE s.partner_id = $1 AND s.command = 'disabledirectdebit' AND s.state <> 'failed'
      GROUP BY p.upstream_order_id`,
    [world.paypage.id],
  );
  const stopOf = new Map(stops.map((s) => [s.upstream, s.stop.replace(/\D/g, '')]));
  const stored = new Set(
    (
      await ds.query<{ uid: string }[]>(
        `SELECT DISTINCT payload->>'uid' AS uid FROM gateway_notifications WHERE kind = 'payment'`,
      )
    ).map((r) => r.uid),
  );
  const delivered = new Set(
    world.sim.control
      .notifications()
      .filter((n) => n.state === 'delivered')
      .map((n) => String(n.payload.uid)),
  );
  const charges: GatewayCharge[] = [];
  for (const order of world.sim.state.orders.values()) {
    if (order.merchantUid !== world.paypage.uid || order.recurring === null) continue;
    const stop = stopOf.get(order.orderId);
    for (const charge of order.recurring.charges) {
      if (charge.nois < 2) continue;
      const chargeUid = String(charge.uid);
      const recorded = byUid.get(chargeUid);
      charges.push({
        agreementUid: order.uid,
        upstreamOrderId: order.orderId,
        chargeUid,
        nois: charge.nois,
        cost: charge.cost,
        at: charge.at,
        afterStop: stop !== undefined && formatTaiwanDate(charge.at) >= stop,
        reported: delivered.has(chargeUid) || stored.has(chargeUid),
        ...(recorded ? { recorded } : {}),
      });
    }
  }
  return { charges, ours };
}
