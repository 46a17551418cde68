import { Column, CreateDateColumn, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { OperatorEntity } from './operator.entity';

/** A one-time sign-in link (`npm run operators -- login-link`): only the token's SHA-256 is kept. */
@Entity({ name: 'operator_login_links' })
export class OperatorLoginLinkEntity {
  /** SHA-256 of the token, hex. */
  @PrimaryColumn({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash!: string;

  @Column({ name: 'operator_id', type: 'uuid' })
  @ForeignKey(() => OperatorEntity, { name: 'operator_login_links_operator_fk', onDelete: 'CASCADE' })
  operatorId!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  /** Set by the one use the link allows. */
  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt!: Date | null;
}
