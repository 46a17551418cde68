import type { MigrationInterface, QueryRunner } from 'typeorm';

const KINDS = `'late_outcome', 'paid_mismatch', 'payout_batch_parked', 'payout_item_refused', 'redemption_mismatch', 'settlement_hold', 'operation_overdue', 'partner_report_flagged', 'books_gateway_difference'`;

/**
 * The daily reconciliation of the books with the gateway (BooksGatewayReconciliationEntity): one row per
 * business date and paying merchant. Operator items admit only the kinds of `operatorItemKinds`
 * (src/state-checks.ts), `books_gateway_difference` among them.
 */
export class BooksGatewayReconciliation1795340000300 implements MigrationInterface {
  name = 'BooksGatewayReconciliation1795340000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "books_gateway_reconciliations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "business_date" date NOT NULL, "merchant_uid" character varying(32) NOT NULL, "source" character varying(200) NOT NULL, "books_held" bigint NOT NULL, "gateway_held" bigint, "counts" jsonb NOT NULL, "differences" jsonb NOT NULL, "difference_count" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_books_gateway_reconciliations" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "books_gateway_reconciliations_date_merchant_uq" ON "books_gateway_reconciliations" ("business_date", "merchant_uid") ',
    );
    await queryRunner.query(
      `ALTER TABLE "operator_items" ADD CONSTRAINT "operator_items_kind_check" CHECK ("kind" IN (${KINDS}))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "operator_items" DROP CONSTRAINT "operator_items_kind_check"');
    await queryRunner.query('DROP INDEX "public"."books_gateway_reconciliations_date_merchant_uq"');
    await queryRunner.query('DROP TABLE "books_gateway_reconciliations"');
  }
}
