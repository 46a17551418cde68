import { GatewayNotificationEntity, OperationEntity, type PartnerContext } from '@tixclear/db';
import {
  GatewayRejectedError,
  resolutionOf,
  type GatewayClient,
  type QueryOrderResponse,
} from '@tixclear/gateway-client';
import type { DataSource } from 'typeorm';
import type { OperationResolution } from '../reconcile/resolve-operation';
import { parseRequest, toWire } from '../requests/validation';
import type { MoneyRefundService } from './money-refund-service';
import type { PaymentActionService } from './payment-action-service';
import {
  isPaymentCommand,
  PAYMENT_ACTION_COMMANDS,
  PAYMENT_COMMAND,
  REFUNDABLE,
  type MoneyRefundCommand,
} from './payment-records';
import type { PaymentService } from './payment-service';
import { RecurringCharges } from './recurring-charges';

/** The most candidate (uid, key) pairs taken from stored reports for one payment. */
const MAX_REPORTED_PAIRS = 5;

/**
 * How the reconciler, a woken report and the partner's query learn a PayPage operation's outcome: by our own
 * `queryorder` over our authenticated channel, never from a report's fields.
 *
 * - A payment (`orders`) is asked by the uid and key the gateway gave us. When our call's answer was lost we
 *   have none: the uid/key pairs of the payment reports stored for its upstream order id are tried, and one
 *   counts only when our query of it answers an order with OUR upstream order id (a forged report names another
 *   order, or none, and changes nothing). With no pair that checks out, it is `not_found`: never failed on that
 *   (we cannot prove it never arrived); it stays open for the reconciler, then an operator.
 * - A money refund is asked through its order: a refund in the order's refund list of the same amount that no
 *   other refund of ours has claimed is this one. None, after the reconciler's not-found grace: never arrived.
 */
export class PaymentResolver {
  readonly #charges: RecurringCharges;

  constructor(
    private readonly dataSource: DataSource,
    private readonly payments: PaymentService,
    private readonly refunds: MoneyRefundService,
    private readonly actions: PaymentActionService,
  ) {
    this.#charges = new RecurringCharges(dataSource, payments);
  }

  private isAction(command: string): boolean {
    return (PAYMENT_ACTION_COMMANDS as readonly string[]).includes(command);
  }

  handles(command: string): boolean {
    return isPaymentCommand(command);
  }

  async resolve(client: GatewayClient, operation: OperationEntity): Promise<OperationResolution> {
    if (operation.command === PAYMENT_COMMAND) return this.resolvePayment(client, operation);
    if (this.isAction(operation.command)) return this.actions.resolve(client, operation);
    return this.resolveRefund(client, operation);
  }

  /** Applies a resolution (ResultApplier, for an open operation). */
  async record(
    _partner: PartnerContext,
    operation: OperationEntity,
    resolution: OperationResolution,
  ): Promise<void> {
    if (resolution.status === 'not_found') return;
    if (this.isAction(operation.command)) {
      await this.actions.record(operation, resolution);
      return;
    }
    if (operation.command === PAYMENT_COMMAND) {
      await this.payments.applyState(operation, resolution.result as unknown as QueryOrderResponse);
      return;
    }
    const result = resolution.result as { refund_uid?: unknown; order?: unknown; wire?: unknown };
    if (resolution.status === 'committed') {
      const order = result.order as Pick<OperationEntity, 'orderId'>;
      const wire = result.wire as Record<string, unknown>;
      await this.refunds.recordRefunded(operation, order, wire, String(result.refund_uid));
    } else if (resolution.status === 'rejected') {
      await this.refunds.recordFailed(operation, resolution.result.code, 'refused by the gateway');
    }
  }

  /** The reconciler's explicit not-found past its grace: a refund never arrived. A payment is never failed so. */
  async neverArrived(operation: OperationEntity): Promise<void> {
    if (operation.command === PAYMENT_COMMAND) return;
    if (this.isAction(operation.command)) return this.actions.neverArrived(operation);
    await this.refunds.recordFailed(operation, 'B500', 'the gateway never received this refund');
  }

