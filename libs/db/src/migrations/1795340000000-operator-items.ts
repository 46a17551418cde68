import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The operators' queue (OperatorItemEntity): what the engine will not decide alone waits here for a person, one
 * open item per (kind, reference).
 */
export class OperatorItems1795340000000 implements MigrationInterface {
  name = 'OperatorItems1795340000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "operator_items" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" character varying(40) NOT NULL, "reference" character varying(120) NOT NULL, "partner_id" uuid, "state" character varying(12) NOT NULL DEFAULT \'open\', "details" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "resolved_at" TIMESTAMP WITH TIME ZONE, "resolved_by" character varying(100), "resolution" character varying(40), CONSTRAINT "PK_4b2ee22023fbe842c074adfe94d" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "operator_items_state_idx" ON "operator_items"  ("state", "created_at") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "operator_items_open_uq" ON "operator_items"  ("kind", "reference") WHERE "state" = \'open\'',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."operator_items_open_uq"');
    await queryRunner.query('DROP INDEX "public"."operator_items_state_idx"');
    await queryRunner.query('DROP TABLE "operator_items"');
  }
}
