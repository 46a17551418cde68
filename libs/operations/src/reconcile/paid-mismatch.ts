import {
  OperationEntity,
  OperatorItemEntity,
  resolveOperatorItem,
  VoucherEntity,
  type PartnerRegistry,
} from '@tixclear/db';
import type { DataSource, EntityManager } from 'typeorm';
import type { OperationAnswer } from '../answers';
import { OperationError, OperationErrorCode } from '../errors';
import type { OperationRecorder } from '../records/operation-recorder';
import { moveReserved } from '../flows/purchase-service';
import type { RefundService } from '../flows/refund-service';

export type PaidMismatchOutcome =
  { action: 'accepted' } | { action: 'refund_sent'; refundOrderId: string; answer: OperationAnswer };

/**
 * The operator's two answers to a purchase paid with a mismatch (`290`, an open `paid_mismatch` item):
 * accept the money as it came (the purchase is paid, its vouchers issued), or refund it through the gateway's
 * own refund of those vouchers (`voucherrefund`, the normal operation flow under an order id derived from the
 * purchase, so that repeating the action never refunds twice). Gift vouchers carry no money and the gateway
 * refunds none: they stay issued.
 */
export class PaidMismatchActions {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: PartnerRegistry,
    private readonly recorder: OperationRecorder,
    private readonly refunds: RefundService,
  ) {}

  /**
   * Also after a refund the gateway refused (the purchase is then paid already): the money is kept after all.
   * @throws OperationError `ORDER_NOT_FOUND` (no open item for it) or `ORDER_CONFLICT` (not awaiting the
   * decision, or a refund of it succeeded or is still with the gateway).
   */
  async accept(purchaseOperationId: string, by: string): Promise<PaidMismatchOutcome> {
    const { reportId } = await this.dataSource.transaction(async (tx) => {
      const { operation, item } = await this.openItem(tx, purchaseOperationId);
      let completion: { reportId?: string } = {};
      if (operation.state === 'paid_mismatch') completion = await this.paid(tx, operation);
      else if (operation.state !== 'paid') throw conflict('the purchase is not awaiting this decision');
      else {
        const refund = await tx.getRepository(OperationEntity).findOneBy({
          partnerId: operation.partnerId,
          orderId: refundOrderIdOf(operation.id),
        });
        if (refund && refund.state !== 'failed') throw conflict('a refund of it succeeded or is under way');
      }
      await resolveOperatorItem(tx, item.id, { by, action: 'accepted' });
      return completion;
    });
    this.recorder.dispatch(reportId);
    return { action: 'accepted' };
  }

  /**
   * Issues the vouchers (the gateway holds them as sold) and refunds the paid ones. The item closes once the
   * refund succeeded or is with the gateway (unknown: the reconciler settles it); a refused one, or a gateway
   * that did not take it, leaves the item open with the purchase paid, and the action can be repeated.
   * @throws OperationError as `accept`, and the refund's own refusals (e.g. `VOUCHER_UNAVAILABLE`).
   */
  async refund(purchaseOperationId: string, by: string): Promise<PaidMismatchOutcome> {
    const { operation, reportId } = await this.dataSource.transaction(async (tx) => {
      const found = await this.openItem(tx, purchaseOperationId);
      // `paid` with the item still open: an earlier refund action stopped half-way; go on with it.
      if (found.operation.state !== 'paid_mismatch' && found.operation.state !== 'paid')
        throw conflict('the purchase is not awaiting this decision');
      const reportId =
        found.operation.state === 'paid_mismatch'
          ? (await this.paid(tx, found.operation)).reportId
          : undefined;
      return { operation: found.operation, reportId };
    });
    this.recorder.dispatch(reportId);

    const partner = await this.registry.contextById(operation.partnerId);
    if (!partner) throw new OperationError(OperationErrorCode.OrderNotFound, 'no such partner', 'partner');
    const vouchers = await this.dataSource.getRepository(VoucherEntity).find({
      where: { purchaseOperationId: operation.id, isPaid: true },
      order: { serialNumber: 'ASC' },
    });
    const refundOrderId = refundOrderIdOf(operation.id);
    const answer = await this.refunds
      .refund(partner, {
        store_uid: storeOf(operation) ?? partner.partner.partnerUid,
        order_id: refundOrderId,
        items: vouchers.map((v) => ({ id: v.itemId, serial_number: v.serialNumber })),
      })
      .catch((error: unknown) => {
        // Sent, outcome unknown: the reconciler settles the refund like any other.
        if (error instanceof OperationError && error.code === OperationErrorCode.OrderInProgress)
          return { body: { code: 'B200', order_id: refundOrderId }, replayed: false };
        throw error;
      });
    if (answer.body.code === '230' || answer.body.code === 'B200') {
      await this.dataSource.transaction(async (tx) => {
        const { item } = await this.openItem(tx, purchaseOperationId);
        await resolveOperatorItem(tx, item.id, { by, action: 'refunded' });
      });
    }
    return { action: 'refund_sent', refundOrderId, answer };
  }

  private async openItem(tx: EntityManager, purchaseOperationId: string) {
    const item = await tx.getRepository(OperatorItemEntity).findOne({
      where: { kind: 'paid_mismatch', reference: purchaseOperationId, state: 'open' },
      lock: { mode: 'pessimistic_write' },
    });
    const operation = await tx.getRepository(OperationEntity).findOneBy({ id: purchaseOperationId });
    if (!item || !operation) {
      throw new OperationError(
        OperationErrorCode.OrderNotFound,
        'no open paid-mismatch item for this purchase',
        'operation_id',
      );
    }
    return { item, operation };
  }

  /** paid_mismatch → paid: the vouchers issued, the partner told (the gateway's own code, 290, kept). */
  private async paid(tx: EntityManager, operation: OperationEntity) {
    const code = operation.gatewayCode ?? '290';
    const completion = await this.recorder.complete(tx, operation, {
      state: 'paid',
      code,
      body: { code, msg: 'paid with a mismatch; accepted', order_id: operation.orderId },
      report: 'purchase',
      keepStoredAnswer: operation.response !== null,
    });
    if (!completion.settled) throw conflict('the purchase was settled meanwhile');
    await moveReserved(tx, operation.id, 'issued');
    return completion;
  }
}

/** The refund's order id: derived from the purchase, so the action repeated is the same refund. */
export function refundOrderIdOf(purchaseOperationId: string): string {
  return `PMR${purchaseOperationId.replace(/-/g, '')}`.toUpperCase();
}

/** The store the purchase was made for, as its request named it. */
function storeOf(operation: OperationEntity): string | undefined {
  const store = operation.request.store_uid;
  return typeof store === 'string' ? store : undefined;
}

function conflict(message: string): OperationError {
  return new OperationError(OperationErrorCode.OrderConflict, message, 'operation_id');
}
