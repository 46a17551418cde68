import { OperationEntity, raiseOperatorItem, type PartnerRegistry } from '@tixclear/db';
import { longestCallMs } from '@tixclear/gateway-client';
import { PurchaseCode } from '@tixclear/domain';
import { In, type DataSource } from 'typeorm';
import type { OfflineRedemptionService } from '../flows/offline-service';
import type { Clock, GatewayPort } from '../ports';
import type { PurchaseService } from '../flows/purchase-service';
import {
  DEFAULT_RECONCILER_OPTIONS,
  validateReconcilerOptions,
  type ReconcilerOptions,
} from './reconciler-options';
import type { RedemptionService } from '../flows/redemption-service';
import type { RefundService } from '../flows/refund-service';
import type { PaymentResolver } from '../payments/payment-resolver';
import { resolutionWire, resolveOperation, type OperationResolution } from './resolve-operation';
import type { ResultApplier } from './result-applier';

/** A payment the buyer has started and the gateway still collects (seed 000/001: 260, 270, 280). */
const DEFERRED_PAYMENT_CODES: ReadonlySet<string> = new Set([
  PurchaseCode.AwaitingConvenienceStore,
  PurchaseCode.AwaitingVirtualAccount,
  PurchaseCode.AwaitingWebAtm,
]);

export {
  DEFAULT_RECONCILER_OPTIONS,
  ReconcilerConfigError,
  resolveReconcilerOptions,
  validateReconcilerOptions,
  type ReconcilerOptions,
} from './reconciler-options';

/** The states the reconciler asks about (the partial index `operations_next_check_idx` holds exactly these). */
export const CHECKED_STATES = ['submitted', 'outcome_unknown', 'awaiting_payment', 'expired'] as const;
const PURCHASE_WAITING = ['awaiting_payment', 'expired'];
/** Orders a buyer pays on the gateway's page: a voucher purchase, a PayPage payment (api/orders). */
const PAID_ORDERS = ['voucherservicepurchase', 'orders'];
/** The index's own predicate, as literals, so that the planner can use the partial index for the pick. */
const CHECKED = `state IN (${CHECKED_STATES.map((state) => `'${state}'`).join(', ')})`;

/** The due operations, oldest due first: `$1` now, `$2` how many. Served by `operations_next_check_idx`. */
export const PICK_DUE_SQL = `SELECT id FROM operations
  WHERE ${CHECKED} AND next_check_at <= $1
  ORDER BY next_check_at, id
  LIMIT $2
  FOR UPDATE SKIP LOCKED`;

export interface ReconcileReport {
  /** Open operations seen for the first time (scheduled, not yet asked about unless due at once). */
  seen: number;
  examined: number;
  settled: number;
  stillOpen: number;
  failedToAsk: number;
  /** `operation_overdue` items raised this pass. */
  overdue: number;
}

type Verdict = 'settled' | 'open' | 'failed_to_ask';

/**
 * When an open operation goes to an operator unless settled: `horizonMs` after the reconciler first saw it, and
 * for a purchase after its payment deadline too. Undefined until it has been seen.
 */
export function operationHorizon(
  operation: Pick<OperationEntity, 'command' | 'watchedSince'>,
  options: Pick<ReconcilerOptions, 'horizonMs' | 'paymentDeadlineMs'> = DEFAULT_RECONCILER_OPTIONS,
): Date | undefined {
  if (!operation.watchedSince) return undefined;
  const purchase = PAID_ORDERS.includes(operation.command) ? options.paymentDeadlineMs : 0;
  return new Date(operation.watchedSince.getTime() + purchase + options.horizonMs);
}

/**
 * Settles open operations by asking the gateway, never by guessing: `outcome_unknown` ones, those left
 * `submitted` by a crash, and purchases whose payment report is late. Fair: each operation has its own next
 * check (`next_check_at`), a pass takes the due ones oldest-due first, and every answer that leaves one open
 * pushes it back (capped exponential backoff, jittered by the injected random source), so no crowd of unpaid
 * purchases hides an unknown redemption. All times are the injected Clock's.
 *
 * Verdicts on evidence only: "never arrived" needs the query's explicit not-found, later than the longest
 * possible call after we first saw the operation, and never for an offline redemption (seed 002 gives it no
 * query: not being seen by voucherquery proves nothing). A purchase unpaid past the payment deadline is
 * asked once more and closed as failed unless the gateway says it was paid. Whatever is still open past its
 * horizon gets an `operation_overdue` operator item.
 */
