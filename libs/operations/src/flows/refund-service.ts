import type { OperationEntity, PartnerContext } from '@tixclear/db';
import type { ResponseOf } from '@tixclear/gateway-client';
import type { DataSource } from 'typeorm';
import type { OperationAnswer } from '../answers';
import type { OperationRecorder } from '../records/operation-recorder';
import { assertOwnStore } from '../requests/partner-rules';
import type { GatewayPort } from '../ports';
import { parseRequest, toWire } from '../requests/validation';
import { holdVouchers, moveHeldVouchers } from '../records/voucher-holds';
import { runOperation } from './operation-flow';

/**
 * Refund of unused vouchers (`api/voucherrefund`): the same intent/outcome shape as a redemption. Only an
 * `issued` voucher can be held for a refund, so a redeemed one is refused here, before the gateway is asked.
 */
export class RefundService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly gateway: GatewayPort,
    private readonly recorder: OperationRecorder,
  ) {}

  async refund(partner: PartnerContext, wire: unknown): Promise<OperationAnswer> {
    const request = parseRequest('voucherrefund', wire);
    assertOwnStore(partner, request.store_uid);
    const client = this.gateway.clientFor(partner);
    return runOperation(this.dataSource, this.recorder, {
      intent: {
        partnerId: partner.partner.id,
        orderId: request.order_id,
        kind: 'refund',
        command: 'voucherrefund',
        request: wire as Record<string, unknown>,
      },
      reserve: (tx, operation) =>
        holdVouchers(tx, partner.partner.id, operation.id, request.items, 'refunding'),
      call: (operation) =>
        client.voucherRefund({
          ...request,
          store_uid: partner.partner.upstreamUid,
          order_id: operation.upstreamOrderId,
        }),
      accepted: (operation, answer) =>
        this.recordRefunded(operation, answer, toWire('voucherrefund', answer)),
      rejected: (operation, rejection) => this.recordFailed(operation, rejection.code, rejection.message),
      unknownHold: ['refunding', 'refund_unknown'],
    });
  }

  /** Stores a confirmed refund (from the call, a query or a report); idempotent. */
  async recordRefunded(
    operation: OperationEntity,
    refund: Pick<ResponseOf<'voucherrefund'>, 'code' | 'uid' | 'key'>,
    wireAnswer: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const body = { ...wireAnswer, order_id: operation.orderId };
    const { reportId } = await this.dataSource.transaction(async (tx) => {
      await moveHeldVouchers(tx, operation.id, ['refunding', 'refund_unknown'], 'refunded');
      return this.recorder.complete(tx, operation, {
        state: 'succeeded',
        code: refund.code,
        body,
        gateway: { uid: refund.uid, key: refund.key },
        report: 'refund',
      });
    });
    this.recorder.dispatch(reportId);
    return body;
  }

  async recordFailed(operation: OperationEntity, code: string, message: string) {
    const body = { code, msg: message, order_id: operation.orderId };
    const { reportId } = await this.dataSource.transaction(async (tx) => {
      await moveHeldVouchers(tx, operation.id, ['refunding', 'refund_unknown'], 'issued');
      return this.recorder.complete(tx, operation, { state: 'failed', code, body, report: 'refund' });
    });
    this.recorder.dispatch(reportId);
    return body;
  }
}
