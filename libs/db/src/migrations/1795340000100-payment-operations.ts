import type { MigrationInterface, QueryRunner } from 'typeorm';

const PURCHASE = `'created', 'submitted', 'awaiting_payment', 'outcome_unknown', 'paid', 'paid_mismatch', 'failed', 'expired', 'cancelled'`;
const GATEWAY_CALL = `'recorded', 'submitted', 'outcome_unknown', 'succeeded', 'failed'`;
const PAID_ORDERS = `'purchase', 'payment'`;

/**
 * PayPage operations in the operations table: `payment` (api/orders, the purchase machine), `pay_refund`
 * (api/refund, api/esvcrefund) and `pay_action` (the other PayPage writes), both gateway calls. A partner names
 * a paid order by the gateway's uid, hence the index on (partner_id, gateway_uid).
 */
export class PaymentOperations1795340000100 implements MigrationInterface {
  name = 'PaymentOperations1795340000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "operations" DROP CONSTRAINT "operations_kind_check"');
    await queryRunner.query('ALTER TABLE "operations" DROP CONSTRAINT "operations_purchase_state_check"');
    await queryRunner.query('ALTER TABLE "operations" DROP CONSTRAINT "operations_call_state_check"');
    await queryRunner.query(
      `ALTER TABLE "operations" ADD CONSTRAINT "operations_kind_check" CHECK ("kind" IN ('purchase', 'redemption', 'refund', 'payment', 'pay_refund', 'pay_action'))`,
    );
    await queryRunner.query(
      `ALTER TABLE "operations" ADD CONSTRAINT "operations_purchase_state_check" CHECK (NOT "kind" IN (${PAID_ORDERS}) OR "state" IN (${PURCHASE}))`,
    );
    await queryRunner.query(
      `ALTER TABLE "operations" ADD CONSTRAINT "operations_call_state_check" CHECK ("kind" IN (${PAID_ORDERS}) OR "state" IN (${GATEWAY_CALL}))`,
    );
    await queryRunner.query(
      'CREATE INDEX "operations_partner_gateway_uid_idx" ON "operations" ("partner_id", "gateway_uid")',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."operations_partner_gateway_uid_idx"');
    await queryRunner.query('ALTER TABLE "operations" DROP CONSTRAINT "operations_call_state_check"');
    await queryRunner.query('ALTER TABLE "operations" DROP CONSTRAINT "operations_purchase_state_check"');
    await queryRunner.query('ALTER TABLE "operations" DROP CONSTRAINT "operations_kind_check"');
    await queryRunner.query(
      `ALTER TABLE "operations" ADD CONSTRAINT "operations_kind_check" CHECK ("kind" IN ('purchase', 'redemption', 'refund'))`,
    );
    await queryRunner.query(
      `ALTER TABLE "operations" ADD CONSTRAINT "operations_purchase_state_check" CHECK ("kind" <> 'purchase' OR "state" IN (${PURCHASE}))`,
    );
    await queryRunner.query(
      `ALTER TABLE "operations" ADD CONSTRAINT "operations_call_state_check" CHECK ("kind" = 'purchase' OR "state" IN (${GATEWAY_CALL}))`,
    );
  }
}
