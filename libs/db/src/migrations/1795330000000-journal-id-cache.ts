import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Journal ids drawn a thousand at a time per session: with a cache of one, every row takes the sequence's lock
 * and every 32 rows a WAL record, a large share of a journal line's insert (docs/benchmarks.md). Ids stay unique
 * and increasing within a session; a session that ends leaves a gap, which journal ids may have (they are keys,
 * not a numbering of the books).
 */
export class JournalIdCache1795330000000 implements MigrationInterface {
  name = 'JournalIdCache1795330000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "journal_entries" ALTER COLUMN "id" SET CACHE 1000');
    await queryRunner.query('ALTER TABLE "journal_lines" ALTER COLUMN "id" SET CACHE 1000');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "journal_lines" ALTER COLUMN "id" SET CACHE 1');
    await queryRunner.query('ALTER TABLE "journal_entries" ALTER COLUMN "id" SET CACHE 1');
  }
}
