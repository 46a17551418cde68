import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Index,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';
import {
  countedReportOutcomes,
  gatewayReportOutcomes,
  inList,
  partnerReportStates,
  type CountedReportOutcome,
  type GatewayReportOutcome,
  type PartnerReportState,
} from '../state-checks';
import { OperationEntity } from './operation.entity';
import { PartnerEntity } from './partner.entity';

/**
 * A background report from the gateway, stored before we answer `8888`. It is a hint, never an authority: it
 * only wakes the operation it names, which is then settled by our own query; its fields are never applied.
 * `dedupe_key` stores a repeat once; old reports are purged after the retention period.
 */
@Entity({ name: 'gateway_notifications' })
@Check('gateway_notifications_outcome_check', inList('outcome', gatewayReportOutcomes))
@Index('gateway_notifications_dedupe_uq', ['dedupeKey'], { unique: true })
@Index('gateway_notifications_order_idx', ['orderId'])
@Index('gateway_notifications_received_idx', ['receivedAt'])
@Index('gateway_notifications_pending_idx', ['receivedAt'], { where: `"outcome" = 'pending'` })
export class GatewayNotificationEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'dedupe_key', type: 'varchar', length: 64 })
  dedupeKey!: string;

  @Column({ type: 'varchar', length: 20 })
  kind!: string;

  @Column({ name: 'order_id', type: 'varchar', length: 64, nullable: true })
  orderId!: string | null;

  @Column({ type: 'varchar', length: 10, nullable: true })
  code!: string | null;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @CreateDateColumn({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  /**
   * `pending` until the query it woke has answered, then what that query found (`settled`, `open`,
   * `confirmed`, `late_outcome`, `not_found`); `not_applicable` for a kind that names no operation of ours.
   */
  @Column({ type: 'varchar', length: 20, nullable: true })
  outcome!: GatewayReportOutcome | null;
}

/**
 * Reports not kept one row each (an order we do not know, more reports for one order than we keep), counted
 * per Taiwan day, kind and outcome, so that a flood of them costs a counter, not a table.
 */
@Entity({ name: 'gateway_report_counts' })
@Check('gateway_report_counts_outcome_check', inList('outcome', countedReportOutcomes))
export class GatewayReportCountEntity {
  @PrimaryColumn({ type: 'date', primaryKeyConstraintName: 'PK_gateway_report_counts' })
  day!: string;

  @PrimaryColumn({ type: 'varchar', length: 20, primaryKeyConstraintName: 'PK_gateway_report_counts' })
  kind!: string;

  @PrimaryColumn({ type: 'varchar', length: 20, primaryKeyConstraintName: 'PK_gateway_report_counts' })
  outcome!: CountedReportOutcome;

  @Column({ type: 'bigint', default: 0 })
  count!: string;

  @Column({ name: 'last_at', type: 'timestamptz', default: () => 'now()' })
  lastAt!: Date;
}

/**
 * One report of a final outcome to a partner's notification URL, delivered by the worker from the job queue
 * until the partner answers `8888`; after the last attempt it is `flagged` for an operator.
 */
@Entity({ name: 'partner_notifications' })
@Check('partner_notifications_state_check', inList('state', partnerReportStates))
@Index('partner_notifications_operation_event_uq', ['operationId', 'event'], { unique: true })
export class PartnerNotificationEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'partner_id', type: 'uuid' })
  @ForeignKey(() => PartnerEntity, { name: 'partner_notifications_partner_fk' })
  partnerId!: string;

  @Column({ name: 'operation_id', type: 'uuid' })
  @ForeignKey(() => OperationEntity, { name: 'partner_notifications_operation_fk' })
  operationId!: string;

  @Column({ type: 'varchar', length: 20 })
  event!: string;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 12, default: 'pending' })
  state!: PartnerReportState;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;
}

/** The REST API's idempotency keys: a repeated POST with the same key and body gets the stored answer. */
@Entity({ name: 'idempotency_keys' })
@Index('idempotency_keys_partner_key_uq', ['partnerId', 'key'], { unique: true })
export class IdempotencyKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** No foreign key: every request would lock its partner's row (see migration ForeignKeys). */
  @Column({ name: 'partner_id', type: 'uuid' })
  partnerId!: string;

  @Column({ type: 'varchar', length: 100 })
  key!: string;

  @Column({ name: 'request_hash', type: 'varchar', length: 64 })
  requestHash!: string;

  @Column({ name: 'status_code', type: 'int', nullable: true })
  statusCode!: number | null;

  @Column({ type: 'jsonb', nullable: true })
  response!: Record<string, unknown> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
