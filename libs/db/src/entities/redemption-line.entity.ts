import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { SHARING_SCALE, twdColumn } from '../columns';

export interface FeeObjectJson {
  cost: number;
  gateway_fee: number;
  escrow_fee: number;
  issuance_layer: number;
  issuance_fee: number;
  headquarters: number;
  sales: number;
  reimbursement: number;
}

/**
 * One redeemed voucher: written once, when the gateway confirms the redemption. The unique index on
 * (partner, serial) is the last word against a double redemption. It keeps the gateway's `sharing` and `fee`
 * objects (online only) and our own fee-engine result; a disagreement is flagged here and settlement holds
 * the line until it is resolved.
 */
@Entity({ name: 'redemption_lines' })
// No foreign keys: written on the online redemption's path, one per voucher (see migration ForeignKeys).
@Index('redemption_lines_partner_serial_uq', ['partnerId', 'serialNumber'], { unique: true })
@Index('redemption_lines_business_date_idx', ['businessDate'])
@Index('redemption_lines_created_xid_idx', ['createdXid', 'id'])
export class RedemptionLineEntity {
  /** Time-ordered (UUID v7): a night's clearings, keyed by their lines, go in at the end of their index. */
  @PrimaryColumn({ type: 'uuid', default: () => 'uuidv7()' })
  id!: string;

  @Column({ name: 'operation_id', type: 'uuid' })
  operationId!: string;

  @Column({ name: 'partner_id', type: 'uuid' })
  partnerId!: string;

  /**
   * Our voucher. Null only on lines written before a voucher not sold through us got none (it now waits for an
   * operator at redemption: libs/operations, `redemption_mismatch`).
   */
  @Column({ name: 'voucher_id', type: 'uuid', nullable: true })
  voucherId!: string | null;

  @Column({ name: 'serial_number', type: 'varchar', length: 32 })
  serialNumber!: string;

  @Column({ name: 'item_id', type: 'varchar', length: 32 })
  itemId!: string;

  @Column({ name: 'is_paid', type: 'boolean' })
  isPaid!: boolean;

  @Column({ type: 'bigint', transformer: twdColumn })
  cost!: number;

  /**
   * The voucher's product name and profit sharing as sold, copied from the voucher when the line is written
   * (they never change after the sale): settlement reads a night's lines without looking up every voucher.
   * Null with the voucher (not sold through us). Filled by the INSERT itself, so callers leave them out.
   */
  @Column({ name: 'item_name', type: 'varchar', length: 200, nullable: true })
  itemName?: string | null;

  @Column({
    name: 'sharing_headquarters',
    type: 'numeric',
    precision: 7,
    scale: SHARING_SCALE,
    nullable: true,
  })
  sharingHeadquarters?: string | null;

  @Column({ name: 'sharing_sales', type: 'numeric', precision: 7, scale: SHARING_SCALE, nullable: true })
  sharingSales?: string | null;

  @Column({
    name: 'sharing_reimbursement',
    type: 'numeric',
    precision: 7,
    scale: SHARING_SCALE,
    nullable: true,
  })
  sharingReimbursement?: string | null;

  @Column({ name: 'gateway_sharing', type: 'jsonb', nullable: true })
  gatewaySharing!: Record<string, unknown> | null;

  @Column({ name: 'gateway_fee', type: 'jsonb', nullable: true })
  gatewayFee!: FeeObjectJson | null;

  /** Our fee-engine result from the issuer's schedule in force on the redemption date. */
  @Column({ name: 'our_fee', type: 'jsonb', nullable: true })
  ourFee!: FeeObjectJson | null;

  /**
   * An operator accepted the gateway's split for this line (`our_fee` is then the gateway's): settlement clears
   * it with that split instead of its own, once it checks it is a split of the line's value.
   */
  @Column({ name: 'fee_accepted', type: 'boolean', default: false })
  feeAccepted?: boolean;

  /** Why the line cannot be cleared as it is (fee mismatch, no schedule); null when clean. */
  @Column({ name: 'fee_issue', type: 'varchar', length: 200, nullable: true })
  feeIssue!: string | null;

  /** `store:<store_uid>` or `dealer:<no>`. */
  @Column({ name: 'sales_point', type: 'varchar', length: 80 })
  salesPoint!: string;

  @Column({ name: 'redemption_point', type: 'varchar', length: 80 })
  redemptionPoint!: string;

  @Column({ name: 'redeemed_at', type: 'timestamptz' })
  redeemedAt!: Date;

  /** The Taiwan business date of `redeemed_at`: the settlement period it belongs to. */
  @Column({ name: 'business_date', type: 'date' })
  businessDate!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /**
   * The transaction that wrote the line, set by the database: settlement reads the lines written since its
   * last run's horizon in this order (see libs/settlement, clearing). Never written by the application.
   */
  @Column({
    name: 'created_xid',
    type: 'bigint',
    default: () => 'current_xid()',
    insert: false,
    update: false,
    select: false,
  })
  createdXid?: string;
}
