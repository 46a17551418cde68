import { GatewayNotificationEntity, OperationEntity } from '@tixclear/db';
import { formatTaiwanDate } from '@tixclear/domain';
import { GatewayRejectedError, type GatewayClient, type QueryOrderResponse } from '@tixclear/gateway-client';
import { In, type DataSource } from 'typeorm';
import type { PaymentService } from './payment-service';
import { PAYMENT_COMMAND, RECURRING_CHARGE_COMMAND } from './payment-records';

/** Most charge uids one wake asks about: a flood of forged reports costs at most this many queries. */
const MAX_CHARGES_PER_WAKE = 12;

/** The agreement's own codes once its first charge was paid (附錄二: paid, paid otherwise, refunded). */
const AGREEMENT_PAID: ReadonlySet<string> = new Set(['250', '290', '230']);

/** A gateway uid we can key a charge by: digits, short enough for our order id columns. */
const CHARGE_UID = /^\d{1,34}$/;

/**
 * Our order id of a charge: longer than any partner's (a partner's `order_id` is at most 50 bytes), so no order
 * of a partner can take the charge's place in (partner, order_id), and one per gateway uid.
 */
export const chargeOrderId = (uid: string) => `RECURRING-CHARGE:${uid.padStart(34, '0')}`;
/** Our upstream order id of a charge: unique over the gateway's uids, never one we send (ours are `TX…`). */
export const chargeUpstreamOrderId = (uid: string) => `RC${uid}`;

/** Whether an `orders` request asked for a recurring agreement (seed 001 定期定額: `regular`, or pfn DIRECTDEBIT). */
export function isRecurringRequest(request: Record<string, unknown>): boolean {
  const regular = request.regular;
  return (typeof regular === 'string' && regular !== '') || request.pfn === 'DIRECTDEBIT';
}

/**
 * Later charges of a recurring agreement (seed 001 定期定額: the gateway charges again each period and reports the
 * charge with its own `uid`, the agreement's `order_id` and `group_id`, and its `nois`). Each is an operation of its
 * own (kind `payment`, command `recurring_charge`), keyed by the gateway's uid of the charge, and is paid only by
 * our own `queryorder` of that uid: the report is a hint naming a uid to ask about, never applied.
 *
 * A charge counts as the agreement's when our query of its uid (with the key the report names) answers a paid
 * charge (`250`/`290`) with that uid, the agreement's upstream `order_id` and `group_id`, and an `nois` after the
 * first. After the agreement was stopped (`disabledirectdebit` succeeded, or its outcome is unknown), a charge on
 * or after its stop day is not accepted as ours: nothing is recorded and the report stays for an operator to see (the gateway charged
 * after we cancelled; the books' reconciliation lists the money).
 */
export class RecurringCharges {
  constructor(
    private readonly dataSource: DataSource,
    private readonly payments: PaymentService,
  ) {}

  /**
   * Asks the gateway about the charges the agreement's stored reports name (once our query of the agreement
   * says its first charge was paid) and records those that check out;
   * returns how many it recorded now. A charge already recorded is not asked again (idempotent under repeated
   * reports). A query the gateway refuses names no charge of ours; one that cannot be sent throws, so the
   * reports stay pending for the intake's sweep.
   */
  async settleReported(
    client: GatewayClient,
    agreement: OperationEntity,
    agreementState: QueryOrderResponse,
  ): Promise<number> {
    // Paid at the gateway by our query just made (our record may settle only after this wake: a charge's report
    // can come before we learnt of the first charge, and the wake marks every pending report when it ends).
    if (agreement.command !== PAYMENT_COMMAND || !AGREEMENT_PAID.has(agreementState.prc)) return 0;
    if (!agreement.gatewayUid || !isRecurringRequest(agreement.request)) return 0;
    const candidates = await this.reportedCharges(agreement);
    let recorded = 0;
    for (const { uid, key } of candidates) {
      let state: QueryOrderResponse;
      try {
        state = await client.orderQuery({ uid, key });
      } catch (error) {
        if (error instanceof GatewayRejectedError) continue;
        throw error;
      }
      if (!(await this.isCharge(agreement, String(agreementState.group_id ?? ''), uid, state))) continue;
      if (await this.payments.recordCharge(agreement, state, chargeOrderId(uid), chargeUpstreamOrderId(uid)))
        recorded += 1;
    }
    return recorded;
  }

  /** The uid/key pairs of the agreement's stored payment reports that name another uid, not yet ours. */
  private async reportedCharges(agreement: OperationEntity): Promise<{ uid: string; key: string }[]> {
    const reports = await this.dataSource.getRepository(GatewayNotificationEntity).find({
      select: { payload: true },
      where: { orderId: agreement.upstreamOrderId, kind: 'payment' },
      order: { receivedAt: 'ASC' },
    });
    const pairs = new Map<string, { uid: string; key: string }>();
    for (const { payload } of reports) {
      const uid = typeof payload.uid === 'number' ? String(payload.uid) : payload.uid;
      const key = payload.key;
      if (typeof uid !== 'string' || typeof key !== 'string' || !CHARGE_UID.test(uid)) continue;
      if (uid === agreement.gatewayUid) continue;
      pairs.set(uid, { uid, key });
    }
    if (pairs.size === 0) return [];
    const known = await this.dataSource.getRepository(OperationEntity).find({
      select: { gatewayUid: true },
      where: {
        partnerId: agreement.partnerId,
        command: RECURRING_CHARGE_COMMAND,
        gatewayUid: In([...pairs.keys()]),
      },
    });
    for (const k of known) if (k.gatewayUid) pairs.delete(k.gatewayUid);
    return [...pairs.values()].slice(0, MAX_CHARGES_PER_WAKE);
  }

  /**
   * Our query's answer is a paid later charge of this agreement, taken before any stop day of ours: of a stop
   * that succeeded, or whose outcome is still unknown (it may have stopped the agreement; a person settles it).
   */
  private async isCharge(
    agreement: OperationEntity,
    group: string,
    uid: string,
    state: QueryOrderResponse,
  ): Promise<boolean> {
    if (String(state.uid) !== uid || state.order_id !== agreement.upstreamOrderId) return false;
    if (state.prc !== '250' && state.prc !== '290') return false;
    const nois = Number(state.nois ?? '');
    if (!Number.isSafeInteger(nois) || nois < 2) return false;
    if (group === '' || String(state.group_id ?? '') !== group) return false;
    // The Taiwan day the gateway charged (its finishtime), against our stop day (YYYYMMDD).
    if (!(state.finishtime instanceof Date)) return false;
    const charged = formatTaiwanDate(state.finishtime);
    const [stop] = await this.dataSource.query<{ stop: string | null }[]>(
      `SELECT min(request->>'stop_time') AS stop FROM operations
        WHERE partner_id = $1 AND kind = 'pay_action' AND command = 'disabledirectdebit' AND state <> 'failed'
          AND request->>'group_id' = $2 AND request->>'order_id' = $3`,
      [agreement.partnerId, group, agreement.orderId],
    );
    return stop?.stop == null || charged < stop.stop.replace(/\D/g, '');
  }
}
