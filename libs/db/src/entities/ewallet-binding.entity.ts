import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A buyer's card bound to the MYPAY e-wallet (seed 001 『電子錢包虛擬卡號回傳資訊』, libs/operations
 * `EwalletBindings`), from the gateway's report, attributed to the partner whose `ewalletbind` opened the page.
 * What is kept: the buyer's `user_id`, the pay type, the card number as the report shows it (first six and last
 * four digits, masked again here if more came), the last four characters of the virtual card number (its
 * reference at the gateway), and whether the gateway says it is enabled. Not kept: the virtual card number
 * itself and the buyer's mobile number (the gateway's means to cancel the binding, which we never use).
 * One row per partner, buyer and card: a repeated report only updates `enabled` and `reported_at`.
 */
@Entity({ name: 'ewallet_bindings' })
@Index('ewallet_bindings_card_uq', ['partnerId', 'userId', 'pfn', 'cardnoMasked', 'virtualPanLast4'], {
  unique: true,
})
export class EwalletBindingEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_ewallet_bindings' })
  id!: string;

  @Column({ name: 'partner_id', type: 'uuid' })
  partnerId!: string;

  /** The `ewalletbind` operation (kind `pay_action`) whose binding page the report answers. */
  @Column({ name: 'operation_id', type: 'uuid' })
  operationId!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 64 })
  userId!: string;

  @Column({ type: 'varchar', length: 20 })
  pfn!: string;

  /** First six and last four digits, the rest `*`. */
  @Column({ name: 'cardno_masked', type: 'varchar', length: 19 })
  cardnoMasked!: string;

  @Column({ name: 'virtual_pan_last4', type: 'varchar', length: 4 })
  virtualPanLast4!: string;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  /** When the latest report of it arrived (our clock). */
  @Column({ name: 'reported_at', type: 'timestamptz' })
  reportedAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
