import type { MigrationInterface, QueryRunner } from 'typeorm';

/** [table, constraint, column]: each row of these tables is one partner's (its keys, API keys and points). */
const PARTNER_CHILDREN: ReadonlyArray<readonly [string, string, string]> = [
  ['partner_keys', 'partner_keys_partner_fk', 'partner_id'],
  ['partner_api_keys', 'partner_api_keys_partner_fk', 'partner_id'],
  ['partner_points', 'partner_points_partner_fk', 'partner_id'],
];

/**
 * A key, an API key or a point names a partner that exists, and a partner is not deleted from under them.
 * These rows are written by the partners CLI only; the hot paths read them and never lock a partner for them.
 */
export class PartnerChildForeignKeys1795340000053 implements MigrationInterface {
  name = 'PartnerChildForeignKeys1795340000053';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [table, name, column] of PARTNER_CHILDREN)
      await queryRunner.query(
        `ALTER TABLE "${table}" ADD CONSTRAINT "${name}" FOREIGN KEY ("${column}") REFERENCES "partners"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
      );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, name] of [...PARTNER_CHILDREN].reverse())
      await queryRunner.query(`ALTER TABLE "${table}" DROP CONSTRAINT "${name}"`);
  }
}
