import { Column, CreateDateColumn, UpdateDateColumn } from 'typeorm';

/**
 * What every stored reconciliation result carries (books with the gateway, payments with the gateway): every
 * difference with its reason (empty when both sides agree), their count, and when the row was first and last
 * written (reconciling a date again replaces the row).
 */
export abstract class ReconciliationResultColumns {
  @Column({ type: 'jsonb' })
  differences!: Record<string, unknown>[];

  @Column({ name: 'difference_count', type: 'int' })
  differenceCount!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
