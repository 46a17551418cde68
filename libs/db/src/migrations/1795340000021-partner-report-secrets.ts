import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed partner reports: each partner's report secrets (sealed under the master key; a rotation gives the
 * previous ones an expiry) and the body format of its reports (`form`, the gateway's shape, as before; `json`).
 */
export class PartnerReportSecrets1795340000021 implements MigrationInterface {
  name = 'PartnerReportSecrets1795340000021';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "partner_report_secrets" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "partner_id" uuid NOT NULL, "secret_sealed" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_b49450221efbae02852d344af80" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "partner_report_secrets_partner_idx" ON "partner_report_secrets"  ("partner_id", "created_at") ',
    );
    await queryRunner.query(
      `ALTER TABLE "partners" ADD "report_format" character varying(8) NOT NULL DEFAULT 'form'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "partners" DROP COLUMN "report_format"');
    await queryRunner.query('DROP INDEX "public"."partner_report_secrets_partner_idx"');
    await queryRunner.query('DROP TABLE "partner_report_secrets"');
  }
}
