import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { ReconciliationResultColumns } from './reconciliation-result';

/**
 * The daily reconciliation of our payments with the gateway's records (libs/settlement, payments/): for one
 * business date, every payment, money refund and refund cancel of ours asked about by `queryorder`, and every
 * difference with its reason. Reconciling a date again replaces its row: the row is the latest comparison.
 */
@Entity({ name: 'payments_reconciliations' })
@Index('payments_reconciliations_date_uq', ['businessDate'], { unique: true })
export class PaymentsReconciliationEntity extends ReconciliationResultColumns {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_payments_reconciliations' })
  id!: string;

  @Column({ name: 'business_date', type: 'date' })
  businessDate!: string;

  /** Gateway orders asked about (one `queryorder` each). */
  @Column({ type: 'int' })
  checked!: number;

  /** The bound on queries for the date: orders past it are counted in `unchecked`, never asked. */
  @Column({ name: 'query_limit', type: 'int' })
  queryLimit!: number;

  @Column({ type: 'int' })
  unchecked!: number;
}
