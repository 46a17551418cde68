import { OperationEntity, type PartnerContext } from '@tixclear/db';
import type { DataSource } from 'typeorm';
import { fields } from '@tixclear/gateway-client';
import { inProgress, type OperationAnswer } from '../answers';
import { OperationError, OperationErrorCode } from '../errors';
import { runOperation } from '../flows/operation-flow';
import type { GatewayPort } from '../ports';
import type { OperationRecorder } from '../records/operation-recorder';
import { assertOwnStore } from '../requests/partner-rules';
import { wider } from '../requests/field-widths';
import { parseRequest, toWire } from '../requests/validation';
import {
  derivedOrderId,
  MONEY_REFUND_REPORT,
  NO_HOLD,
  ownOrderByUid,
  ownPayment,
  REFUNDABLE,
  withPartnerOrderId,
  type MoneyRefundCommand,
} from './payment-records';

/** The width of operations.order_id: a longer id names no order of ours. */
const ORDER_ID_WIDTH = 64;

/**
 * Money refunds of a paid order, named by the gateway's uid and key: `api/refund` (seed 001, a PayPage payment)
 * and `api/esvcrefund` (seed 003, a payment or a voucher purchase). Each is an operation of kind `pay_refund`:
 * intent first, outcome after, an unknown outcome settled by our `queryorder` of the order (its refund list).
 * The order named must be the partner's own, or nothing is recorded or sent.
 */
export class MoneyRefundService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly gateway: GatewayPort,
    private readonly recorder: OperationRecorder,
  ) {}

  /**
   * `orderId` is the refund's own id (REST: `refund_order_id`). The gateway's request carries none, so through
   * `/api/init` it is derived from the request itself: an identical repeat is the same refund (its stored answer,
   * never a second refund), and only after that refund failed does an identical request make a new attempt.
   */
  refund(partner: PartnerContext, wire: unknown, orderId?: string): Promise<OperationAnswer> {
    return this.run('refund', partner, wire, orderId);
  }

  esvcRefund(partner: PartnerContext, wire: unknown, orderId?: string): Promise<OperationAnswer> {
    return this.run('esvcrefund', partner, wire, orderId);
  }

  /**
   * A refund of the partner's order named by its own order id (the REST door): the gateway's uid and key come
   * from our record of it, the refund's own id is `refund_order_id`.
   */
  async refundOrder(
    command: MoneyRefundCommand,
    partner: PartnerContext,
    paidOrderId: string,
    body: Record<string, unknown>,
  ): Promise<OperationAnswer> {
    const { refund_order_id: refundOrderId, ...rest } = body;
    const parsed = fields.orderId.safeParse(refundOrderId);
    if (!parsed.success) {
      throw new OperationError(
        OperationErrorCode.RequestInvalid,
        'required, at most 50 bytes',
        'refund_order_id',
      );
    }
    // The order's uid and key are ours to fill in: a body naming them (or a store) is refused, not overridden.
    const named = ['store_uid', 'uid', 'key'].find((field) => field in rest);
    if (named) throw new OperationError(OperationErrorCode.RequestInvalid, 'not accepted here', named);
    // The body is read (bounds, schema) before anything is looked up: a bad one names its field.
    const storeUid = partner.partner.partnerUid;
    parseRequest(command, { ...rest, store_uid: storeUid, uid: '0', key: '0' });
    if (wider(paidOrderId, ORDER_ID_WIDTH))
      throw new OperationError(OperationErrorCode.OrderNotFound, 'no such order', 'order_id');
    const order = await ownPayment(this.dataSource, partner, paidOrderId, REFUNDABLE[command]);
    if (!order.gatewayUid || !order.gatewayKey) {
      throw new OperationError(
        OperationErrorCode.RequestInvalid,
        'the order is not open on the gateway',
        'order_id',
      );
    }
    const wire = {
      ...rest,
      store_uid: partner.partner.partnerUid,
      uid: order.gatewayUid,
      key: order.gatewayKey,
    };
    return this.run(command, partner, wire, parsed.data);
  }

  /** A refund by its own id: its stored answer once settled (the reconciler settles an unknown one). */
  async readRefund(
    partner: PartnerContext,
    refundOrderId: string,
    command: MoneyRefundCommand,
  ): Promise<Record<string, unknown>> {
    const operation = await ownPayment(this.dataSource, partner, refundOrderId, [command]);
    if (operation.state !== 'succeeded' && operation.state !== 'failed') throw inProgress();
    return operation.response ?? {};
  }

  private async run(
    command: MoneyRefundCommand,
    partner: PartnerContext,
    wire: unknown,
    given: string | undefined,
  ): Promise<OperationAnswer> {
    const request = parseRequest(command, wire);
    assertOwnStore(partner, request.store_uid);
    const order = await ownOrderByUid(
      this.dataSource,
      partner,
      request.uid,
      request.key,
      REFUNDABLE[command],
    );
    const orderId =
      given ??
      (await derivedOrderId(
        this.dataSource,
        partner.partner.id,
        command === 'refund' ? 'RF' : 'ER',
        command,
        wire,
      ));
    const client = this.gateway.clientFor(partner);
    // A store speaks upstream as itself; a dealer names the store (one of its own, checked above).
    const storeUid = partner.partner.mode === 'store' ? partner.partner.upstreamUid : request.store_uid;
    return runOperation(this.dataSource, this.recorder, {
      intent: {
        partnerId: partner.partner.id,
        orderId,
        kind: 'pay_refund',
        command,
        request: wire as Record<string, unknown>,
      },
      call: () =>
        command === 'refund'
          ? client.orderRefund({ ...parseRequest('refund', wire), store_uid: storeUid })
          : client.esvcRefund({ ...parseRequest('esvcrefund', wire), store_uid: storeUid }),
      accepted: (operation, answer) => {
        const body = toWire(command, answer);
        return this.recordRefunded(
          operation,
          order,
          body,
          answer.row_data?.refund_uid === undefined ? null : String(answer.row_data.refund_uid),
        );
      },
      rejected: (operation, rejection) => this.recordFailed(operation, rejection.code, rejection.message),
      unknownHold: NO_HOLD,
    });
  }

  /** Stores a refund the gateway confirmed (its answer, or our query of the order); reported once. */
  async recordRefunded(
    operation: OperationEntity,
    order: Pick<OperationEntity, 'orderId'>,
    wire: Record<string, unknown>,
    refundUid: string | null,
  ): Promise<Record<string, unknown>> {
    const row = wire.row_data;
    const body =
      row && typeof row === 'object'
        ? { ...wire, row_data: withPartnerOrderId(row as Record<string, unknown>, order) }
        : wire;
    const { reportId } = await this.dataSource.transaction((tx) =>
      this.recorder.complete(tx, operation, {
        state: 'succeeded',
        code: typeof wire.code === 'string' ? wire.code : 'B200',
        body,
        gateway: { uid: refundUid },
        report: MONEY_REFUND_REPORT,
      }),
    );
    this.recorder.dispatch(reportId);
    return body;
  }

  async recordFailed(operation: OperationEntity, code: string, message: string) {
    const request = operation.request;
    const body = { key: request.key, uid: request.uid, code, msg: message };
    const { reportId } = await this.dataSource.transaction((tx) =>
      this.recorder.complete(tx, operation, { state: 'failed', code, body, report: MONEY_REFUND_REPORT }),
    );
    this.recorder.dispatch(reportId);
    return body;
  }
}