  closeUnpaid(operation: OperationEntity, code: string): Promise<void> {
    return this.payments.closeUnpaid(operation, code);
  }

  private async resolvePayment(
    client: GatewayClient,
    operation: OperationEntity,
  ): Promise<OperationResolution> {
    if (operation.gatewayUid && operation.gatewayKey) {
      const state = await client.orderQuery({ uid: operation.gatewayUid, key: operation.gatewayKey });
      // A paid recurring agreement woken by a report: the later charges its reports name, each asked by its uid.
      await this.#charges.settleReported(client, operation, state);
      return resolutionOf('payPage', { ...state, code: state.prc });
    }
    for (const { uid, key } of await this.reportedPairs(operation)) {
      let state: QueryOrderResponse;
      try {
        state = await client.orderQuery({ uid, key });
      } catch (error) {
        if (error instanceof GatewayRejectedError) continue;
        throw error;
      }
      if (state.order_id !== operation.upstreamOrderId) continue;
      return resolutionOf('payPage', { ...state, code: state.prc });
    }
    return { status: 'not_found' };
  }

  /** The distinct uid/key pairs the stored payment reports of this order name (a hint each, checked by query). */
  private async reportedPairs(operation: OperationEntity): Promise<{ uid: string; key: string }[]> {
    const reports = await this.dataSource.getRepository(GatewayNotificationEntity).find({
      select: { payload: true },
      where: { orderId: operation.upstreamOrderId, kind: 'payment' },
      order: { receivedAt: 'ASC' },
    });
    const pairs = new Map<string, { uid: string; key: string }>();
    for (const { payload } of reports) {
      const uid = payload.uid;
      const key = payload.key;
      if ((typeof uid !== 'string' && typeof uid !== 'number') || typeof key !== 'string') continue;
      pairs.set(`${String(uid)}|${key}`, { uid: String(uid), key });
      if (pairs.size >= MAX_REPORTED_PAIRS) break;
    }
    return [...pairs.values()];
  }

  private async resolveRefund(
    client: GatewayClient,
    operation: OperationEntity,
  ): Promise<OperationResolution> {
    const command = operation.command as MoneyRefundCommand;
    const request = parseRequest(command, operation.request);
    const order = await this.dataSource.getRepository(OperationEntity).findOne({
      select: { id: true, orderId: true, command: true },
      where: REFUNDABLE[command].map((c) => ({
        partnerId: operation.partnerId,
        gatewayUid: request.uid,
        command: c,
      })),
    });
    const state = await client.orderQuery({ uid: request.uid, key: request.key });
    const claimed = new Set(
      (
        await this.dataSource.query<{ gateway_uid: string }[]>(
          `SELECT gateway_uid FROM operations
            WHERE partner_id = $1 AND kind = 'pay_refund' AND request->>'uid' = $2
              AND gateway_uid IS NOT NULL AND id <> $3`,
          [operation.partnerId, request.uid, operation.id],
        )
      ).map((row) => row.gateway_uid),
    );
    const refunds = state.refund_order ?? [];
    const index = refunds.findIndex((r) => !claimed.has(String(r.uid)) && r.cost === request.cost);
    const entry = refunds[index];
    if (!entry) return { status: 'not_found' };
    const wireEntry = ((toWire('queryorder', state).refund_order ?? []) as Record<string, unknown>[])[index];
    const code = entry.prc ?? '230';
    const result = {
      code,
      refund_uid: String(entry.uid),
      order: { orderId: order?.orderId ?? '' },
      // The refund's answer as the gateway would have given it, its row from the order's refund list.
      wire: {
        key: request.key,
        uid: request.uid,
        code: 'B200',
        msg: '',
        row_data: {
          ...wireEntry,
          uid: request.uid,
          refund_uid: String(entry.uid),
          order_id: order?.orderId ?? '',
        },
      },
    };
    return resolutionOf('payPage', result);
  }
}
