import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Index,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { payoutBatchStates, payoutItemStates } from '@tixclear/domain';
import { twdColumn } from '../columns';
import {
  holdActionKinds,
  inList,
  payableRoles,
  settlementRunStates,
  type HoldActionKind,
  type PayableRole,
} from '../state-checks';
import { RedemptionLineEntity } from './redemption-line.entity';

/**
 * One settlement run: a Taiwan business date, or a range for catch-up. A persisted state machine: each step is
 * idempotent and records its completion here, so a worker killed at any point resumes the run where it stood.
 */
@Entity({ name: 'settlement_runs' })
@Check('settlement_runs_state_check', inList('state', settlementRunStates))
@Index('settlement_runs_period_uq', ['periodStart', 'periodEnd'], { unique: true })
export class SettlementRunEntity {
  /** Time-ordered (UUID v7): the run indexes of clearings and journal entries are BRIN, priced by that order. */
  @PrimaryColumn({ type: 'uuid', default: () => 'uuidv7()' })
  id!: string;

  @Column({ name: 'period_start', type: 'date' })
  periodStart!: string;

  @Column({ name: 'period_end', type: 'date' })
  periodEnd!: string;

  /** The next step to do: clearing → posting → batching → paying → exporting → completed. */
  @Column({ type: 'varchar', length: 16 })
  state!: string;

  /** Counts and totals of the run, written by its steps, for the summary. */
  @Column({ type: 'jsonb' })
  summary!: Record<string, unknown>;

  /**
   * Set when the run's clearing is done: every redemption line written by a transaction below this id was
   * cleared or left in the clearing backlog, so the next run reads the lines written from here on.
   */
  @Column({ name: 'clearing_horizon', type: 'bigint', nullable: true })
  clearingHorizon!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/**
 * A redeemed voucher cleared by a run: its split, by the fee engine. The primary key on the redemption line is
 * the database's guarantee that a voucher is cleared exactly once, whatever runs overlap or repeat.
 */
@Entity({ name: 'clearings' })
// No foreign keys: written by COPY a million a night (see migration ForeignKeys).
// A BRIN bloom index on run_id, which TypeORM cannot declare (see migration ClearingWriteIndexes).
@Index('clearings_run_idx', { synchronize: false })
export class ClearingEntity {
  @PrimaryColumn({ name: 'redemption_line_id', type: 'uuid' })
  redemptionLineId!: string;

  @Column({ name: 'run_id', type: 'uuid' })
  runId!: string;

  @Column({ name: 'partner_id', type: 'uuid' })
  partnerId!: string;

  /**
   * The line's voucher (null for one not sold here, and for clearings written before migration ClearingVoucher):
   * a night's releases from the trust are read from its clearings without a lookup of each line.
   */
  @Column({ name: 'voucher_id', type: 'uuid', nullable: true })
  voucherId!: string | null;

  @Column({ name: 'serial_number', type: 'varchar', length: 32 })
  serialNumber!: string;

  @Column({ type: 'varchar', length: 200 })
  product!: string;

  @Column({ name: 'business_date', type: 'date' })
  businessDate!: string;

  @Column({ name: 'is_paid', type: 'boolean' })
  isPaid!: boolean;

  @Column({ type: 'bigint', transformer: twdColumn })
  cost!: number;

  @Column({ name: 'escrow_fee', type: 'bigint', transformer: twdColumn })
  escrowFee!: number;

  @Column({ name: 'gateway_fee', type: 'bigint', transformer: twdColumn })
  gatewayFee!: number;

  @Column({ name: 'issuance_fee', type: 'bigint', transformer: twdColumn })
  issuanceFee!: number;

  @Column({ name: 'issuance_layer', type: 'smallint' })
  issuanceLayer!: number;

  @Column({ type: 'bigint', transformer: twdColumn })
  headquarters!: number;

  @Column({ type: 'bigint', transformer: twdColumn })
  sales!: number;

  @Column({ type: 'bigint', transformer: twdColumn })
  reimbursement!: number;

