import { Initial1795308796791 } from './1795308796791-initial';
import { Settlement1795309412020 } from './1795309412020-settlement';
import { VoucherHolderIndex1795311305983 } from './1795311305983-voucher-holder-index';
import { JournalIdCache1795330000000 } from './1795330000000-journal-id-cache';
import { RedemptionLineSaleTerms1795330000001 } from './1795330000001-redemption-line-sale-terms';
import { ClearingCursor1795330000002 } from './1795330000002-clearing-cursor';
import { ClearingWriteIndexes1795330000003 } from './1795330000003-clearing-write-indexes';
import { OperatorItems1795340000000 } from './1795340000000-operator-items';
import { GatewayReportBounds1795340000001 } from './1795340000001-gateway-report-bounds';
import { OperationChecks1795340000002 } from './1795340000002-operation-checks';
import { PartnerParties1795340000003 } from './1795340000003-partner-parties';
import { HoldActions1795340000004 } from './1795340000004-hold-actions';
import { PartnerReportSecrets1795340000021 } from './1795340000021-partner-report-secrets';
import { PartnerReportConstraints1795340000022 } from './1795340000022-partner-report-constraints';
import { StateChecks1795340000051 } from './1795340000051-state-checks';
import { ForeignKeys1795340000052 } from './1795340000052-foreign-keys';
import { PartnerChildForeignKeys1795340000053 } from './1795340000053-partner-child-foreign-keys';
import { PaymentOperations1795340000100 } from './1795340000100-payment-operations';
import { PayRefundUid1795340000101 } from './1795340000101-pay-refund-uid';
import { VoucherTrustStart1795340000110 } from './1795340000110-voucher-trust-start';
import { VoucherExpired1795340000111 } from './1795340000111-voucher-expired';
import { PaymentsLedger1795340000120 } from './1795340000120-payments-ledger';
import { ClosedPeriods1795340000200 } from './1795340000200-closed-periods';
import { ClearingFeeSums1795340000201 } from './1795340000201-clearing-fee-sums';
import { BooksGatewayReconciliation1795340000300 } from './1795340000300-books-gateway-reconciliation';
import { OperatorConsole1795340000400 } from './1795340000400-operator-console';
import { BalanceSnapshots1795340000510 } from './1795340000510-balance-snapshots';
import { BalanceSnapshotOrphans1795340000511 } from './1795340000511-balance-snapshot-orphans';
import { JournalPartitions1795340000520 } from './1795340000520-journal-partitions';
import { SignInFailures1795340000530 } from './1795340000530-sign-in-failures';
import { DayTotals1795340000540 } from './1795340000540-day-totals';
import { EwalletBindings1795340000500 } from './1795340000500-ewallet-bindings';
import { ConsolePaymentsIndexes1795340000550 } from './1795340000550-console-payments-indexes';
import { VouchersInFlightIndex1795340000560 } from './1795340000560-vouchers-in-flight-index';
import { ClearingGroupSums1795340000600 } from './1795340000600-clearing-group-sums';
import { JournalLinesUnkeyed1795340000610 } from './1795340000610-journal-lines-unkeyed';
import { TrustPostingsDue1795340000620 } from './1795340000620-trust-postings-due';
import { TrustHeldSpans1795340000630 } from './1795340000630-trust-held-spans';
import { ClearingVoucher1795340000640 } from './1795340000640-clearing-voucher';
import { PaymentPostingsDue1795340000650 } from './1795340000650-payment-postings-due';
import { RangeIndexesSummarisedByUs1795340000660 } from './1795340000660-range-indexes-summarised-by-us';

/** In order; TypeORM runs the ones not yet recorded in the `migrations` table. */
export const migrations = [
  Initial1795308796791,
  Settlement1795309412020,
  VoucherHolderIndex1795311305983,
  JournalIdCache1795330000000,
  RedemptionLineSaleTerms1795330000001,
  ClearingCursor1795330000002,
  ClearingWriteIndexes1795330000003,
  OperatorItems1795340000000,
  GatewayReportBounds1795340000001,
  OperationChecks1795340000002,
  PartnerParties1795340000003,
  HoldActions1795340000004,
  PartnerReportSecrets1795340000021,
  PartnerReportConstraints1795340000022,
  StateChecks1795340000051,
  ForeignKeys1795340000052,
  PartnerChildForeignKeys1795340000053,
  PaymentOperations1795340000100,
  PayRefundUid1795340000101,
  VoucherTrustStart1795340000110,
  VoucherExpired1795340000111,
  PaymentsLedger1795340000120,
  ClosedPeriods1795340000200,
  ClearingFeeSums1795340000201,
  BooksGatewayReconciliation1795340000300,
  OperatorConsole1795340000400,
  EwalletBindings1795340000500,
  BalanceSnapshots1795340000510,
  BalanceSnapshotOrphans1795340000511,
  JournalPartitions1795340000520,
  SignInFailures1795340000530,
  DayTotals1795340000540,
  ConsolePaymentsIndexes1795340000550,
  VouchersInFlightIndex1795340000560,
  ClearingGroupSums1795340000600,
  JournalLinesUnkeyed1795340000610,
  TrustPostingsDue1795340000620,
  TrustHeldSpans1795340000630,
  ClearingVoucher1795340000640,
  PaymentPostingsDue1795340000650,
  RangeIndexesSummarisedByUs1795340000660,
];
