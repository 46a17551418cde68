import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { twdColumn } from '../columns';

/** The fee schedule of one issuer, in force from `effectiveFrom` (a Taiwan date) until the next one. */
@Entity({ name: 'fee_schedules' })
@Index('fee_schedules_issuer_effective_uq', ['issuerId', 'effectiveFrom'], { unique: true })
export class FeeScheduleEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'issuer_id', type: 'varchar', length: 64 })
  issuerId!: string;

  @Column({ name: 'effective_from', type: 'date' })
  effectiveFrom!: string;

  /** Exact decimal rates: numeric, never float. */
  @Column({ name: 'escrow_rate', type: 'numeric', precision: 9, scale: 6 })
  escrowRate!: string;

  @Column({ name: 'gateway_rate', type: 'numeric', precision: 9, scale: 6 })
  gatewayRate!: string;

  @Column({ name: 'issuance_fee', type: 'bigint', transformer: twdColumn })
  issuanceFee!: number;

  @Column({ name: 'issuance_layer', type: 'smallint' })
  issuanceLayer!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
