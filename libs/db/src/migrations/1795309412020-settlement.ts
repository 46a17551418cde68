import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Settlement1795309412020 implements MigrationInterface {
  name = 'Settlement1795309412020';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "settlement_runs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "period_start" date NOT NULL, "period_end" date NOT NULL, "state" character varying(16) NOT NULL, "summary" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8f6ed8b9e1f399dd30ce2e39745" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "settlement_runs_period_uq" ON "settlement_runs"  ("period_start", "period_end") ',
    );
    await queryRunner.query(
      'CREATE TABLE "clearings" ("redemption_line_id" uuid NOT NULL, "run_id" uuid NOT NULL, "partner_id" uuid NOT NULL, "serial_number" character varying(32) NOT NULL, "product" character varying(200) NOT NULL, "business_date" date NOT NULL, "is_paid" boolean NOT NULL, "cost" bigint NOT NULL, "escrow_fee" bigint NOT NULL, "gateway_fee" bigint NOT NULL, "issuance_fee" bigint NOT NULL, "issuance_layer" smallint NOT NULL, "headquarters" bigint NOT NULL, "sales" bigint NOT NULL, "reimbursement" bigint NOT NULL, "headquarters_party" character varying(80) NOT NULL, "sales_party" character varying(80) NOT NULL, "reimbursement_party" character varying(80) NOT NULL, CONSTRAINT "PK_4877f67f56c7bab0e7747735f8c" PRIMARY KEY ("redemption_line_id"))',
    );
    await queryRunner.query('CREATE INDEX "clearings_run_idx" ON "clearings"  ("run_id") ');
    await queryRunner.query(
      'CREATE TABLE "settlement_holds" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "run_id" uuid NOT NULL, "redemption_line_id" uuid NOT NULL, "serial_number" character varying(32) NOT NULL, "reason" character varying(200) NOT NULL, CONSTRAINT "PK_33d9e904899bbb2f7e2b6554dce" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "settlement_holds_run_line_uq" ON "settlement_holds"  ("run_id", "redemption_line_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "journal_entries" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "run_id" uuid, "kind" character varying(20) NOT NULL, "reference" character varying(80) NOT NULL, "business_date" date NOT NULL, "corrects_entry_id" bigint, "description" character varying(200) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a70368e64230434457c8d007ab3" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "journal_entries_run_idx" ON "journal_entries"  ("run_id") ');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "journal_entries_kind_reference_uq" ON "journal_entries"  ("kind", "reference") ',
    );
    await queryRunner.query(
      'CREATE TABLE "journal_lines" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "entry_id" bigint NOT NULL, "account" character varying(40) NOT NULL, "ledger" character varying(16), "party" character varying(80), "amount" bigint NOT NULL, "serial_number" character varying(32), CONSTRAINT "PK_70cba2da4588cee8921f73ef136" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "payables" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "run_id" uuid NOT NULL, "paying_merchant" character varying(32) NOT NULL, "party" character varying(80) NOT NULL, "role" character varying(16) NOT NULL, "amount" bigint NOT NULL, "item_id" uuid, "paid_by_item_id" uuid, CONSTRAINT "PK_33adb2ad800095b1f556f01b2c3" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "payables_run_party_role_uq" ON "payables"  ("run_id", "party", "role") ',
    );
    await queryRunner.query(
      'CREATE TABLE "payout_batches" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "run_id" uuid NOT NULL, "paying_merchant" character varying(32) NOT NULL, "group_id" character varying(50) NOT NULL, "state" character varying(20) NOT NULL, "gateway_code" character varying(10), "covering_attempts" integer NOT NULL DEFAULT \'0\', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_aa57cb1e16d39cc0d41083145e4" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "payout_batches_run_merchant_uq" ON "payout_batches"  ("run_id", "paying_merchant") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "payout_batches_group_uq" ON "payout_batches"  ("group_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "payout_items" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "batch_id" uuid NOT NULL, "item_id" character varying(50) NOT NULL, "party" character varying(80) NOT NULL, "payee_account" character varying(64) NOT NULL, "amount" bigint NOT NULL, "state" character varying(20) NOT NULL, "gateway_code" character varying(10), "gateway_message" character varying(200), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_35112a1761045ac8fae40784723" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "payout_items_batch_idx" ON "payout_items"  ("batch_id") ');
    await queryRunner.query('CREATE UNIQUE INDEX "payout_items_item_uq" ON "payout_items"  ("item_id") ');
    await queryRunner.query('ALTER TABLE "partners" ADD "headquarters_payout_account" character varying(64)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "partners" DROP COLUMN "headquarters_payout_account"');
    await queryRunner.query('DROP INDEX "public"."payout_items_item_uq"');
    await queryRunner.query('DROP INDEX "public"."payout_items_batch_idx"');
    await queryRunner.query('DROP TABLE "payout_items"');
    await queryRunner.query('DROP INDEX "public"."payout_batches_group_uq"');
    await queryRunner.query('DROP INDEX "public"."payout_batches_run_merchant_uq"');
    await queryRunner.query('DROP TABLE "payout_batches"');
    await queryRunner.query('DROP INDEX "public"."payables_run_party_role_uq"');
    await queryRunner.query('DROP TABLE "payables"');
    await queryRunner.query('DROP TABLE "journal_lines"');
    await queryRunner.query('DROP INDEX "public"."journal_entries_kind_reference_uq"');
    await queryRunner.query('DROP INDEX "public"."journal_entries_run_idx"');
    await queryRunner.query('DROP TABLE "journal_entries"');
    await queryRunner.query('DROP INDEX "public"."settlement_holds_run_line_uq"');
    await queryRunner.query('DROP TABLE "settlement_holds"');
    await queryRunner.query('DROP INDEX "public"."clearings_run_idx"');
    await queryRunner.query('DROP TABLE "clearings"');
    await queryRunner.query('DROP INDEX "public"."settlement_runs_period_uq"');
    await queryRunner.query('DROP TABLE "settlement_runs"');
  }
}
