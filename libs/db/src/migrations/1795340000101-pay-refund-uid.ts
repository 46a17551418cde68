import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A gateway refund (`refund_uid`, kept in `gateway_uid`) belongs to at most one money refund of a partner: two
 * refunds whose answers were lost, settled by query at the same time, cannot both claim the same one.
 */
export class PayRefundUid1795340000101 implements MigrationInterface {
  name = 'PayRefundUid1795340000101';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE UNIQUE INDEX "operations_pay_refund_uid_uq" ON "operations" ("partner_id", "gateway_uid") WHERE "kind" = 'pay_refund'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."operations_pay_refund_uid_uq"');
  }
}