export class Reconciler {
  private readonly options: ReconcilerOptions;

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
      payments?: PaymentResolver;
    },
    options: ReconcilerOptions = DEFAULT_RECONCILER_OPTIONS,
    private readonly random: () => number = Math.random,
  ) {
    this.options = validateReconcilerOptions(options, gateway.longestCallMs ?? longestCallMs());
  }

  /** When this reconciler raises `operation_overdue` for the operation unless settled (its own options). */
  horizonOf(operation: Pick<OperationEntity, 'command' | 'watchedSince'>): Date | undefined {
    return operationHorizon(operation, this.options);
  }

  async runOnce(): Promise<ReconcileReport> {
    const now = this.clock.now();
    const seen = await this.watchNew(now);
    const due = await this.claimDue(now);
    const report: ReconcileReport = {
      seen,
      examined: due.length,
      settled: 0,
      stillOpen: 0,
      failedToAsk: 0,
      overdue: 0,
    };
    for (const operation of due) {
      const verdict = await this.check(operation, now).catch(() => 'failed_to_ask' as const);
      if (verdict === 'settled') report.settled += 1;
      else if (verdict === 'open') report.stillOpen += 1;
      else report.failedToAsk += 1;
      if (verdict !== 'settled' && (await this.raiseIfOverdue(operation, now))) report.overdue += 1;
      if (verdict !== 'settled') await this.scheduleNext(operation, now);
    }
    return report;
  }

  /** First sight of open operations: their ages count from now, and the first check is set by state. */
  private async watchNew(now: Date): Promise<number> {
    const at = (ms: number) => new Date(now.getTime() + ms);
    const [, affected] = await this.dataSource.query<[unknown, number]>(
      `UPDATE operations
          SET watched_since = $1,
              next_check_at = CASE state WHEN 'outcome_unknown' THEN $1::timestamptz
                                         WHEN 'submitted' THEN $2::timestamptz
                                         ELSE $3::timestamptz END
        WHERE next_check_at IS NULL AND ${CHECKED}`,
      [now, at(this.options.staleSubmittedMs), at(this.options.awaitingPaymentMs)],
    );
    return affected;
  }

  /**
   * Takes the due operations, oldest due first, and leases them (their next check moved to the end of the
   * lease) so that another worker's pass skips them and a pass that dies leaves them due again soon.
   */
  private async claimDue(now: Date): Promise<OperationEntity[]> {
    const lease = new Date(now.getTime() + this.options.retryBaseMs);
    const rows = await this.dataSource.query<[{ id: string }[], number]>(
      `UPDATE operations SET next_check_at = $3 WHERE id IN (${PICK_DUE_SQL}) RETURNING id`,
      [now, this.options.batchSize, lease],
    );
    const ids = rows[0].map((row) => row.id);
    if (ids.length === 0) return [];
    const found = await this.dataSource.getRepository(OperationEntity).findBy({ id: In(ids) });
    const order = new Map(ids.map((id, index) => [id, index]));
    return found.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  }

  private async check(operation: OperationEntity, now: Date): Promise<Verdict> {
    const partner = await this.registry.contextById(operation.partnerId);
    if (!partner) return 'failed_to_ask';
    let resolution: OperationResolution;
    try {
      resolution = await resolveOperation(this.gateway.clientFor(partner), operation, this.services.payments);
    } catch {
      // Unavailable, refused (100) or an odd answer: no evidence either way. Ask again later.
      return 'failed_to_ask';
    }
    if (resolution.status === 'not_found') return this.notFound(operation, now);
    await this.results.apply(partner, operation, resolution, resolutionWire(operation, resolution));
    const verdict = await this.settledNow(operation);
    if (
      verdict === 'open' &&
      resolution.status !== 'committed' &&
      !DEFERRED_PAYMENT_CODES.has(resolution.result.code) &&
      this.pastDeadline(operation, now)
    ) {
      // Still unpaid (awaiting, expired, interrupted) at the payment deadline: closed as failed, vouchers void.
      // A deferred payment the gateway still collects (convenience store, virtual account, WebATM) is not:
      // its code stays payable for days, so only the gateway's own end of it closes it (or the horizon's item).
      if (operation.command === 'orders')
        await this.services.payments?.closeUnpaid(operation, resolution.result.code);
      else await this.services.purchases.closeUnpaid(operation, resolution.result.code);
      return this.settledNow(operation);
    }
    return verdict;
  }

  /** The gateway's explicit "no such order". */
  private async notFound(operation: OperationEntity, now: Date): Promise<Verdict> {
    // Seed 002 documents no query for a POS redemption: not found by voucherquery is not evidence.
    if (operation.command === 'voucheroffline') return 'open';
    if (now.getTime() < this.graceEnd(operation)) return 'open';
    await this.neverArrived(operation);
    return this.settledNow(operation);
  }

  private async settledNow(operation: OperationEntity): Promise<Verdict> {
    const row = await this.dataSource
      .getRepository(OperationEntity)
      .findOne({ select: { id: true, state: true }, where: { id: operation.id } });
    return row && (CHECKED_STATES as readonly string[]).includes(row.state) ? 'open' : 'settled';
  }

  private pastDeadline(operation: OperationEntity, now: Date): boolean {
    return PAID_ORDERS.includes(operation.command) && now.getTime() >= this.deadline(operation);
  }

  private watched(operation: OperationEntity): number {
    return (operation.watchedSince ?? this.clock.now()).getTime();
  }

  private deadline(operation: OperationEntity): number {
    return this.watched(operation) + this.options.paymentDeadlineMs;
  }

  private graceEnd(operation: OperationEntity): number {
    return this.watched(operation) + this.options.notFoundGraceMs;
  }

  /**
   * The next check of an operation left open: capped exponential backoff from its attempts, shortened by
   * jitter, and never later than its next milestone (end of the not-found grace, payment deadline, horizon).
   */
  private async scheduleNext(operation: OperationEntity, now: Date): Promise<void> {
    const attempts = operation.reconcileAttempts + 1;
    const base =
      PAID_ORDERS.includes(operation.command) && PURCHASE_WAITING.includes(operation.state)
        ? this.options.awaitingPaymentMs
        : this.options.retryBaseMs;
    const backoff = Math.min(this.options.retryCapMs, base * 2 ** Math.min(attempts - 1, 30));
    const jitter = 1 - this.options.jitterRatio * Math.min(Math.max(this.random(), 0), 1);
    let next = now.getTime() + Math.max(1, Math.floor(backoff * jitter));
    const milestones = [this.graceEnd(operation), operationHorizon(operation, this.options)?.getTime()];
    if (PAID_ORDERS.includes(operation.command)) milestones.push(this.deadline(operation));
    for (const milestone of milestones) {
      if (milestone !== undefined && milestone > now.getTime()) next = Math.min(next, milestone);
    }
    await this.dataSource.query(
      `UPDATE operations SET next_check_at = $2, reconcile_attempts = reconcile_attempts + 1 WHERE id = $1`,
      [operation.id, new Date(next)],
    );
  }

  /** Past its horizon and still open: an operator item, once per operation. */
  private async raiseIfOverdue(operation: OperationEntity, now: Date): Promise<boolean> {
    const horizon = operationHorizon(operation, this.options);
    if (!horizon || now < horizon) return false;
    return this.dataSource.transaction(async (tx) => {
      const raised = await tx.query<unknown[]>(
        `SELECT 1 FROM operator_items WHERE kind = 'operation_overdue' AND reference = $1 LIMIT 1`,
        [operation.id],
      );
      if (raised.length > 0) return false;
      return raiseOperatorItem(tx, {
        kind: 'operation_overdue',
        reference: operation.id,
        partnerId: operation.partnerId,
        details: {
          command: operation.command,
          state: operation.state,
          orderId: operation.orderId,
          upstreamOrderId: operation.upstreamOrderId,
          watchedSince: operation.watchedSince?.toISOString() ?? null,
          horizon: horizon.toISOString(),
          checks: operation.reconcileAttempts + 1,
          why:
            operation.command === 'voucheroffline'
              ? 'the gateway has no query that sees POS redemptions: settle it from the POS records'
              : 'the gateway has not settled it: ask MyPay',
        },
      });
    });
  }

  private async neverArrived(operation: OperationEntity): Promise<void> {
    const code = 'B500';
    const message = 'the gateway never received this order';
    switch (operation.command) {
      case 'voucherservicepurchase':
        await this.services.purchases.recordResult(operation, { code, msg: message });
        return;
      case 'vouchertransaction':
        await this.services.redemptions.recordFailed(operation, code, message);
        return;
      case 'voucherrefund':
        await this.services.refunds.recordFailed(operation, code, message);
        return;
      default:
        if (this.services.payments?.handles(operation.command))
          await this.services.payments.neverArrived(operation);
        return;
    }
  }
}
