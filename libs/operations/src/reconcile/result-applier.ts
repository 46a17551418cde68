import { OperationEntity, type PartnerContext } from '@tixclear/db';
import type { Resolution } from '@tixclear/gateway-client';
import type { DataSource } from 'typeorm';
import { isLateOutcome, type LateOutcomes } from './late-outcome';
import type { OfflineRedemptionService } from '../flows/offline-service';
import { OPEN_STATES } from '../records/operation-recorder';
import type { PurchaseService } from '../flows/purchase-service';
import type { RedemptionFacts, RedemptionService } from '../flows/redemption-service';
import type { RefundService } from '../flows/refund-service';
import type { PaymentResolver } from '../payments/payment-resolver';

/** What applying an answer did: settled or moved the operation, nothing, or met a late outcome. */
export type Applied = 'applied' | 'unchanged' | 'late_outcome';

/**
 * Applies what the gateway says about an operation, learnt by one of our queries (the partner's, the
 * reconciler's, or one a gateway report woke), to our records. One place, so that every path settles an
 * operation the same way. Only an open operation is settled; an answer that contradicts a final state is a
 * late outcome, booked by {@link LateOutcomes} (an operator item, never silently payable lines).
 */
export class ResultApplier {
  constructor(
    private readonly dataSource: DataSource,
    private readonly purchases: PurchaseService,
    private readonly redemptions: RedemptionService,
    private readonly offline: OfflineRedemptionService,
    private readonly refunds: RefundService,
    private readonly late: LateOutcomes,
    /** PayPage operations (payments and money refunds), settled by their own resolver. */
    readonly payments?: PaymentResolver,
  ) {}

  async apply(
    partner: PartnerContext,
    operation: OperationEntity,
    resolution: Resolution<Record<string, unknown> & { code: string }>,
    wireContent: Record<string, unknown> | undefined,
  ): Promise<Applied> {
    const before = await this.stateOf(operation.id);
    if (before === undefined) return 'unchanged';
    if ((OPEN_STATES as readonly string[]).includes(before))
      await this.record(partner, operation, resolution, wireContent);
    // Read again: a concurrent path (the reconciler, our own call's answer) may have settled it meanwhile.
    const after = await this.stateOf(operation.id);
    if (after === undefined) return 'unchanged';
    if (resolution.status !== 'not_found' && isLateOutcome(operation, after, resolution)) {
      await this.late.book(operation, after, resolution, wireContent);
      return 'late_outcome';
    }
    return after === before ? 'unchanged' : 'applied';
  }

  private async stateOf(operationId: string): Promise<string | undefined> {
    const row = await this.dataSource
      .getRepository(OperationEntity)
      .findOne({ select: { id: true, state: true }, where: { id: operationId } });
    return row?.state;
  }

  private async record(
    partner: PartnerContext,
    operation: OperationEntity,
    resolution: Resolution<Record<string, unknown> & { code: string }>,
    wireContent: Record<string, unknown> | undefined,
  ): Promise<void> {
    switch (operation.command) {
      case 'voucherservicepurchase':
        if (resolution.status !== 'not_found') {
          await this.purchases.recordResult(operation, {
            ...(wireContent ?? {}),
            code: resolution.result.code,
          });
        }
        return;
      case 'voucheroffline':
      case 'vouchertransaction':
        if (resolution.status === 'committed') {
          const facts = resolution.result as unknown as RedemptionFacts;
          const wire = wireContent ?? { code: resolution.result.code };
          // An offline redemption learnt through voucherquery (online-shaped) is still written by its own
          // service: redemption point from the request, vouchers found by serial, not held beforehand.
          if (operation.command === 'voucheroffline')
            await this.offline.recordRedeemedByQuery(partner, operation, facts, wire);
          else await this.redemptions.recordRedeemed(partner, operation, facts, wire);
        } else if (resolution.status === 'rejected') {
          await this.failed(operation, resolution.result);
        }
        return;
      case 'voucherrefund':
        if (resolution.status === 'committed') {
          const { code, uid, key } = resolution.result as { code: string; uid: string; key: string };
          await this.refunds.recordRefunded(operation, { code, uid, key }, wireContent ?? { code });
        } else if (resolution.status === 'rejected') {
          await this.refunds.recordFailed(operation, resolution.result.code, textOf(resolution.result.msg));
        }
        return;
      default:
        if (this.payments?.handles(operation.command))
          await this.payments.record(partner, operation, resolution);
        return;
    }
  }

  private async failed(operation: OperationEntity, result: { code: string; msg?: unknown }): Promise<void> {
    const message = textOf(result.msg);
    if (operation.command === 'voucheroffline')
      await this.offline.recordFailed(operation, result.code, message);
    else await this.redemptions.recordFailed(operation, result.code, message);
  }
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
