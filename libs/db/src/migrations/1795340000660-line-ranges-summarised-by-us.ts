import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The journal lines' BRIN index summarises its new page ranges only when we ask (`autosummarize` off). An
 * automatic summary runs in an autovacuum worker, which PostgreSQL cancels as soon as our own summary (or any
 * lock that conflicts) waits on it; cancelled between the two steps of a range's summary, it leaves a
 * placeholder, and PostgreSQL 18.4 then matches every later range of that partition on every lookup
 * (docs/benchmarks.md, "A placeholder"). Our reads summarise first (`withIndexScans`), so nothing is lost.
 * A partitioned index's options cannot be altered: the index is built again, with the new option.
 */
export class LineRangesSummarisedByUs1795340000660 implements MigrationInterface {
  name = 'LineRangesSummarisedByUs1795340000660';

  async up(queryRunner: QueryRunner): Promise<void> {
    await rebuild(queryRunner, 'off');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await rebuild(queryRunner, 'on');
  }
}

async function rebuild(queryRunner: QueryRunner, autosummarize: 'on' | 'off'): Promise<void> {
  await queryRunner.query('DROP INDEX "public"."journal_lines_entry_brin"');
  await queryRunner.query(
    `CREATE INDEX "journal_lines_entry_brin" ON "journal_lines" USING brin ("entry_id")
       WITH (pages_per_range = 16, autosummarize = ${autosummarize})`,
  );
}
