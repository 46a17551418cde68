import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { ReconciliationResultColumns } from './reconciliation-result';
import { twdColumn } from '../columns';

/**
 * The daily reconciliation of our books with the gateway, one row per business date and paying merchant
 * (libs/settlement, reconciliation/): `gateway_receivable` through the date against what the gateway holds for
 * the merchant at the date's end, the day's operations counted on both sides, and every difference with its
 * reason. Reconciling a date again replaces its row, so the row is the latest comparison.
 */
@Entity({ name: 'books_gateway_reconciliations' })
@Index('books_gateway_reconciliations_date_merchant_uq', ['businessDate', 'merchantUid'], { unique: true })
export class BooksGatewayReconciliationEntity extends ReconciliationResultColumns {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_books_gateway_reconciliations' })
  id!: string;

  @Column({ name: 'business_date', type: 'date' })
  businessDate!: string;

  /** The paying merchant at the gateway (`partners.upstream_uid`). */
  @Column({ name: 'merchant_uid', type: 'varchar', length: 32 })
  merchantUid!: string;

  /** Where the gateway's figures came from (`statement:<file>`, `simulator`). */
  @Column({ type: 'varchar', length: 200 })
  source!: string;

  /** `gateway_receivable` attributed to the merchant, through the date. */
  @Column({ name: 'books_held', type: 'bigint', transformer: twdColumn })
  booksHeld!: number;

  /** What the gateway holds for the merchant at the date's end; null when the source had no figures. */
  @Column({ name: 'gateway_held', type: 'bigint', nullable: true, transformer: twdColumn })
  gatewayHeld!: number | null;

  /** Per kind of operation: counted in our operations, booked in the journal, and at the gateway, and money. */
  @Column({ type: 'jsonb' })
  counts!: Record<string, unknown>;
}
