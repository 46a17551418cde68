import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `journal_lines` without its primary key. No query finds a line by its id: an entry's lines are found through
 * the BRIN index on `entry_id`, the payments' by their partial index, and every reader orders them by entry and
 * id with a sort. The key's B-tree was the largest single cost of a night's clearing, the one write that grows
 * with every voucher's seven lines (docs/benchmarks.md §Settlement: a fifth of the server's CPU). Ids still come
 * from the identity sequence, so they stay unique; lines are never updated (closed periods refuse it) and leave
 * by detaching their month.
 */
export class JournalLinesUnkeyed1795340000610 implements MigrationInterface {
  name = 'JournalLinesUnkeyed1795340000610';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "journal_lines" DROP CONSTRAINT "PK_journal_lines"');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "journal_lines" ADD CONSTRAINT "PK_journal_lines" PRIMARY KEY ("id", "business_date")',
    );
  }
}
