import { DayTotalEntity } from './day-total.entity';
import { BalanceSnapshotDayEntity, BalanceSnapshotEntity } from './balance-snapshot.entity';
import { EwalletBindingEntity } from './ewallet-binding.entity';
import { FeeScheduleEntity } from './fee-schedule.entity';
import {
  GatewayNotificationEntity,
  GatewayReportCountEntity,
  IdempotencyKeyEntity,
  PartnerNotificationEntity,
} from './notification.entity';
import { OperationEntity } from './operation.entity';
import { OperatorItemEntity } from './operator-item.entity';
import { OperatorAuditEntity } from './operator-audit.entity';
import { OperatorLoginLinkEntity } from './operator-login-link.entity';
import { OperatorSessionEntity } from './operator-session.entity';
import { OperatorSignInFailureEntity } from './operator-sign-in-failure.entity';
import { OperatorEntity } from './operator.entity';
import {
  PartnerApiKeyEntity,
  PartnerEntity,
  PartnerKeyEntity,
  PartnerPointEntity,
  PartnerReportSecretEntity,
} from './partner.entity';
import { BooksGatewayReconciliationEntity } from './reconciliation.entity';
import { PaymentsReconciliationEntity } from './payments-reconciliation.entity';
import { RedemptionLineEntity } from './redemption-line.entity';
import {
  AccountingPeriodEntity,
  ClearingBacklogEntity,
  ClearingEntity,
  ClearingFeeSumEntity,
  ClearingGroupSumEntity,
  JournalEntryEntity,
  JournalLineEntity,
  PayableEntity,
  PeriodBalanceEntity,
  PayoutBatchEntity,
  PayoutItemEntity,
  SettlementHoldActionEntity,
  SettlementHoldEntity,
  SettlementRunEntity,
} from './settlement.entity';
import { VoucherEntity } from './voucher.entity';

export * from './day-total.entity';
export * from './balance-snapshot.entity';
export * from './ewallet-binding.entity';
export * from './fee-schedule.entity';
export * from './notification.entity';
export * from './operation.entity';
export * from './operator-item.entity';
export * from './operator-audit.entity';
export * from './operator-login-link.entity';
export * from './operator-session.entity';
export * from './operator-sign-in-failure.entity';
export * from './operator.entity';
export * from './partner.entity';
export * from './reconciliation.entity';
export * from './payments-reconciliation.entity';
export * from './redemption-line.entity';
export * from './settlement.entity';
export * from './voucher.entity';

/** Every entity, for the data source (ESM: no glob loading). */
export const entities = [
  FeeScheduleEntity,
  PartnerEntity,
  PartnerKeyEntity,
  PartnerApiKeyEntity,
  PartnerPointEntity,
  PartnerReportSecretEntity,
  OperationEntity,
  VoucherEntity,
  RedemptionLineEntity,
  GatewayNotificationEntity,
  GatewayReportCountEntity,
  PartnerNotificationEntity,
  IdempotencyKeyEntity,
  SettlementRunEntity,
  ClearingEntity,
  ClearingBacklogEntity,
  SettlementHoldEntity,
  SettlementHoldActionEntity,
  JournalEntryEntity,
  JournalLineEntity,
  PayableEntity,
  AccountingPeriodEntity,
  PeriodBalanceEntity,
  ClearingFeeSumEntity,
  ClearingGroupSumEntity,
  PayoutBatchEntity,
  PayoutItemEntity,
  OperatorItemEntity,
  BooksGatewayReconciliationEntity,
  PaymentsReconciliationEntity,
  OperatorEntity,
  OperatorSessionEntity,
  OperatorLoginLinkEntity,
  OperatorAuditEntity,
  BalanceSnapshotDayEntity,
  BalanceSnapshotEntity,
  OperatorSignInFailureEntity,
  DayTotalEntity,
  EwalletBindingEntity,
];
