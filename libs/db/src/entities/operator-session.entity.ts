import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { OperatorEntity } from './operator.entity';

/**
 * A console session: the cookie holds a random id, the table only its SHA-256 (a leaked table opens no
 * session). A session ends at `expires_at`, after the idle timeout since `last_seen_at`, or when deleted
 * (sign-out, the operator disabled).
 */
@Entity({ name: 'operator_sessions' })
@Index('operator_sessions_operator_idx', ['operatorId'])
export class OperatorSessionEntity {
  /** SHA-256 of the session id, hex. */
  @PrimaryColumn({ name: 'id_hash', type: 'char', length: 64 })
  idHash!: string;

  @Column({ name: 'operator_id', type: 'uuid' })
  @ForeignKey(() => OperatorEntity, { name: 'operator_sessions_operator_fk', onDelete: 'CASCADE' })
  operatorId!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
