import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { voucherStates } from '@tixclear/domain';
import { SHARING_SCALE, twdColumn } from '../columns';
import { inList } from '../state-checks';
import { OperationEntity } from './operation.entity';
import { PartnerEntity } from './partner.entity';

/**
 * One voucher (one serial) sold through a partner's purchase. Its `state` follows the voucher machine of
 * `@tixclear/domain`; every change is a conditional UPDATE on the expected state, so two concurrent
 * redemptions cannot both move it out of `issued`.
 */
@Entity({ name: 'vouchers' })
@Check('vouchers_state_check', inList('state', voucherStates))
@Index('vouchers_partner_serial_uq', ['partnerId', 'serialNumber'], { unique: true })
@Index('vouchers_purchase_idx', ['purchaseOperationId'])
// Every outcome of a redemption or refund finds its vouchers by the operation holding them.
@Index('vouchers_holder_idx', ['holderOperationId'])
// The settlement's expiry step reads the issued vouchers whose trust period has ended.
@Index('vouchers_issued_trust_end_idx', ['trustEndDate'], { where: `state = 'issued'` })
// With it, the vouchers sold and not yet ended (the console's trust check), never every voucher ever sold.
@Index('vouchers_in_flight_idx', ['state'], {
  where: `state IN ('redeeming', 'redeem_unknown', 'refunding', 'refund_unknown')`,
})
export class VoucherEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'partner_id', type: 'uuid' })
  @ForeignKey(() => PartnerEntity, { name: 'vouchers_partner_fk' })
  partnerId!: string;

  @Column({ name: 'purchase_operation_id', type: 'uuid' })
  @ForeignKey(() => OperationEntity, { name: 'vouchers_purchase_operation_fk' })
  purchaseOperationId!: string;

  @Column({ name: 'item_id', type: 'varchar', length: 32 })
  itemId!: string;

  @Column({ name: 'item_name', type: 'varchar', length: 200 })
  itemName!: string;

  @Column({ name: 'serial_number', type: 'varchar', length: 32 })
  serialNumber!: string;

  /** False for a gift voucher: it carries no money. */
  @Column({ name: 'is_paid', type: 'boolean' })
  isPaid!: boolean;

  @Column({ type: 'bigint', transformer: twdColumn })
  price!: number;

  /** The voucher's value (contained amount), the base of every fee and share. */
  @Column({ type: 'bigint', transformer: twdColumn })
  cost!: number;

  @Column({ name: 'sharing_headquarters', type: 'numeric', precision: 7, scale: SHARING_SCALE })
  sharingHeadquarters!: string;

  @Column({ name: 'sharing_sales', type: 'numeric', precision: 7, scale: SHARING_SCALE })
  sharingSales!: string;

  @Column({ name: 'sharing_reimbursement', type: 'numeric', precision: 7, scale: SHARING_SCALE })
  sharingReimbursement!: string;

  /** The trust period's first day; `null` for a voucher sold before it was kept (no lower bound then). */
  @Column({ name: 'trust_start_date', type: 'date', nullable: true })
  trustStartDate!: string | null;

  @Column({ name: 'trust_end_date', type: 'date' })
  trustEndDate!: string;

  @Column({ name: 'validity_end_date', type: 'date' })
  validityEndDate!: string;

  /** The sales point: the store that sold it (the purchasing partner's store uid). */
  @Column({ name: 'sales_point', type: 'varchar', length: 64 })
  salesPoint!: string;

  @Column({ type: 'varchar', length: 16 })
  state!: string;

  /**
   * The operation that holds it right now (redemption or refund in flight, or the one that completed). No
   * foreign key: every online redemption re-points it (see migration ForeignKeys).
   */
  @Column({ name: 'holder_operation_id', type: 'uuid', nullable: true })
  holderOperationId!: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
