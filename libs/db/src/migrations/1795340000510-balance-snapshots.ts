import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Balances that cost a night, not the history (libs/settlement/src/balances/README.md):
 * - `balance_snapshots`: per day an entry was posted on (its run's end date, else its own business date: the
 *   exports' rule), every account, ledger and party ever posted by then, with that day's debits and credits and
 *   the closing balance after it.
 * - `balance_snapshot_days`: one row per such day; `stale` while the journal holds entries of that day that its
 *   snapshot does not. A statement trigger on `journal_entries` (one per statement: COPY's night of entries
 *   fires it once per chunk) marks the days its entries were posted on, in the writing transaction, so no
 *   snapshot is ever read as current while the journal has more.
 * - a BRIN index on `journal_lines.entry_id`: lines go in with their entries, in id order, so a night's lines
 *   are found by the ranges of its entry ids without the B-tree whose upkeep cost the posting 40 %.
 */
export class BalanceSnapshots1795340000510 implements MigrationInterface {
  name = 'BalanceSnapshots1795340000510';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "balance_snapshot_days" ("posted_on" date NOT NULL, "stale" boolean NOT NULL DEFAULT true, "written_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_balance_snapshot_days" PRIMARY KEY ("posted_on"))',
    );
    await queryRunner.query(
      'CREATE TABLE "balance_snapshots" ("posted_on" date NOT NULL, "account" character varying(40) NOT NULL, "ledger" character varying(16) NOT NULL, "party" character varying(120) NOT NULL, "debits" bigint NOT NULL, "credits" bigint NOT NULL, "closing" bigint NOT NULL, CONSTRAINT "PK_balance_snapshots" PRIMARY KEY ("posted_on", "account", "ledger", "party"))',
    );
    await queryRunner.query(
      'ALTER TABLE "balance_snapshots" ADD CONSTRAINT "balance_snapshots_day_fk" FOREIGN KEY ("posted_on") REFERENCES "balance_snapshot_days"("posted_on") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      `CREATE INDEX "journal_lines_entry_brin" ON "journal_lines" USING brin ("entry_id") WITH (pages_per_range = 16, autosummarize = on)`,
    );
    await queryRunner.query(
      `CREATE FUNCTION journal_entries_snapshot_stale() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         WITH days AS (
           SELECT DISTINCT COALESCE(r.period_end, n.business_date) AS posted_on
             FROM (SELECT DISTINCT run_id, CASE WHEN run_id IS NULL THEN business_date END AS business_date
                     FROM new_entries) n
             LEFT JOIN settlement_runs r ON r.id = n.run_id),
         marked AS (
           UPDATE balance_snapshot_days d SET stale = true FROM days
            WHERE d.posted_on = days.posted_on AND NOT d.stale RETURNING d.posted_on)
         INSERT INTO balance_snapshot_days (posted_on) SELECT posted_on FROM days
         ON CONFLICT (posted_on) DO NOTHING;
         RETURN NULL;
       END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER journal_entries_snapshot_stale AFTER INSERT ON journal_entries
       REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION journal_entries_snapshot_stale()`,
    );
    // The history so far: every day with entries waits for its first snapshot.
    await queryRunner.query(
      `INSERT INTO balance_snapshot_days (posted_on)
       SELECT DISTINCT COALESCE(r.period_end, e.business_date)
         FROM journal_entries e LEFT JOIN settlement_runs r ON r.id = e.run_id`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER "journal_entries_snapshot_stale" ON "journal_entries"');
    await queryRunner.query('DROP FUNCTION journal_entries_snapshot_stale()');
    await queryRunner.query('DROP INDEX "public"."journal_lines_entry_brin"');
    await queryRunner.query('DROP TABLE "balance_snapshots"');
    await queryRunner.query('DROP TABLE "balance_snapshot_days"');
  }
}
