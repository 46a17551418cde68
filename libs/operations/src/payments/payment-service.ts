import { raiseOperatorItem, type OperationEntity, type PartnerContext } from '@tixclear/db';
import { callGateway, resolutionOf, type QueryOrderResponse } from '@tixclear/gateway-client';
import type { DataSource, EntityManager } from 'typeorm';
import { gatewayUnavailable, inProgress, type OperationAnswer } from '../answers';
import { runOperation } from '../flows/operation-flow';
import type { GatewayPort } from '../ports';
import { OPEN_STATES, type OperationRecorder } from '../records/operation-recorder';
import { assertOwnStore } from '../requests/partner-rules';
import { requestHash } from '../requests/request-hash';
import { parseRequest, toWire } from '../requests/validation';
import {
  NO_HOLD,
  ownOrderByUid,
  ownPayment,
  PAYMENT_COMMAND,
  PAYMENT_REPORT,
  RECURRING_CHARGE_COMMAND,
  withPartnerOrderId,
} from './payment-records';

/** 附錄二 290: paid, but not the amount asked. */
const PAID_WITH_MISMATCH = '290';

/** Our state of a payment from the gateway's order status (`prc`, seed 001 附錄二, read by the payPage table). */
function stateOf(prc: string): 'paid' | 'failed' | 'awaiting_payment' {
  switch (resolutionOf('payPage', { code: prc }).status) {
    case 'committed':
      return 'paid';
    case 'rejected':
      return 'failed';
    default:
      return 'awaiting_payment';
  }
}

/**
 * PayPage payments (`api/orders`) and the order query (`api/queryorder`). A payment is an operation of kind
 * `payment`, keyed by (partner, order_id) like every other; the gateway's `uid`/`key` are kept on it
 * (`gateway_uid`, `gateway_key`) and are how the partner names it in a query or a refund afterwards.
 * Its outcome is only ever learnt from our own `queryorder` (the call's answer only opens it).
 */
