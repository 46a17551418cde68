import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { inList, operatorRoles, type OperatorRole } from '../state-checks';

/**
 * A person who signs in to the console (not a partner). The password is kept only as a memory-hard hash with
 * its own parameters (`scrypt$N$r$p$salt$hash`, apps/api/src/console/password.ts), so they can be raised later.
 * A disabled operator cannot sign in, and every session of theirs stops at its next request.
 */
@Entity({ name: 'operators' })
@Check('operators_role_check', inList('role', operatorRoles))
@Index('operators_name_uq', ['name'], { unique: true })
export class OperatorEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: OperatorRole;

  /** Null until a password is set (an operator who signs in by one-time links only). */
  @Column({ name: 'password_hash', type: 'varchar', length: 256, nullable: true })
  passwordHash!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;
}
