import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A business day's figures for the console, one of up to 8 slot rows a day (sum them): kept by the triggers of
 * migration DayTotals from clearings, redemption lines and purchase/refund journal entries, in the statement
 * that writes them. Read-only to the code; bigint counts and whole TWD as decimal strings.
 */
@Entity({ name: 'day_totals' })
export class DayTotalEntity {
  @PrimaryColumn({ name: 'business_date', type: 'date', primaryKeyConstraintName: 'PK_day_totals' })
  businessDate!: string;

  @PrimaryColumn({ type: 'smallint', primaryKeyConstraintName: 'PK_day_totals' })
  slot!: number;

  @Column({ name: 'vouchers_cleared', type: 'bigint', default: 0 })
  vouchersCleared!: string;

  @Column({ type: 'bigint', default: 0 })
  gross!: string;

  @Column({ name: 'escrow_fee', type: 'bigint', default: 0 })
  escrowFee!: string;

  @Column({ name: 'gateway_fee', type: 'bigint', default: 0 })
  gatewayFee!: string;

  @Column({ name: 'issuance_fee', type: 'bigint', default: 0 })
  issuanceFee!: string;

  @Column({ type: 'bigint', default: 0 })
  headquarters!: string;

  @Column({ type: 'bigint', default: 0 })
  sales!: string;

  @Column({ type: 'bigint', default: 0 })
  reimbursement!: string;

  @Column({ name: 'redeemed_online', type: 'bigint', default: 0 })
  redeemedOnline!: string;

  @Column({ name: 'redeemed_offline', type: 'bigint', default: 0 })
  redeemedOffline!: string;

  @Column({ type: 'bigint', default: 0 })
  sold!: string;

  @Column({ type: 'bigint', default: 0 })
  refunded!: string;
}
