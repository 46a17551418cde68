import type { PartnerRegistry } from '@tixclear/db';
import type { DataSource } from 'typeorm';
import { NotificationIntake } from './notification-intake';
import { OfflineRedemptionService } from './offline-service';
import { OperationRecorder } from './operation-recorder';
import { noDispatch, type ReportDispatcher } from './partner-outbox';
import { systemClock, type Clock, type GatewayPort } from './ports';
import { PurchaseService } from './purchase-service';
import { QueryService } from './query-service';
import { DEFAULT_RECONCILER_OPTIONS, Reconciler, type ReconcilerOptions } from './reconciler';
import { RedemptionService } from './redemption-service';
import { RefundService } from './refund-service';
import { ResultApplier } from './result-applier';

export interface OperationsDeps {
  dataSource: DataSource;
  registry: PartnerRegistry;
  gateway: GatewayPort;
  clock?: Clock;
  reports?: ReportDispatcher;
  reconciler?: Partial<ReconcilerOptions>;
}

/** The voucher operations wired together: the one service layer behind both front doors and the worker. */
export function createOperations(deps: OperationsDeps) {
  const clock = deps.clock ?? systemClock;
  const recorder = new OperationRecorder(clock, deps.reports ?? noDispatch);
  const purchases = new PurchaseService(deps.dataSource, deps.gateway, recorder);
  const redemptions = new RedemptionService(deps.dataSource, deps.gateway, clock, recorder);
  const offline = new OfflineRedemptionService(deps.dataSource, deps.gateway, clock, recorder);
  const refunds = new RefundService(deps.dataSource, deps.gateway, recorder);
  const results = new ResultApplier(purchases, redemptions, offline, refunds);
  const queries = new QueryService(deps.dataSource, deps.gateway, results);
  const reconciler = new Reconciler(
    deps.dataSource,
    deps.registry,
    deps.gateway,
    clock,
    results,
    { purchases, redemptions, offline, refunds },
    { ...DEFAULT_RECONCILER_OPTIONS, ...deps.reconciler },
  );
  const notifications = new NotificationIntake(deps.dataSource, deps.registry, results);
  return { purchases, redemptions, offline, refunds, queries, results, reconciler, recorder, notifications };
}

export type Operations = ReturnType<typeof createOperations>;
