import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The daily reconciliation of payments with the gateway's `queryorder` (PaymentsReconciliationEntity,
 * libs/settlement payments/): one row per business date. Its operator items reuse `books_gateway_difference`
 * (reference `payments:<date>`): the kinds' CHECK is created by a later migration (…300) with a fixed list.
 */
export class PaymentsLedger1795340000120 implements MigrationInterface {
  name = 'PaymentsLedger1795340000120';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "payments_reconciliations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "business_date" date NOT NULL, "checked" integer NOT NULL, "query_limit" integer NOT NULL, "unchecked" integer NOT NULL, "differences" jsonb NOT NULL, "difference_count" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_payments_reconciliations" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "payments_reconciliations_date_uq" ON "payments_reconciliations" ("business_date") ',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."payments_reconciliations_date_uq"');
    await queryRunner.query('DROP TABLE "payments_reconciliations"');
  }
}
