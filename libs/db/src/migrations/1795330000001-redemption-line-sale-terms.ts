import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A redemption line carries its voucher's product name and sharing as sold, so that settlement reads a night's
 * lines without a lookup per voucher (the lookup was an eighth of clearing's database time). Lines written
 * before are filled from their vouchers.
 */
export class RedemptionLineSaleTerms1795330000001 implements MigrationInterface {
  name = 'RedemptionLineSaleTerms1795330000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "redemption_lines" ADD "item_name" character varying(200)');
    await queryRunner.query('ALTER TABLE "redemption_lines" ADD "sharing_headquarters" numeric(7,6)');
    await queryRunner.query('ALTER TABLE "redemption_lines" ADD "sharing_sales" numeric(7,6)');
    await queryRunner.query('ALTER TABLE "redemption_lines" ADD "sharing_reimbursement" numeric(7,6)');
    await queryRunner.query(
      `UPDATE redemption_lines rl
          SET item_name = v.item_name, sharing_headquarters = v.sharing_headquarters,
              sharing_sales = v.sharing_sales, sharing_reimbursement = v.sharing_reimbursement
         FROM vouchers v WHERE v.id = rl.voucher_id`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "redemption_lines" DROP COLUMN "sharing_reimbursement"');
    await queryRunner.query('ALTER TABLE "redemption_lines" DROP COLUMN "sharing_sales"');
    await queryRunner.query('ALTER TABLE "redemption_lines" DROP COLUMN "sharing_headquarters"');
    await queryRunner.query('ALTER TABLE "redemption_lines" DROP COLUMN "item_name"');
  }
}