  /**
   * The payees: headquarters (`hq:<partner uid>`), the sales point and the redemption point, each of the
   * partner (`<partner uid>:store:<store_uid>`, `<partner uid>:dealer:<no>`).
   */
  @Column({ name: 'headquarters_party', type: 'varchar', length: 120 })
  headquartersParty!: string;

  @Column({ name: 'sales_party', type: 'varchar', length: 120 })
  salesParty!: string;

  @Column({ name: 'reimbursement_party', type: 'varchar', length: 120 })
  reimbursementParty!: string;
}

/**
 * A redemption line a run examined and left uncleared: held, or redeemed after the run's period. Every run
 * examines the backlog besides the lines written since the last horizon; a line leaves it when it clears.
 */
@Entity({ name: 'clearing_backlog' })
export class ClearingBacklogEntity {
  @PrimaryColumn({
    name: 'redemption_line_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_clearing_backlog',
  })
  @ForeignKey(() => RedemptionLineEntity, { name: 'clearing_backlog_line_fk' })
  redemptionLineId!: string;

  /** The run that left it there. */
  @Column({ name: 'run_id', type: 'uuid' })
  @ForeignKey(() => SettlementRunEntity, { name: 'clearing_backlog_run_fk' })
  runId!: string;

  /**
   * Set when an operator settled the line outside clearing (SettlementHoldActionEntity): it stays here, so that
   * no run reads it as fresh again, and no run examines it.
   */
  @Column({ name: 'released_at', type: 'timestamptz', nullable: true })
  releasedAt!: Date | null;
}

/** A redeemed voucher a run could not clear, and why; it is retried by every later run until it clears. */
@Entity({ name: 'settlement_holds' })
@Index('settlement_holds_run_line_uq', ['runId', 'redemptionLineId'], { unique: true })
export class SettlementHoldEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'run_id', type: 'uuid' })
  @ForeignKey(() => SettlementRunEntity, { name: 'settlement_holds_run_fk' })
  runId!: string;

  @Column({ name: 'redemption_line_id', type: 'uuid' })
  @ForeignKey(() => RedemptionLineEntity, { name: 'settlement_holds_line_fk' })
  redemptionLineId!: string;

  @Column({ name: 'serial_number', type: 'varchar', length: 32 })
  serialNumber!: string;

  @Column({ type: 'varchar', length: 200 })
  reason!: string;
}

/**
 * What an operator did to a held line, who, and why: `recleared` (its terms read again from our record of the
 * sale and split again, after a correction), `fee_accepted` (re-cleared with the gateway's split) or
 * `settled_outside` (never cleared by a run; at most once per line).
 */
@Entity({ name: 'settlement_hold_actions' })
@Check('settlement_hold_actions_action_check', inList('action', holdActionKinds))
@Index('settlement_hold_actions_line_idx', ['redemptionLineId'])
@Index('settlement_hold_actions_outside_uq', ['redemptionLineId'], {
  unique: true,
  where: `"action" = 'settled_outside'`,
})
export class SettlementHoldActionEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_settlement_hold_actions' })
  id!: string;

  @Column({ name: 'redemption_line_id', type: 'uuid' })
  @ForeignKey(() => RedemptionLineEntity, { name: 'settlement_hold_actions_line_fk' })
  redemptionLineId!: string;

  @Column({ type: 'varchar', length: 20 })
  action!: HoldActionKind;

  @Column({ name: 'acted_by', type: 'varchar', length: 100 })
  actedBy!: string;

  @Column({ type: 'varchar', length: 500 })
  note!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/**
 * A journal entry: balanced, append-only. A fact (a voucher cleared, a purchase paid, an item remitted) is
 * posted exactly once: `(kind, reference)` is unique, but for clearings, whose entry is written only with its
 * row in `clearings` (keyed by the line) and so is once per line already (see migration ClearingWriteIndexes).
 * A correction is a new entry naming the one it corrects.
 */
