import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A voucher keeps the first day of its trust period (`trust_start_date`), so a redemption before it is refused
 * (docs/protocol.md §7). Vouchers sold before take it from their purchase's request (the item of the same id);
 * one whose request does not say stays `NULL`: no lower bound.
 */
export class VoucherTrustStart1795340000110 implements MigrationInterface {
  name = 'VoucherTrustStart1795340000110';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "vouchers" ADD "trust_start_date" date`);
    await queryRunner.query(
      `UPDATE vouchers v SET trust_start_date = to_date(i.item ->> 'trust_start_date', 'YYYYMMDD')
         FROM operations o CROSS JOIN LATERAL jsonb_array_elements(
                CASE WHEN jsonb_typeof(o.request -> 'items') = 'array' THEN o.request -> 'items' ELSE '[]' END) AS i(item)
        WHERE o.id = v.purchase_operation_id AND i.item ->> 'id' = v.item_id
          AND i.item ->> 'trust_start_date' ~ '^[0-9]{8}$'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "vouchers" DROP COLUMN "trust_start_date"`);
  }
}
