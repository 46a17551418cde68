import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { inList, operatorItemKinds, operatorItemStates, type OperatorItemState } from '../state-checks';
import { PartnerEntity } from './partner.entity';

/**
 * What waits for a person. Each kind names a situation the engine will not decide alone; `reference` names
 * its subject (an operation, a batch, a redemption line) in that kind's terms.
 */
export type OperatorItemKind =
  /** The gateway reports success for an operation we had already failed (or the reverse). */
  | 'late_outcome'
  /** A purchase paid with a mismatch (`290`): accept it or refund it. */
  | 'paid_mismatch'
  /** A pay-off batch whose state the gateway would not tell us: never resent or freed by itself. */
  | 'payout_batch_parked'
  /**
   * A pay-off item the gateway refused at creation (its payee account), now an exception; reference: the gateway
   * item id. Correct the account, then re-include it or settle it outside (libs/settlement payouts).
   */
  | 'payout_item_refused'
  /** A redemption whose reported vouchers differ from those we held, or whose terms we cannot trust. */
  | 'redemption_mismatch'
  /**
   * A redemption line settlement could not clear (reference: the line id): re-clear it after a correction, or
   * settle it outside (libs/settlement, holds). Resolved by settlement itself when a later run clears it.
   */
  | 'settlement_hold'
  /** An operation still open past its horizon. */
  | 'operation_overdue'
  /**
   * A partner report no attempt got acknowledged, or one that cannot be sent (no URL, not https, no report
   * secret); reference: the report id. Resolved when the report is asked for again (resendReports).
   */
  | 'partner_report_flagged'
  /**
   * The books and the gateway disagree on a business date for a merchant (reference: `<date>:<merchant uid>`):
   * the differences and their reasons are in details and in `books_gateway_reconciliations`. Resolved by the
   * reconciliation itself when the date is reconciled again without a difference.
   */
  | 'books_gateway_difference';

/**
 * `true` only while every kind above is in `operatorItemKinds`, the list the database's CHECK admits: a kind
 * added to the union alone fails to compile here, rather than at its first insert (23514).
 */
export const OPERATOR_ITEM_KINDS_CHECKED: OperatorItemKind extends (typeof operatorItemKinds)[number]
  ? true
  : never = true;

/**
 * The operators' queue: one open item per (kind, reference), raised idempotently by the code that meets the
 * situation (see raiseOperatorItem) and closed only by a person's action, which records who and how.
 */
@Entity({ name: 'operator_items' })
@Check('operator_items_state_check', inList('state', operatorItemStates))
@Check('operator_items_kind_check', inList('kind', operatorItemKinds))
@Index('operator_items_open_uq', ['kind', 'reference'], { unique: true, where: `"state" = 'open'` })
@Index('operator_items_state_idx', ['state', 'createdAt'])
export class OperatorItemEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 40 })
  kind!: OperatorItemKind;

  @Column({ type: 'varchar', length: 120 })
  reference!: string;

  @Column({ name: 'partner_id', type: 'uuid', nullable: true })
  @ForeignKey(() => PartnerEntity, { name: 'operator_items_partner_fk' })
  partnerId!: string | null;

  @Column({ type: 'varchar', length: 12, default: 'open' })
  state!: OperatorItemState;

  /** What the person needs to decide: codes, amounts, what we hold against what the gateway says. */
  @Column({ type: 'jsonb' })
  details!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;

  @Column({ name: 'resolved_by', type: 'varchar', length: 100, nullable: true })
  resolvedBy!: string | null;

  /** The action taken (`accepted`, `refunded`, `released`, `settled_outside`, ...). */
  @Column({ type: 'varchar', length: 40, nullable: true })
  resolution!: string | null;
}