@Entity({ name: 'journal_entries' })
// No foreign keys (run, corrected entry): written by COPY with the clearings (see migration ForeignKeys).
// Partitioned by month on business_date (migration JournalPartitions): a unique key includes the month, and
// `(kind, reference)` alone is kept unique by `journal_entry_keys`, claimed by a trigger on insert.
@Index('journal_entries_kind_reference_uq', ['kind', 'reference', 'businessDate'], {
  unique: true,
  where: `kind <> 'clearing'`,
})
// A BRIN bloom index on run_id, which TypeORM cannot declare (see migration ClearingWriteIndexes).
@Index('journal_entries_run_idx', { synchronize: false })
// A run's entries of every kind but clearing, whose lines the snapshots still read (migration ClearingGroupSums).
@Index('journal_entries_run_unsummed_idx', ['runId'], { where: `kind <> 'clearing'` })
// The payments ledger's entries of a day, for the console (migration ConsolePaymentsIndexes).
@Index('journal_entries_payments_day_idx', ['businessDate'], {
  where: `kind IN ('payment', 'payment_refund', 'refund_cancel')`,
})
export class JournalEntryEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ name: 'run_id', type: 'uuid', nullable: true })
  runId!: string | null;

  /** `clearing`, `purchase`, `refund`, `payout`, `settled_outside`, `hold_settled`, `correction`. */
  @Column({ type: 'varchar', length: 20 })
  kind!: string;

  /** What was posted: the redemption line, voucher, operation or pay-off item id. */
  @Column({ type: 'varchar', length: 80 })
  reference!: string;

  /** The partition key: an entry and its lines live in the month of this date. */
  @PrimaryColumn({ name: 'business_date', type: 'date' })
  businessDate!: string;

  @Column({ name: 'corrects_entry_id', type: 'bigint', nullable: true })
  correctsEntryId!: string | null;

  @Column({ type: 'varchar', length: 200 })
  description!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/**
 * One line of a journal entry: an account and a signed amount (debit positive, credit negative), so an entry
 * balances when its lines sum to zero and the trial balance is a plain SUM. Ledger lines carry the party and
 * the voucher's details for the per-party ledgers.
 */
// No primary key (migration JournalLinesUnkeyed): no query finds a line by id, and its B-tree was the largest
// cost of a night's clearing. TypeORM cannot declare a table without one, so the schema check skips this entity
// (`synchronize: false`); the migrations alone make the table, and the columns below mirror them.
@Entity({ name: 'journal_lines', synchronize: false })
// No foreign key to its entry: written by COPY, a few million a night (see migration ForeignKeys).
// No secondary index: lines are written in the millions each night and read in bulk (hash joins on entry_id
// by the exports and checks); each index would cost a large share of the posting time (docs/benchmarks.md).
// A BRIN index on entry_id finds a night's lines by its entries' id ranges (migration BalanceSnapshots).
@Index('journal_lines_entry_brin', { synchronize: false })
// Only the payments ledger's lines (`payable_payments`) by entry, for the console (migration ConsolePaymentsIndexes).
@Index('journal_lines_payments_entry_idx', ['entryId'], { where: `account = 'payable_payments'` })
export class JournalLineEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ name: 'entry_id', type: 'bigint' })
  entryId!: string;

  /** e.g. `trust_liability`, `fee_escrow`, `fee_gateway`, `fee_issuance_l2`, `payable_sales`, `gateway_cash`. */
  @Column({ type: 'varchar', length: 40 })
  account!: string;

  /** `headquarters`, `sales`, `reimbursement` for payable lines; null otherwise. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  ledger!: string | null;

  @Column({ type: 'varchar', length: 120, nullable: true })
  party!: string | null;

  /** Debit positive, credit negative, whole TWD. */
  @Column({ type: 'bigint', transformer: twdColumn })
  amount!: number;

  @Column({ name: 'serial_number', type: 'varchar', length: 32, nullable: true })
  serialNumber!: string | null;

  /** Its entry's business date, the partition key (migration JournalPartitions): set by every writer. */
  @PrimaryColumn({ name: 'business_date', type: 'date' })
  businessDate!: string;
}

