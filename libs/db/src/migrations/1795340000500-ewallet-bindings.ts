import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * E-wallet bindings reported by the gateway (EwalletBindingEntity, libs/operations `EwalletBindings`): one row per
 * partner, buyer and card, no secret in clear (the virtual card number's last four only).
 */
export class EwalletBindings1795340000500 implements MigrationInterface {
  name = 'EwalletBindings1795340000500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "ewallet_bindings" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "partner_id" uuid NOT NULL, "operation_id" uuid NOT NULL, "user_id" character varying(64) NOT NULL, "pfn" character varying(20) NOT NULL, "cardno_masked" character varying(19) NOT NULL, "virtual_pan_last4" character varying(4) NOT NULL, "enabled" boolean NOT NULL, "reported_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ewallet_bindings" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "ewallet_bindings_card_uq" ON "ewallet_bindings" ("partner_id", "user_id", "pfn", "cardno_masked", "virtual_pan_last4") ',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."ewallet_bindings_card_uq"');
    await queryRunner.query('DROP TABLE "ewallet_bindings"');
  }
}
