import type { MigrationInterface, QueryRunner } from 'typeorm';

const BEFORE = `'reserved', 'issued', 'redeeming', 'redeem_unknown', 'redeemed', 'refunding', 'refund_unknown', 'refunded', 'void'`;

/**
 * A voucher's trust period can end with it unused: it moves `issued → expired` (docs/protocol.md §7). The
 * settlement's expiry step finds such vouchers by the end of their trust period, among the issued ones only
 * (a partial index: few vouchers are issued at once, and those are the ones it reads).
 */
export class VoucherExpired1795340000111 implements MigrationInterface {
  name = 'VoucherExpired1795340000111';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "vouchers" DROP CONSTRAINT "vouchers_state_check"`);
    await queryRunner.query(
      `ALTER TABLE "vouchers" ADD CONSTRAINT "vouchers_state_check" CHECK ("state" IN (${BEFORE}, 'expired'))`,
    );
    await queryRunner.query(
      `CREATE INDEX "vouchers_issued_trust_end_idx" ON "vouchers" ("trust_end_date") WHERE state = 'issued'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."vouchers_issued_trust_end_idx"`);
    await queryRunner.query(`ALTER TABLE "vouchers" DROP CONSTRAINT "vouchers_state_check"`);
    await queryRunner.query(
      `ALTER TABLE "vouchers" ADD CONSTRAINT "vouchers_state_check" CHECK ("state" IN (${BEFORE}))`,
    );
  }
}
