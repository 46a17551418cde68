import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The run's bloom filter of the two tables whose rows a run writes together (migration ClearingWriteIndexes). */
const RUN_BLOOM = `brin ("run_id" uuid_bloom_ops (n_distinct_per_range = 16))`;

/**
 * Our BRIN indexes summarise their new page ranges only when we ask (`autosummarize` off). An automatic
 * summary runs in an autovacuum worker, which PostgreSQL cancels as soon as a lock waits on it (our own
 * summary, a snapshot's `LOCK TABLE`); cancelled between the two steps of a range's summary, it leaves a
 * placeholder, and PostgreSQL 18.4 then matches every later range of the relation on every lookup
 * (docs/benchmarks.md, "A placeholder"). The reads of lines summarise first (`withIndexScans`) and each
 * night's run summarises every one (libs/settlement/src/balances/range-indexes.ts). A partitioned index's
 * options cannot be altered: those of the journal are built again, with the new option.
 */
export class RangeIndexesSummarisedByUs1795340000660 implements MigrationInterface {
  name = 'RangeIndexesSummarisedByUs1795340000660';

  async up(queryRunner: QueryRunner): Promise<void> {
    await setAutosummarize(queryRunner, 'off');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await setAutosummarize(queryRunner, 'on');
  }
}

async function setAutosummarize(queryRunner: QueryRunner, autosummarize: 'on' | 'off'): Promise<void> {
  const q = (sql: string) => queryRunner.query(sql);
  await q('DROP INDEX "public"."journal_lines_entry_brin"');
  await q(
    `CREATE INDEX "journal_lines_entry_brin" ON "journal_lines" USING brin ("entry_id")
       WITH (pages_per_range = 16, autosummarize = ${autosummarize})`,
  );
  await q('DROP INDEX "public"."journal_entries_run_idx"');
  await q(
    `CREATE INDEX "journal_entries_run_idx" ON "journal_entries" USING ${RUN_BLOOM} WITH (autosummarize = ${autosummarize})`,
  );
  await q(`ALTER INDEX "public"."clearings_run_idx" SET (autosummarize = ${autosummarize})`);
}
