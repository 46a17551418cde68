import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A report secret names its partner; a partner's report format is one the delivery knows. */
export class PartnerReportConstraints1795340000022 implements MigrationInterface {
  name = 'PartnerReportConstraints1795340000022';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "partner_report_secrets" ADD CONSTRAINT "partner_report_secrets_partner_fk" FOREIGN KEY ("partner_id") REFERENCES "partners"("id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      `ALTER TABLE "partners" ADD CONSTRAINT "partners_report_format_check" CHECK ("report_format" IN ('form', 'json'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "partners" DROP CONSTRAINT "partners_report_format_check"');
    await queryRunner.query(
      'ALTER TABLE "partner_report_secrets" DROP CONSTRAINT "partner_report_secrets_partner_fk"',
    );
  }
}
