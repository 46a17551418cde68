import type { MigrationInterface, QueryRunner } from 'typeorm';

export class VoucherHolderIndex1795311305983 implements MigrationInterface {
  name = 'VoucherHolderIndex1795311305983';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX "vouchers_holder_idx" ON "vouchers"  ("holder_operation_id") ');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."vouchers_holder_idx"');
  }
}
