import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The columns that hold a party of the ledgers (`hq:<uid>`, `<partner uid>:<kind>:<point>`). */
const PARTY_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['clearings', 'headquarters_party'],
  ['clearings', 'sales_party'],
  ['clearings', 'reimbursement_party'],
  ['journal_lines', 'party'],
  ['payables', 'party'],
  ['payout_items', 'party'],
];

/**
 * Parties belong to a partner, and a payee may be owed through two merchants.
 *
 * - A point's party carries its partner's uid (`<partner uid>:dealer:<no>`), so it is up to 33 characters
 *   longer than the point it names (at most 80): the party columns go to 120. Widening a varchar rewrites
 *   neither the table nor its indexes.
 * - `payables` is unique by (run, paying merchant, party, role): one party owed through two merchants in a run
 *   keeps both payables, each paid by its own merchant's batch.
 * - `payout_batches.revision` counts the times a batch was re-formed without items whose payee account the
 *   gateway refused; its group_id is derived from it.
 */
export class PartnerParties1795340000003 implements MigrationInterface {
  name = 'PartnerParties1795340000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [table, column] of PARTY_COLUMNS)
      await queryRunner.query(`ALTER TABLE "${table}" ALTER COLUMN "${column}" TYPE character varying(120)`);
    await queryRunner.query('DROP INDEX "public"."payables_run_party_role_uq"');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "payables_run_merchant_party_role_uq" ON "payables" ("run_id", "paying_merchant", "party", "role") ',
    );
    await queryRunner.query(`ALTER TABLE "payout_batches" ADD "revision" integer NOT NULL DEFAULT '0'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "payout_batches" DROP COLUMN "revision"');
    await queryRunner.query('DROP INDEX "public"."payables_run_merchant_party_role_uq"');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "payables_run_party_role_uq" ON "payables" ("run_id", "party", "role") ',
    );
    for (const [table, column] of PARTY_COLUMNS)
      await queryRunner.query(`ALTER TABLE "${table}" ALTER COLUMN "${column}" TYPE character varying(80)`);
  }
}