/** What a run owes one payee in one role, to be paid by a pay-off item (at most one successful). */
@Entity({ name: 'payables' })
@Check('payables_role_check', inList('role', payableRoles))
@Index('payables_run_merchant_party_role_uq', ['runId', 'payingMerchant', 'party', 'role'], { unique: true })
export class PayableEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'run_id', type: 'uuid' })
  @ForeignKey(() => SettlementRunEntity, { name: 'payables_run_fk' })
  runId!: string;

  /** The merchant whose pay-off batch pays it (the partner's upstream uid). */
  @Column({ name: 'paying_merchant', type: 'varchar', length: 32 })
  payingMerchant!: string;

  @Column({ type: 'varchar', length: 120 })
  party!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: PayableRole;

  @Column({ type: 'bigint', transformer: twdColumn })
  amount!: number;

  /** The item currently paying it; cleared when an exception is re-included in a later batch. */
  @Column({ name: 'item_id', type: 'uuid', nullable: true })
  @ForeignKey(() => PayoutItemEntity, { name: 'payables_item_fk' })
  itemId!: string | null;

  /** The item that paid it: set once (conditional update), so a payable is never paid twice. */
  @Column({ name: 'paid_by_item_id', type: 'uuid', nullable: true })
  @ForeignKey(() => PayoutItemEntity, { name: 'payables_paid_by_item_fk' })
  paidByItemId!: string | null;
}

/** A pay-off remittance batch (`group_id`), one per run and paying merchant. */
@Entity({ name: 'payout_batches' })
@Check('payout_batches_state_check', inList('state', payoutBatchStates))
@Index('payout_batches_group_uq', ['groupId'], { unique: true })
@Index('payout_batches_run_merchant_uq', ['runId', 'payingMerchant'], { unique: true })
export class PayoutBatchEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'run_id', type: 'uuid' })
  @ForeignKey(() => SettlementRunEntity, { name: 'payout_batches_run_fk' })
  runId!: string;

  @Column({ name: 'paying_merchant', type: 'varchar', length: 32 })
  payingMerchant!: string;

  /** Derived from the run, the merchant and the revision, so a resubmission after a crash reuses it. */
  @Column({ name: 'group_id', type: 'varchar', length: 50 })
  groupId!: string;

  /** The pay-off batch machine of `@tixclear/domain`. */
  @Column({ type: 'varchar', length: 20 })
  state!: string;

  @Column({ name: 'gateway_code', type: 'varchar', length: 10, nullable: true })
  gatewayCode!: string | null;

  @Column({ name: 'covering_attempts', type: 'int', default: 0 })
  coveringAttempts!: number;

  /** Times the batch was re-formed without items whose payee account the gateway refused (group_id from it). */
  @Column({ type: 'int', default: 0 })
  revision!: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** One payee's remittance in a batch: the sum of its payables, never zero. */
@Entity({ name: 'payout_items' })
@Check('payout_items_state_check', inList('state', payoutItemStates))
@Index('payout_items_item_uq', ['itemId'], { unique: true })
@Index('payout_items_batch_idx', ['batchId'])
export class PayoutItemEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'batch_id', type: 'uuid' })
  @ForeignKey(() => PayoutBatchEntity, { name: 'payout_items_batch_fk' })
  batchId!: string;

  /** The gateway item id, derived from run and payee. */
  @Column({ name: 'item_id', type: 'varchar', length: 50 })
  itemId!: string;

  @Column({ type: 'varchar', length: 120 })
  party!: string;

  /** The payee's account at the gateway (`user_id` of the item). */
  @Column({ name: 'payee_account', type: 'varchar', length: 64 })
  payeeAccount!: string;

  @Column({ type: 'bigint', transformer: twdColumn })
  amount!: number;

  /** The pay-off item machine of `@tixclear/domain`. */
  @Column({ type: 'varchar', length: 20 })
  state!: string;

  @Column({ name: 'gateway_code', type: 'varchar', length: 10, nullable: true })
  gatewayCode!: string | null;

  @Column({ name: 'gateway_message', type: 'varchar', length: 200, nullable: true })
  gatewayMessage!: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/**
 * A closed accounting month (`YYYY-MM`, Taiwan dates), who closed it and when. Nothing posts on or before the
 * last closed day: a trigger on `journal_entries` refuses it (migration ClosedPeriods); a correction posts in
 * the open period and names the entry it corrects (`corrects_entry_id`).
 */
