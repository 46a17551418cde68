import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix time in milliseconds, then the version and variant bits over
 * random ones. The body of the `uuidv7()` this migration defines where PostgreSQL (before 18) has none.
 */
export const UUIDV7_SQL = `encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) PLACING
  substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6),
  52, 1), 53, 1), 'hex')::uuid`;

/**
 * The indexes a night's clearing writes a million times, made cheaper (figures: docs/benchmarks.md).
 *
 * - `(kind, reference)` stays unique for every kind but `clearing`. A clearing entry's reference is its
 *   redemption line, and the entry is written only with that line's row in `clearings`, in the same
 *   transaction, whose primary key already makes it once per line: a second unique index over the same ids,
 *   as text, checked nothing more at a large cost per row.
 * - The `run_id` indexes of `clearings` and `journal_entries` become BRIN bloom indexes. A run's rows are
 *   written together, so each range of pages holds one run or two: a bloom filter per range finds them
 *   exactly, for almost nothing per row written, where a B-tree took an index entry per row. They are read
 *   once per run (its summary, its batches, its exports), never row by row. A range is summarized once it is
 *   full (autosummarize): until then a lookup reads it whole, and it holds the latest run, the one looked up.
 * - Redemption line ids become time-ordered (UUID version 7). A clearing is keyed by its line: with random
 *   ids, each night's million clearings go into random leaves of an index that grows every night (and each
 *   leaf touched after a checkpoint is written whole to the WAL); with time-ordered ids they go in near its
 *   end, as the lines themselves do.
 * - Run ids become time-ordered too, so that the order of run ids is the order of the rows on disk. The
 *   planner prices a BRIN lookup by that correlation: with random run ids it priced the lookups of a few runs
 *   out of a year of them as a scan of the whole table each, and read the whole journal for a week's export.
 *   Nothing depends on the order but the plans. PostgreSQL 18 has `uuidv7()`; on an older server the migration
 *   defines the same function.
 */
export class ClearingWriteIndexes1795330000003 implements MigrationInterface {
  name = 'ClearingWriteIndexes1795330000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DO $$ BEGIN
      IF to_regproc('uuidv7') IS NULL THEN
        CREATE FUNCTION public.uuidv7() RETURNS uuid LANGUAGE sql VOLATILE AS $body$ SELECT ${UUIDV7_SQL} $body$;
      END IF;
    END $$`);
    for (const table of ['redemption_lines', 'settlement_runs'])
      await queryRunner.query(`ALTER TABLE "${table}" ALTER COLUMN "id" SET DEFAULT uuidv7()`);
    await queryRunner.query('DROP INDEX "public"."journal_entries_kind_reference_uq"');
    await queryRunner.query(
      `CREATE UNIQUE INDEX "journal_entries_kind_reference_uq" ON "journal_entries" ("kind", "reference") WHERE kind <> 'clearing'`,
    );
    for (const table of ['clearings', 'journal_entries']) {
      await queryRunner.query(`DROP INDEX "public"."${table}_run_idx"`);
      await queryRunner.query(
        `CREATE INDEX "${table}_run_idx" ON "${table}"
           USING brin ("run_id" uuid_bloom_ops (n_distinct_per_range = 16)) WITH (autosummarize = on)`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['redemption_lines', 'settlement_runs'])
      await queryRunner.query(`ALTER TABLE "${table}" ALTER COLUMN "id" SET DEFAULT gen_random_uuid()`);
    // Only an older server has it in public (PostgreSQL 18's own is in pg_catalog).
    await queryRunner.query('DROP FUNCTION IF EXISTS public.uuidv7()');
    for (const table of ['clearings', 'journal_entries']) {
      await queryRunner.query(`DROP INDEX "public"."${table}_run_idx"`);
      await queryRunner.query(`CREATE INDEX "${table}_run_idx" ON "${table}" ("run_id")`);
    }
    await queryRunner.query('DROP INDEX "public"."journal_entries_kind_reference_uq"');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "journal_entries_kind_reference_uq" ON "journal_entries" ("kind", "reference")',
    );
  }
}
