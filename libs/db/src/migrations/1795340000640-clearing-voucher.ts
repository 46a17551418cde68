import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `clearings.voucher_id`: the cleared line's voucher, copied by the clearing from the line it reads. A night's
 * releases from the trust (libs/settlement/src/balances/trust-held.ts) are then its run's clearings, with no
 * lookup of a million lines by key. Clearings written before stay NULL: the readers look their line up.
 */
export class ClearingVoucher1795340000640 implements MigrationInterface {
  name = 'ClearingVoucher1795340000640';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "clearings" ADD "voucher_id" uuid`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "clearings" DROP COLUMN "voucher_id"`);
  }
}
