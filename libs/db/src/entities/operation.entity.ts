import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { gatewayCallStates, purchaseStates } from '@tixclear/domain';
import { inList, operationKinds, paidOrderKinds } from '../state-checks';

export type OperationKind = (typeof operationKinds)[number];

/**
 * One mutating operation a partner asked for (purchase, online or offline redemption, refund), keyed by the
 * partner's `order_id`. It is the intent record written before the gateway call and completed after it, in
 * separate transactions, and the idempotency record: a repeat with the same `request_hash` gets `response`.
 */
@Entity({ name: 'operations' })
@Check('operations_kind_check', inList('kind', operationKinds))
// A purchase or a PayPage payment moves through the purchase machine, the others through the gateway-call one.
@Check(
  'operations_purchase_state_check',
  `NOT ${inList('kind', paidOrderKinds)} OR ${inList('state', purchaseStates)}`,
)
@Check(
  'operations_call_state_check',
  `${inList('kind', paidOrderKinds)} OR ${inList('state', gatewayCallStates)}`,
)
@Index('operations_partner_order_uq', ['partnerId', 'orderId'], { unique: true })
@Index('operations_upstream_order_uq', ['upstreamOrderId'], { unique: true })
@Index('operations_state_idx', ['state', 'updatedAt'])
// A PayPage order or purchase found by the gateway's uid a partner names (queryorder, refund, esvcrefund).
@Index('operations_partner_gateway_uid_idx', ['partnerId', 'gatewayUid'])
// A gateway refund is one money refund of ours: two refunds settled by query never claim the same refund_uid.
@Index('operations_pay_refund_uid_uq', ['partnerId', 'gatewayUid'], {
  unique: true,
  where: `"kind" = 'pay_refund'`,
})
// The console's payments of a day (migration ConsolePaymentsIndexes).
@Index('operations_payments_day_idx', ['createdAt', 'id'], {
  where: `kind IN ('payment', 'pay_refund', 'pay_action') OR gateway_code = '290'`,
})
@Index('operations_next_check_idx', ['nextCheckAt'], {
  where: `state IN ('submitted', 'outcome_unknown', 'awaiting_payment', 'expired')`,
})
export class OperationEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** No foreign key: every request would lock its partner's row (see migration ForeignKeys). */
  @Column({ name: 'partner_id', type: 'uuid' })
  partnerId!: string;

  @Column({ name: 'order_id', type: 'varchar', length: 64 })
  orderId!: string;

  /**
   * The `order_id` we send upstream: ours, not the partner's, because several partners may share one upstream
   * merchant (dealer mode) and their order ids may collide there. Gateway reports are matched on it.
   */
  @Column({ name: 'upstream_order_id', type: 'varchar', length: 50 })
  upstreamOrderId!: string;

  @Column({ type: 'varchar', length: 12 })
  kind!: OperationKind;

  /** The gateway command (`vouchertransaction`, `voucheroffline`, ...). */
  @Column({ type: 'varchar', length: 40 })
  command!: string;

  /** SHA-256 of the canonical request: same order id with other content is refused. */
  @Column({ name: 'request_hash', type: 'varchar', length: 64 })
  requestHash!: string;

  @Column({ type: 'jsonb' })
  request!: Record<string, unknown>;

  /** The purchase or gateway-call state of `@tixclear/domain`. */
  @Column({ type: 'varchar', length: 20 })
  state!: string;

  @Column({ name: 'gateway_code', type: 'varchar', length: 10, nullable: true })
  gatewayCode!: string | null;

  @Column({ name: 'gateway_uid', type: 'varchar', length: 64, nullable: true })
  gatewayUid!: string | null;

  @Column({ name: 'gateway_key', type: 'varchar', length: 128, nullable: true })
  gatewayKey!: string | null;

  /** What we answered the partner; replayed verbatim to an identical repeat. */
  @Column({ type: 'jsonb', nullable: true })
  response!: Record<string, unknown> | null;

  /** The reconciler's checks of this operation while open; its backoff doubles with each. */
  @Column({ name: 'reconcile_attempts', type: 'int', default: 0 })
  reconcileAttempts!: number;

  /**
   * When the reconciler next asks the gateway about this open operation (its Clock's time); null until it has
   * first seen it. An open answer pushes it back with backoff, so what is due is taken first and none starves.
   */
  @Column({ name: 'next_check_at', type: 'timestamptz', nullable: true })
  nextCheckAt!: Date | null;

  /** When the reconciler first saw the operation open (its Clock's time): the ages it judges count from here. */
  @Column({ name: 'watched_since', type: 'timestamptz', nullable: true })
  watchedSince!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;
}