@Entity({ name: 'accounting_periods' })
@Check('accounting_periods_month_check', `"period_start" <= "period_end"`)
export class AccountingPeriodEntity {
  @PrimaryColumn({ type: 'varchar', length: 7, primaryKeyConstraintName: 'PK_accounting_periods' })
  period!: string;

  @Column({ name: 'period_start', type: 'date' })
  periodStart!: string;

  @Column({ name: 'period_end', type: 'date' })
  periodEnd!: string;

  @Column({ name: 'closed_by', type: 'varchar', length: 100 })
  closedBy!: string;

  @CreateDateColumn({ name: 'closed_at', type: 'timestamptz' })
  closedAt!: Date;

  @Column({ type: 'varchar', length: 500, default: '' })
  note!: string;
}

/** The balance of an account, ledger and party (blank when none) at a month's close: the next one's opening. */
@Entity({ name: 'period_balances' })
export class PeriodBalanceEntity {
  @PrimaryColumn({ type: 'varchar', length: 7, primaryKeyConstraintName: 'PK_period_balances' })
  @ForeignKey(() => AccountingPeriodEntity, { name: 'period_balances_period_fk' })
  period!: string;

  @PrimaryColumn({ type: 'varchar', length: 40, primaryKeyConstraintName: 'PK_period_balances' })
  account!: string;

  @PrimaryColumn({ type: 'varchar', length: 16, primaryKeyConstraintName: 'PK_period_balances' })
  ledger!: string;

  @PrimaryColumn({ type: 'varchar', length: 120, primaryKeyConstraintName: 'PK_period_balances' })
  party!: string;

  @Column({ type: 'bigint', transformer: twdColumn })
  balance!: number;
}

/**
 * The escrow and gateway fees of a clearing chunk's paid vouchers, by redemption date and partner: written with
 * the chunk's clearings (all or nothing), summed into the run's `fee_kept` entries.
 */
@Entity({ name: 'clearing_fee_sums' })
@Index('clearing_fee_sums_run_idx', ['runId'])
export class ClearingFeeSumEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'PK_clearing_fee_sums',
  })
  id!: string;

  @Column({ name: 'run_id', type: 'uuid' })
  runId!: string;

  @Column({ name: 'business_date', type: 'date' })
  businessDate!: string;

  @Column({ name: 'partner_id', type: 'uuid' })
  partnerId!: string;

  @Column({ type: 'int' })
  vouchers!: number;

  @Column({ name: 'escrow_fee', type: 'bigint', transformer: twdColumn })
  escrowFee!: number;

  @Column({ name: 'gateway_fee', type: 'bigint', transformer: twdColumn })
  gatewayFee!: number;
}

/**
 * The lines of a clearing chunk's journal entries summed by group (account, ledger, party; blank for none):
 * written with the lines (all or nothing), read by the balance snapshots in place of the night's lines.
 */
@Entity({ name: 'clearing_group_sums' })
@Index('clearing_group_sums_run_idx', ['runId'])
export class ClearingGroupSumEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'PK_clearing_group_sums',
  })
  id!: string;

  @Column({ name: 'run_id', type: 'uuid' })
  runId!: string;

  @Column({ type: 'varchar', length: 40 })
  account!: string;

  @Column({ type: 'varchar', length: 16 })
  ledger!: string;

  @Column({ type: 'varchar', length: 120 })
  party!: string;

  @Column({ type: 'bigint', transformer: twdColumn })
  debits!: number;

  @Column({ type: 'bigint', transformer: twdColumn })
  credits!: number;
}
