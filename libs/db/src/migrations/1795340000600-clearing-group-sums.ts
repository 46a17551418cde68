import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `clearing_group_sums`: per clearing chunk, the lines of its journal entries summed by group (account, ledger,
 * party), written in the chunk's transaction with the lines themselves. A night's balance snapshot
 * (libs/settlement/src/balances) takes its clearing movements from these few rows instead of reading the
 * night's millions of lines again; the lines of every other entry kind it still reads. A partial index on the
 * entries' run finds those other entries of a run without walking its clearing entries (the index costs a
 * clearing COPY only its predicate). Existing clearing entries are summed once here, per run.
 */
export class ClearingGroupSums1795340000600 implements MigrationInterface {
  name = 'ClearingGroupSums1795340000600';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "clearing_group_sums" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "run_id" uuid NOT NULL, "account" character varying(40) NOT NULL, "ledger" character varying(16) NOT NULL, "party" character varying(120) NOT NULL, "debits" bigint NOT NULL, "credits" bigint NOT NULL, CONSTRAINT "PK_clearing_group_sums" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "clearing_group_sums_run_idx" ON "clearing_group_sums" ("run_id") ',
    );
    await queryRunner.query(
      `CREATE INDEX "journal_entries_run_unsummed_idx" ON "journal_entries" ("run_id") WHERE kind <> 'clearing'`,
    );
    await queryRunner.query(
      `INSERT INTO clearing_group_sums (run_id, account, ledger, party, debits, credits)
       SELECT e.run_id, l.account, COALESCE(l.ledger, ''), COALESCE(l.party, ''),
              COALESCE(sum(l.amount) FILTER (WHERE l.amount > 0), 0), COALESCE(sum(-l.amount) FILTER (WHERE l.amount < 0), 0)
         FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id
        WHERE e.kind = 'clearing' AND e.run_id IS NOT NULL
        GROUP BY 1, 2, 3, 4`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."journal_entries_run_unsummed_idx"');
    await queryRunner.query('DROP INDEX "public"."clearing_group_sums_run_idx"');
    await queryRunner.query('DROP TABLE "clearing_group_sums"');
  }
}