export class PaymentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly gateway: GatewayPort,
    private readonly recorder: OperationRecorder,
  ) {}

  async open(partner: PartnerContext, wire: unknown): Promise<OperationAnswer> {
    const request = parseRequest('orders', wire);
    assertOwnStore(partner, request.store_uid);
    const client = this.gateway.clientFor(partner);
    return runOperation(this.dataSource, this.recorder, {
      intent: {
        partnerId: partner.partner.id,
        orderId: request.order_id,
        kind: 'payment',
        command: PAYMENT_COMMAND,
        request: wire as Record<string, unknown>,
      },
      call: (operation) =>
        client.orderCreate({
          ...request,
          store_uid: partner.partner.upstreamUid,
          order_id: operation.upstreamOrderId,
        }),
      accepted: (operation, answer) => this.recordOpened(operation, toWire('orders', answer)),
      rejected: (operation, rejection) =>
        this.recordClosed(operation, 'failed', rejection.code, {
          code: rejection.code,
          msg: rejection.message,
          order_id: operation.orderId,
        }),
      unknownHold: NO_HOLD,
    });
  }

  /** `api/queryorder` through `/api/init`: one of the partner's own orders (payment or voucher purchase) by uid and key. */
  async query(partner: PartnerContext, wire: unknown): Promise<Record<string, unknown>> {
    const request = parseRequest('queryorder', wire);
    const order = await ownOrderByUid(this.dataSource, partner, request.uid, request.key, [
      PAYMENT_COMMAND,
      'voucherservicepurchase',
    ]);
    return this.ask(partner, order);
  }

  /** The partner's payment by its own order id (REST): asked of the gateway once its uid is known. */
  async read(partner: PartnerContext, orderId: string): Promise<Record<string, unknown>> {
    const order = await ownPayment(this.dataSource, partner, orderId);
    if (!order.gatewayUid || !order.gatewayKey) {
      // The gateway never told us its uid (an unknown outcome): only a report and our query can settle it.
      if ((OPEN_STATES as readonly string[]).includes(order.state) || !order.response) throw inProgress();
      return order.response;
    }
    return this.ask(partner, order);
  }

  /** Asks the gateway for the order, applies what it says to a payment, answers with the partner's order id. */
  private async ask(partner: PartnerContext, order: OperationEntity): Promise<Record<string, unknown>> {
    const client = this.gateway.clientFor(partner);
    const uid = order.gatewayUid ?? '';
    const key = order.gatewayKey ?? '';
    const outcome = await callGateway(() => client.orderQuery({ uid, key }));
    if (outcome.kind === 'not_sent' || outcome.kind === 'unknown') throw gatewayUnavailable();
    if (outcome.kind === 'rejected') return { code: outcome.code, msg: outcome.message };
    if (order.command === PAYMENT_COMMAND) await this.applyState(order, outcome.value);
    return withPartnerOrderId(toWire('queryorder', outcome.value), order);
  }

  /**
   * Applies the gateway's record of a payment, learnt by our own query (never from a report): paid or failed
   * settles it and reports it to the partner, anything else leaves it awaiting payment. Only from an open state.
   */
  async applyState(operation: OperationEntity, state: QueryOrderResponse): Promise<void> {
    const to = stateOf(state.prc);
    const wire = withPartnerOrderId(toWire('queryorder', state), operation);
    const gateway = { uid: String(state.uid), key: state.key ?? null };
    if (to === 'awaiting_payment') {
      await this.dataSource.transaction(async (tx) => {
        await this.keepOpenedAnswer(tx, operation, gateway);
        await this.recorder.complete(tx, operation, {
          state: to,
          code: state.prc,
          body: wire,
          gateway,
          keepStoredAnswer: true,
        });
        // Still awaiting: its latest status is kept (200 open, 245 authorised, 260–284 a deferred payment waiting).
        await tx.query(
          `UPDATE operations SET gateway_code = $2 WHERE id = $1 AND state = 'awaiting_payment'`,
          [operation.id, state.prc],
        );
      });
      return;
    }
    await this.recordClosed(operation, to, state.prc, wire, gateway);
  }

  /**
   * A later charge of a recurring agreement that our own query found paid (RecurringCharges): an operation of
   * its own (kind `payment`, command `recurring_charge`, the charge's uid and the agreement's key), written
   * open and settled `paid` at once by the recorder, which reports it to the partner (with the partner's order
   * id of the agreement). Once per charge uid: the ids are the uid's, so a second call inserts and settles
   * nothing. Returns whether this call recorded it.
   */
  async recordCharge(
    agreement: OperationEntity,
    state: QueryOrderResponse,
    orderId: string,
    upstreamOrderId: string,
  ): Promise<boolean> {
    const wire = withPartnerOrderId(toWire('queryorder', state), agreement);
    const request = {
      agreement: agreement.id,
      uid: String(state.uid),
      key: state.key ?? agreement.gatewayKey,
      nois: state.nois ?? '',
      group_id: state.group_id ?? '',
      cost: state.actual_cost ?? null,
    };
    const { settled, reportId } = await this.dataSource.transaction(async (tx) => {
      const inserted = await tx.query<OperationEntity[]>(
        `INSERT INTO operations (partner_id, order_id, upstream_order_id, kind, command, request_hash, request, state,
                                 gateway_uid, gateway_key)
         VALUES ($1, $2, $3, 'payment', '${RECURRING_CHARGE_COMMAND}', $4, $5::jsonb, 'awaiting_payment', $6, $7)
         ON CONFLICT DO NOTHING
         RETURNING id, partner_id AS "partnerId", order_id AS "orderId", response`,
        [
          agreement.partnerId,
          orderId,
          upstreamOrderId,
          requestHash({ command: RECURRING_CHARGE_COMMAND, request }),
          JSON.stringify(request),
          request.uid,
          request.key,
        ],
      );
      const operation = inserted[0];
      if (!operation) return { settled: false };
      const completion = await this.recorder.complete(tx, operation, {
        state: 'paid',
        code: state.prc,
        body: wire,
        report: PAYMENT_REPORT,
      });
      if (completion.settled && state.prc === PAID_WITH_MISMATCH) {
        await raiseOperatorItem(tx, {
          kind: 'paid_mismatch',
          reference: operation.id,
          partnerId: agreement.partnerId,
          details: {
            command: RECURRING_CHARGE_COMMAND,
            orderId: agreement.orderId,
            upstreamOrderId: agreement.upstreamOrderId,
            cost: wire.cost ?? null,
            actual_cost: wire.actual_cost ?? null,
          },
        });
      }
      return completion;
    });
    this.recorder.dispatch(reportId);
    return settled;
  }

  /** A payment still unpaid at the payment deadline: failed with the gateway's last code, the partner told. */
  async closeUnpaid(operation: OperationEntity, code: string): Promise<void> {
    await this.recordClosed(operation, 'failed', code, {
      code,
      msg: 'not paid by the payment deadline',
      order_id: operation.orderId,
    });
  }

  private async recordOpened(
    operation: OperationEntity,
    answer: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    await this.dataSource.transaction(async (tx) => {
      await this.recorder.complete(tx, operation, {
        state: 'awaiting_payment',
        code: String(answer.code),
        body: answer,
        gateway: { uid: String(answer.uid), key: String(answer.key) },
      });
      // A report and our query may have moved it first (with an answer stood in for this one, which has no
      // payment URL): the call's own answer replaces only that stand-in.
      await tx.query(
        `UPDATE operations SET response = $2::jsonb WHERE id = $1 AND (response IS NULL OR response->>'url' = '')`,
        [operation.id, JSON.stringify(answer)],
      );
    });
    return answer;
  }

  private async recordClosed(
    operation: OperationEntity,
    state: 'paid' | 'failed',
    code: string,
    body: Record<string, unknown>,
    gateway?: { uid: string; key: string | null },
  ): Promise<Record<string, unknown>> {
    const { reportId } = await this.dataSource.transaction(async (tx) => {
      // The answer an identical repeat of `orders` gets: the call's own (with the payment URL) when we had it.
      if (gateway) await this.keepOpenedAnswer(tx, operation, gateway);
      const completion = await this.recorder.complete(tx, operation, {
        state,
        code,
        body,
        gateway,
        report: PAYMENT_REPORT,
        keepStoredAnswer: gateway !== undefined || operation.response !== null,
      });
      // Paid, but not the amount asked (290): the payment is paid as the gateway took it (actual_cost), and a
      // person looks at the difference (`paid_mismatch`, in the transaction that settles it).
      if (completion.settled && code === PAID_WITH_MISMATCH) {
        await raiseOperatorItem(tx, {
          kind: 'paid_mismatch',
          reference: operation.id,
          partnerId: operation.partnerId,
          details: {
            command: operation.command,
            orderId: operation.orderId,
            upstreamOrderId: operation.upstreamOrderId,
            cost: body.cost ?? null,
            actual_cost: body.actual_cost ?? null,
          },
        });
      }
      return completion;
    });
    this.recorder.dispatch(reportId);
    return body;
  }

  /**
   * A payment whose `orders` answer never reached us (unknown outcome) but which our query found: an identical
   * repeat of `orders` is answered as the gateway would have answered it (200 with its uid and key; the payment
   * page's URL is not in a query's answer). A stored answer is never replaced.
   */
  private async keepOpenedAnswer(
    tx: EntityManager,
    operation: OperationEntity,
    gateway: { uid: string; key: string | null },
  ): Promise<void> {
    const answer = {
      code: '200',
      msg: 'the order is open on the gateway',
      uid: gateway.uid,
      key: gateway.key,
      url: '',
    };
    await tx.query(`UPDATE operations SET response = $2::jsonb WHERE id = $1 AND response IS NULL`, [
      operation.id,
      JSON.stringify(answer),
    ]);
  }
}
