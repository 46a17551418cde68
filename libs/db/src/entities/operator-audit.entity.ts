import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The operators' audit trail, append-only (a trigger refuses UPDATE and DELETE): who (the operator's name as
 * it was, or the name tried on a failed sign-in), what (`action`), on what (`target`), when, the state before
 * and after, and the outcome. Written in the transaction of the action it records, where the action allows.
 */
@Entity({ name: 'operator_audit' })
@Index('operator_audit_at_idx', ['at'])
@Index('operator_audit_actor_idx', ['actor', 'at'])
@Index('operator_audit_action_idx', ['action', 'at'])
export class OperatorAuditEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at!: Date;

  @Column({ type: 'varchar', length: 64 })
  actor!: string;

  /** The actor's role when acting; null for a failed sign-in. */
  @Column({ name: 'actor_role', type: 'varchar', length: 16, nullable: true })
  actorRole!: string | null;

  @Column({ type: 'varchar', length: 60 })
  action!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  target!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  before!: unknown;

  @Column({ type: 'jsonb', nullable: true })
  after!: unknown;

  /** `ok`, or the refusal's code (an open set of codes, not a state: no CHECK). */
  @Column({ name: 'result', type: 'varchar', length: 60 })
  outcome!: string;

  @Column({ name: 'client_address', type: 'varchar', length: 64, nullable: true })
  clientAddress!: string | null;
}
