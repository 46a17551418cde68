import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `clearing_fee_sums`: per clearing chunk, the escrow and gateway fees of its paid vouchers by redemption date
 * and partner, written in the chunk's transaction with its clearings. The run's `fee_kept` entries (the fees
 * the gateway kept, out of the receivable) are summed from these few rows, not from a night's million
 * clearings again.
 */
export class ClearingFeeSums1795340000201 implements MigrationInterface {
  name = 'ClearingFeeSums1795340000201';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "clearing_fee_sums" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "run_id" uuid NOT NULL, "business_date" date NOT NULL, "partner_id" uuid NOT NULL, "vouchers" integer NOT NULL, "escrow_fee" bigint NOT NULL, "gateway_fee" bigint NOT NULL, CONSTRAINT "PK_clearing_fee_sums" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "clearing_fee_sums_run_idx" ON "clearing_fee_sums" ("run_id") ');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."clearing_fee_sums_run_idx"');
    await queryRunner.query('DROP TABLE "clearing_fee_sums"');
  }
}
