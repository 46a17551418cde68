import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1795308796791 implements MigrationInterface {
  name = 'Initial1795308796791';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "fee_schedules" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "issuer_id" character varying(64) NOT NULL, "effective_from" date NOT NULL, "escrow_rate" numeric(9,6) NOT NULL, "gateway_rate" numeric(9,6) NOT NULL, "issuance_fee" bigint NOT NULL, "issuance_layer" smallint NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ae001408545ef0d0ed96d84662f" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "fee_schedules_issuer_effective_uq" ON "fee_schedules"  ("issuer_id", "effective_from") ',
    );
    await queryRunner.query(
      'CREATE TABLE "gateway_notifications" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "dedupe_key" character varying(64) NOT NULL, "kind" character varying(20) NOT NULL, "order_id" character varying(64), "code" character varying(10), "payload" jsonb NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "outcome" character varying(20), CONSTRAINT "PK_702ec40bf09158c0924bcd6125e" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "gateway_notifications_dedupe_uq" ON "gateway_notifications"  ("dedupe_key") ',
    );
    await queryRunner.query(
      'CREATE TABLE "partner_notifications" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "partner_id" uuid NOT NULL, "operation_id" uuid NOT NULL, "event" character varying(20) NOT NULL, "payload" jsonb NOT NULL, "state" character varying(12) NOT NULL DEFAULT \'pending\', "attempts" integer NOT NULL DEFAULT \'0\', "last_error" character varying(500), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "delivered_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_c740b17cfc07d6e14114f96ef65" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "partner_notifications_operation_event_uq" ON "partner_notifications"  ("operation_id", "event") ',
    );
    await queryRunner.query(
      'CREATE TABLE "idempotency_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "partner_id" uuid NOT NULL, "key" character varying(100) NOT NULL, "request_hash" character varying(64) NOT NULL, "status_code" integer, "response" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8ad20779ad0411107a56e53d0f6" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "idempotency_keys_partner_key_uq" ON "idempotency_keys"  ("partner_id", "key") ',
    );
    await queryRunner.query(
      'CREATE TABLE "operations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "partner_id" uuid NOT NULL, "order_id" character varying(64) NOT NULL, "upstream_order_id" character varying(50) NOT NULL, "kind" character varying(12) NOT NULL, "command" character varying(40) NOT NULL, "request_hash" character varying(64) NOT NULL, "request" jsonb NOT NULL, "state" character varying(20) NOT NULL, "gateway_code" character varying(10), "gateway_uid" character varying(64), "gateway_key" character varying(128), "response" jsonb, "reconcile_attempts" integer NOT NULL DEFAULT \'0\', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "completed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_7b62d84d6f9912b975987165856" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "operations_state_idx" ON "operations"  ("state", "updated_at") ');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "operations_upstream_order_uq" ON "operations"  ("upstream_order_id") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "operations_partner_order_uq" ON "operations"  ("partner_id", "order_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "partners" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "partner_uid" character varying(32) NOT NULL, "mode" character varying(8) NOT NULL, "name" character varying(200) NOT NULL, "notify_url" character varying(500), "upstream_mode" character varying(8) NOT NULL, "upstream_uid" character varying(32) NOT NULL, "issuer_id" character varying(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_998645b20820e4ab99aeae03b41" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "partners_uid_uq" ON "partners"  ("partner_uid") ');
    await queryRunner.query(
      'CREATE TABLE "partner_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "partner_id" uuid NOT NULL, "purpose" character varying(8) NOT NULL, "key_id" character varying(64) NOT NULL, "secret_sealed" text NOT NULL, "valid_from" TIMESTAMP WITH TIME ZONE NOT NULL, "valid_until" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_d28b4e8ed3e13c423798d2fd1a5" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "partner_keys_key_uq" ON "partner_keys"  ("partner_id", "purpose", "key_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "partner_api_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "partner_id" uuid NOT NULL, "prefix" character varying(16) NOT NULL, "key_hash" character varying(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_414d0b464f3d7e36ffb871030a0" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "partner_api_keys_hash_uq" ON "partner_api_keys"  ("key_hash") ',
    );
    await queryRunner.query(
      'CREATE TABLE "partner_points" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "partner_id" uuid NOT NULL, "kind" character varying(8) NOT NULL, "point_ref" character varying(64) NOT NULL, "name" character varying(200) NOT NULL, "payout_account" character varying(64), CONSTRAINT "PK_6108fbbc34adab1bc0dcb54158b" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "partner_points_ref_uq" ON "partner_points"  ("partner_id", "kind", "point_ref") ',
    );
    await queryRunner.query(
      'CREATE TABLE "redemption_lines" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "operation_id" uuid NOT NULL, "partner_id" uuid NOT NULL, "voucher_id" uuid, "serial_number" character varying(32) NOT NULL, "item_id" character varying(32) NOT NULL, "is_paid" boolean NOT NULL, "cost" bigint NOT NULL, "gateway_sharing" jsonb, "gateway_fee" jsonb, "our_fee" jsonb, "fee_issue" character varying(200), "sales_point" character varying(80) NOT NULL, "redemption_point" character varying(80) NOT NULL, "redeemed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "business_date" date NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_693e43d07e22cc177e661ca942c" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "redemption_lines_business_date_idx" ON "redemption_lines"  ("business_date") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "redemption_lines_partner_serial_uq" ON "redemption_lines"  ("partner_id", "serial_number") ',
    );
    await queryRunner.query(
      'CREATE TABLE "vouchers" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "partner_id" uuid NOT NULL, "purchase_operation_id" uuid NOT NULL, "item_id" character varying(32) NOT NULL, "item_name" character varying(200) NOT NULL, "serial_number" character varying(32) NOT NULL, "is_paid" boolean NOT NULL, "price" bigint NOT NULL, "cost" bigint NOT NULL, "sharing_headquarters" numeric(7,6) NOT NULL, "sharing_sales" numeric(7,6) NOT NULL, "sharing_reimbursement" numeric(7,6) NOT NULL, "trust_end_date" date NOT NULL, "validity_end_date" date NOT NULL, "sales_point" character varying(64) NOT NULL, "state" character varying(16) NOT NULL, "holder_operation_id" uuid, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ed1b7dd909a696560763acdbc04" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "vouchers_purchase_idx" ON "vouchers"  ("purchase_operation_id") ');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "vouchers_partner_serial_uq" ON "vouchers"  ("partner_id", "serial_number") ',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."vouchers_partner_serial_uq"');
    await queryRunner.query('DROP INDEX "public"."vouchers_purchase_idx"');
    await queryRunner.query('DROP TABLE "vouchers"');
    await queryRunner.query('DROP INDEX "public"."redemption_lines_partner_serial_uq"');
    await queryRunner.query('DROP INDEX "public"."redemption_lines_business_date_idx"');
    await queryRunner.query('DROP TABLE "redemption_lines"');
    await queryRunner.query('DROP INDEX "public"."partner_points_ref_uq"');
    await queryRunner.query('DROP TABLE "partner_points"');
    await queryRunner.query('DROP INDEX "public"."partner_api_keys_hash_uq"');
    await queryRunner.query('DROP TABLE "partner_api_keys"');
    await queryRunner.query('DROP INDEX "public"."partner_keys_key_uq"');
    await queryRunner.query('DROP TABLE "partner_keys"');
    await queryRunner.query('DROP INDEX "public"."partners_uid_uq"');
    await queryRunner.query('DROP TABLE "partners"');
    await queryRunner.query('DROP INDEX "public"."operations_partner_order_uq"');
    await queryRunner.query('DROP INDEX "public"."operations_upstream_order_uq"');
    await queryRunner.query('DROP INDEX "public"."operations_state_idx"');
    await queryRunner.query('DROP TABLE "operations"');
    await queryRunner.query('DROP INDEX "public"."idempotency_keys_partner_key_uq"');
    await queryRunner.query('DROP TABLE "idempotency_keys"');
    await queryRunner.query('DROP INDEX "public"."partner_notifications_operation_event_uq"');
    await queryRunner.query('DROP TABLE "partner_notifications"');
    await queryRunner.query('DROP INDEX "public"."gateway_notifications_dedupe_uq"');
    await queryRunner.query('DROP TABLE "gateway_notifications"');
    await queryRunner.query('DROP INDEX "public"."fee_schedules_issuer_effective_uq"');
    await queryRunner.query('DROP TABLE "fee_schedules"');
  }
}
