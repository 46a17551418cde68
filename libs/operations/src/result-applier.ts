import type { OperationEntity, PartnerContext } from '@tixclear/db';
import type { Resolution } from '@tixclear/gateway-client';
import type { OfflineRedemptionService } from './offline-service';
import type { PurchaseService } from './purchase-service';
import type { RedemptionFacts, RedemptionService } from './redemption-service';
import type { RefundService } from './refund-service';

/**
 * Applies what the gateway says about an operation, however we learnt it (a query, a report, the
 * reconciler), to our records. One place, so that every path settles an operation the same way.
 */
export class ResultApplier {
  constructor(
    private readonly purchases: PurchaseService,
    private readonly redemptions: RedemptionService,
    private readonly offline: OfflineRedemptionService,
    private readonly refunds: RefundService,
  ) {}

  async apply(
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
        // Learnt through voucherquery (online-shaped), but an offline redemption: its own service writes the
        // lines (redemption point from the request, vouchers found by serial, not held beforehand).
        if (resolution.status === 'committed') {
          await this.offline.recordRedeemedByQuery(
            partner,
            operation,
            resolution.result as unknown as RedemptionFacts,
            wireContent ?? { code: resolution.result.code },
          );
        } else if (resolution.status === 'rejected') {
          await this.failed(operation, resolution.result);
        }
        return;
      case 'vouchertransaction':
        if (resolution.status === 'committed') {
          await this.redemptions.recordRedeemed(
            partner,
            operation,
            resolution.result as unknown as RedemptionFacts,
            wireContent ?? { code: resolution.result.code },
          );
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
