import type { PartnerRegistry } from '@tixclear/db';
import type { DataSource } from 'typeorm';
import { LateOutcomes } from './reconcile/late-outcome';
import { DEFAULT_INTAKE_OPTIONS, NotificationIntake, type IntakeOptions } from './intake/notification-intake';
import { OfflineRedemptionService } from './flows/offline-service';
import { OperationRecorder } from './records/operation-recorder';
import { DEFAULT_WAKER_OPTIONS, OperationWaker, type WakerOptions } from './intake/operation-waker';
import { PaidMismatchActions } from './reconcile/paid-mismatch';
import { RedemptionMismatchActions } from './reconcile/redemption-mismatch';
import { noDispatch, type ReportDispatcher } from './reports/partner-outbox';
import { systemClock, type Clock, type GatewayPort } from './ports';
import { PurchaseService } from './flows/purchase-service';
import { QueryService } from './flows/query-service';
import { longestCallMs } from '@tixclear/gateway-client';
import { Reconciler, resolveReconcilerOptions, type ReconcilerOptions } from './reconcile/reconciler';
import { RedemptionService } from './flows/redemption-service';
import { RefundService } from './flows/refund-service';
import { ResultApplier } from './reconcile/result-applier';
import { MoneyRefundService } from './payments/money-refund-service';
import { PaymentActionService } from './payments/payment-action-service';
import { PaymentResolver } from './payments/payment-resolver';
import { EwalletBindings } from './payments/ewallet-bindings';
import { PaymentService } from './payments/payment-service';

export interface OperationsDeps {
  dataSource: DataSource;
  registry: PartnerRegistry;
  gateway: GatewayPort;
  clock?: Clock;
  reports?: ReportDispatcher;
  reconciler?: Partial<ReconcilerOptions>;
  /** The reconciler's jitter source, in [0, 1) (a seeded one keeps a simulation reproducible). */
  random?: () => number;
  /** Gateway reports: size cap, rows per order, retention, sweep. */
  notifications?: Partial<IntakeOptions>;
  /** Queries woken by reports: how many at once. */
  waker?: Partial<WakerOptions>;
}

/** The voucher operations wired together: the one service layer behind both front doors and the worker. */
export function createOperations(deps: OperationsDeps) {
  const clock = deps.clock ?? systemClock;
  const recorder = new OperationRecorder(clock, deps.reports ?? noDispatch);
  const purchases = new PurchaseService(deps.dataSource, deps.gateway, recorder);
  const redemptions = new RedemptionService(deps.dataSource, deps.gateway, clock, recorder);
  const offline = new OfflineRedemptionService(deps.dataSource, deps.gateway, clock, recorder);
  const refunds = new RefundService(deps.dataSource, deps.gateway, recorder);
  const late = new LateOutcomes(deps.dataSource, clock, recorder);
  const payments = new PaymentService(deps.dataSource, deps.gateway, recorder);
  const moneyRefunds = new MoneyRefundService(deps.dataSource, deps.gateway, recorder);
  const paymentActions = new PaymentActionService(deps.dataSource, deps.gateway, recorder, payments, clock);
  const paymentResolver = new PaymentResolver(deps.dataSource, payments, moneyRefunds, paymentActions);
  const results = new ResultApplier(
    deps.dataSource,
    purchases,
    redemptions,
    offline,
    refunds,
    late,
    paymentResolver,
  );
  const queries = new QueryService(deps.dataSource, deps.gateway, results);
  const reconciler = new Reconciler(
    deps.dataSource,
    deps.registry,
    deps.gateway,
    clock,
    results,
    { purchases, redemptions, offline, refunds, payments: paymentResolver },
    resolveReconcilerOptions(deps.reconciler, deps.gateway.longestCallMs ?? longestCallMs()),
    deps.random,
  );
  const paidMismatch = new PaidMismatchActions(deps.dataSource, deps.registry, recorder, refunds);
  const redemptionMismatch = new RedemptionMismatchActions(deps.dataSource, clock);
  const waker = new OperationWaker(deps.dataSource, deps.registry, deps.gateway, results, {
    ...DEFAULT_WAKER_OPTIONS,
    ...deps.waker,
  });
  const ewalletBindings = new EwalletBindings(deps.dataSource, clock);
  const notifications = new NotificationIntake(
    deps.dataSource,
    waker,
    clock,
    { ...DEFAULT_INTAKE_OPTIONS, ...deps.notifications },
    ewalletBindings,
  );
  return {
    purchases,
    redemptions,
    offline,
    refunds,
    payments,
    moneyRefunds,
    paymentActions,
    ewalletBindings,
    queries,
    results,
    reconciler,
    paidMismatch,
    redemptionMismatch,
    recorder,
    notifications,
    waker,
  };
}

export type Operations = ReturnType<typeof createOperations>;
