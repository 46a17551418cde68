import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Clearing reads only what is new since the last run, not every line ever redeemed. A redemption line records
 * the transaction that wrote it (`created_xid`), each run records the horizon below which it examined every
 * line (`settlement_runs.clearing_horizon`), and lines a run examined but could not clear (held, or redeemed
 * after its period) wait in `clearing_backlog`. The next run reads the backlog and the lines written from the
 * last horizon on: a night's work no longer grows with the history of the database. Lines written before this
 * migration share its transaction id, so the first run after it reads them all, as before.
 */
export class ClearingCursor1795330000002 implements MigrationInterface {
  name = 'ClearingCursor1795330000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The id as bigint (xid8 has no bigint cast, nor TypeORM a column type for it); a function, so that the
    // column's default reads the same in the entity and in the catalog.
    await queryRunner.query(
      `CREATE FUNCTION current_xid() RETURNS bigint LANGUAGE sql VOLATILE
         AS 'SELECT pg_current_xact_id()::text::bigint'`,
    );
    await queryRunner.query(
      'ALTER TABLE "redemption_lines" ADD "created_xid" bigint NOT NULL DEFAULT current_xid()',
    );
    await queryRunner.query(
      'CREATE INDEX "redemption_lines_created_xid_idx" ON "redemption_lines" ("created_xid", "id") ',
    );
    await queryRunner.query('ALTER TABLE "settlement_runs" ADD "clearing_horizon" bigint');
    await queryRunner.query(
      'CREATE TABLE "clearing_backlog" ("redemption_line_id" uuid NOT NULL, "run_id" uuid NOT NULL, CONSTRAINT "PK_clearing_backlog" PRIMARY KEY ("redemption_line_id"))',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "clearing_backlog"');
    await queryRunner.query('ALTER TABLE "settlement_runs" DROP COLUMN "clearing_horizon"');
    await queryRunner.query('DROP INDEX "public"."redemption_lines_created_xid_idx"');
    await queryRunner.query('ALTER TABLE "redemption_lines" DROP COLUMN "created_xid"');
    await queryRunner.query('DROP FUNCTION current_xid()');
  }
}
