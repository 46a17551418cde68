import { OperationEntity, type PartnerRegistry } from '@tixclear/db';
import type { GatewayClient, Resolution } from '@tixclear/gateway-client';
import type { DataSource } from 'typeorm';
import type { OfflineRedemptionService } from './offline-service';
import type { Clock, GatewayPort } from './ports';
import type { PurchaseService } from './purchase-service';
import type { RedemptionService } from './redemption-service';
import type { RefundService } from './refund-service';
import type { ResultApplier } from './result-applier';

export interface ReconcilerOptions {
  /** A `submitted` operation older than this lost its process between intent and outcome. */
  staleSubmittedMs: number;
  /** A purchase awaiting payment longer than this is queried (its report may be lost). */
  awaitingPaymentMs: number;
  /** An order the gateway does not know, this long after it was sent, never arrived: it failed. */
  notFoundGraceMs: number;
  batchSize: number;
}

export const DEFAULT_RECONCILER_OPTIONS: ReconcilerOptions = {
  staleSubmittedMs: 60_000,
  awaitingPaymentMs: 10 * 60_000,
  notFoundGraceMs: 60_000,
  batchSize: 100,
};

export interface ReconcileReport {
  examined: number;
  settled: number;
  stillOpen: number;
  failedToAsk: number;
}

/**
 * Settles operations whose outcome we do not know, by asking the gateway (never by guessing): those marked
 * `outcome_unknown`, those left `submitted` by a crash, and purchases whose payment report is late. An order
 * the gateway has never heard of, well after we sent it, did not arrive: it is failed and its vouchers freed.
 */
export class Reconciler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: PartnerRegistry,
    private readonly gateway: GatewayPort,
    private readonly clock: Clock,
    private readonly results: ResultApplier,
    private readonly services: {
      purchases: PurchaseService;
      redemptions: RedemptionService;
      offline: OfflineRedemptionService;
      refunds: RefundService;
    },
    private readonly options: ReconcilerOptions = DEFAULT_RECONCILER_OPTIONS,
  ) {}

  async runOnce(): Promise<ReconcileReport> {
    const now = this.clock.now().getTime();
    const candidates = await this.dataSource
      .getRepository(OperationEntity)
      .createQueryBuilder('o')
      .where(
        `o.state = 'outcome_unknown'
         OR (o.state = 'submitted' AND o.updated_at < :stale)
         OR (o.state IN ('awaiting_payment', 'expired') AND o.updated_at < :late)`,
        {
          stale: new Date(now - this.options.staleSubmittedMs),
          late: new Date(now - this.options.awaitingPaymentMs),
        },
      )
      .orderBy('o.updated_at', 'ASC')
      .limit(this.options.batchSize)
      .getMany();

    const report: ReconcileReport = { examined: candidates.length, settled: 0, stillOpen: 0, failedToAsk: 0 };
    for (const operation of candidates) {
      const outcome = await this.reconcile(operation, now).catch(() => 'failed_to_ask' as const);
      if (outcome === 'settled') report.settled += 1;
      else if (outcome === 'open') report.stillOpen += 1;
      else report.failedToAsk += 1;
    }
    return report;
  }

  private async reconcile(
    operation: OperationEntity,
    now: number,
  ): Promise<'settled' | 'open' | 'failed_to_ask'> {
    const partner = await this.registry.contextById(operation.partnerId);
    if (!partner) return 'failed_to_ask';
    const client = this.gateway.clientFor(partner);
    let resolution: Resolution<Record<string, unknown> & { code: string }>;
    try {
      resolution = await resolve(client, operation);
    } catch {
      await this.dataSource
        .getRepository(OperationEntity)
        .increment({ id: operation.id }, 'reconcileAttempts', 1);
      return 'failed_to_ask';
    }
    if (resolution.status === 'not_found') {
      const sentAt = operation.createdAt.getTime();
      if (now - sentAt < this.options.notFoundGraceMs) return 'open';
      await this.neverArrived(operation);
      return 'settled';
    }
    if (resolution.status === 'pending') return 'open';
    await this.results.apply(partner, operation, resolution, undefined);
    return 'settled';
  }

  private async neverArrived(operation: OperationEntity): Promise<void> {
    const code = 'B500';
    const message = 'the gateway never received this order';
    switch (operation.command) {
      case 'voucherservicepurchase':
        await this.services.purchases.recordResult(operation, { code: '300', msg: message });
        return;
      case 'vouchertransaction':
        await this.services.redemptions.recordFailed(operation, code, message);
        return;
      case 'voucheroffline':
        await this.services.offline.recordFailed(operation, code, message);
        return;
      case 'voucherrefund':
        await this.services.refunds.recordFailed(operation, code, message);
        return;
      default:
        return;
    }
  }
}

function resolve(client: GatewayClient, operation: OperationEntity) {
  const orderId = operation.upstreamOrderId;
  const pending = (): Resolution<Record<string, unknown> & { code: string }> => ({ status: 'not_found' });
  switch (operation.command) {
    case 'voucherservicepurchase':
      return client.resolveVoucherPurchase(orderId);
    case 'vouchertransaction':
      return client.resolveVoucherRedeem(orderId);
    case 'voucheroffline':
      return client.resolveVoucherOffline(orderId);
    case 'voucherrefund':
      return client.resolveVoucherRefund(orderId);
    default:
      return Promise.resolve(pending());
  }
}
