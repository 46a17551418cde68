import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Failed console sign-ins counted per name tried and per client address, in a window that opens at the key's
 * first failure (libs/db `SignInLimits`). In the database, so every API replica counts the same failures; rows
 * whose window has ended are pruned as new failures come. The key is a SHA-256 (a name field may hold a
 * password typed in the wrong place), never the name or address in clear.
 */
@Entity({ name: 'operator_sign_in_failures' })
@Check('operator_sign_in_failures_count_check', '"failures" > 0')
@Index('operator_sign_in_failures_window_idx', ['windowStart'])
export class OperatorSignInFailureEntity {
  /** SHA-256, hex, of the scope and the key (`name\0…` or `address\0…`). */
  @PrimaryColumn({
    name: 'key_hash',
    type: 'char',
    length: 64,
    primaryKeyConstraintName: 'operator_sign_in_failures_pk',
  })
  keyHash!: string;

  @Column({ type: 'integer' })
  failures!: number;

  @Column({ name: 'window_start', type: 'timestamptz' })
  windowStart!: Date;
}
