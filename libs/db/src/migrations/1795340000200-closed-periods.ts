import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Books a finance team signs:
 * - `accounting_periods`: months closed, by whom and when. Nothing posts into a closed month: a statement
 *   trigger on `journal_entries` refuses any insert (COPY included) dated on or before the last closed day
 *   (`PERIOD_CLOSED`), and row triggers refuse changing or deleting a closed month's entries or their lines.
 *   One check per statement, not per row: a night's million entries go in by COPY.
 * - `books_open_from()`: the first day still open (null while none is closed), which posting code dates
 *   late facts at (a voucher of a closed month cleared after the close).
 * - `period_balances`: the balance of every account, ledger and party at a month's close, carried forward.
 * - payables of issuance fees (`issuance_l1..3`), paid by pay-off to the collector of their layer.
 */
export class ClosedPeriods1795340000200 implements MigrationInterface {
  name = 'ClosedPeriods1795340000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "accounting_periods" ("period" character varying(7) NOT NULL, "period_start" date NOT NULL, "period_end" date NOT NULL, "closed_by" character varying(100) NOT NULL, "closed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "note" character varying(500) NOT NULL DEFAULT \'\', CONSTRAINT "PK_accounting_periods" PRIMARY KEY ("period"), CONSTRAINT "accounting_periods_month_check" CHECK ("period_start" <= "period_end"))',
    );
    await queryRunner.query(
      'CREATE TABLE "period_balances" ("period" character varying(7) NOT NULL, "account" character varying(40) NOT NULL, "ledger" character varying(16) NOT NULL, "party" character varying(120) NOT NULL, "balance" bigint NOT NULL, CONSTRAINT "PK_period_balances" PRIMARY KEY ("period", "account", "ledger", "party"))',
    );
    await queryRunner.query(
      'ALTER TABLE "period_balances" ADD CONSTRAINT "period_balances_period_fk" FOREIGN KEY ("period") REFERENCES "accounting_periods"("period") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      `CREATE FUNCTION books_closed_through() RETURNS date LANGUAGE sql STABLE AS
       $$ SELECT max(period_end) FROM accounting_periods $$`,
    );
    await queryRunner.query(
      `CREATE FUNCTION books_open_from() RETURNS date LANGUAGE sql STABLE AS
       $$ SELECT max(period_end) + 1 FROM accounting_periods $$`,
    );
    await queryRunner.query(
      `CREATE FUNCTION journal_entries_refuse_closed() RETURNS trigger LANGUAGE plpgsql AS $$
       DECLARE
         closed date := books_closed_through();
         dated date;
       BEGIN
         IF closed IS NULL THEN RETURN NULL; END IF;
         SELECT min(business_date) INTO dated FROM new_entries;
         IF dated <= closed THEN
           RAISE EXCEPTION 'PERIOD_CLOSED: an entry dated % is in a closed period (closed through %)', dated, closed
             USING ERRCODE = 'check_violation', CONSTRAINT = 'journal_entries_period_open';
         END IF;
         RETURN NULL;
       END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER journal_entries_period_open AFTER INSERT ON journal_entries
       REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION journal_entries_refuse_closed()`,
    );
    await queryRunner.query(
      `CREATE FUNCTION journal_refuse_closed_change() RETURNS trigger LANGUAGE plpgsql AS $$
       DECLARE
         closed date := books_closed_through();
         dated date;
       BEGIN
         IF closed IS NULL THEN RETURN COALESCE(NEW, OLD); END IF;
         IF TG_TABLE_NAME = 'journal_entries' THEN
           dated := LEAST(OLD.business_date, CASE WHEN TG_OP = 'UPDATE' THEN NEW.business_date END);
         ELSE
           SELECT min(e.business_date) INTO dated FROM journal_entries e
            WHERE e.id IN (OLD.entry_id, CASE WHEN TG_OP = 'UPDATE' THEN NEW.entry_id END);
         END IF;
         IF dated <= closed THEN
           RAISE EXCEPTION 'PERIOD_CLOSED: % of journal dated % in a closed period (closed through %)',
             TG_OP, dated, closed USING ERRCODE = 'check_violation', CONSTRAINT = 'journal_entries_period_open';
         END IF;
         RETURN COALESCE(NEW, OLD);
       END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER journal_entries_period_frozen BEFORE UPDATE OR DELETE ON journal_entries
       FOR EACH ROW EXECUTE FUNCTION journal_refuse_closed_change()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER journal_lines_period_frozen BEFORE UPDATE OR DELETE ON journal_lines
       FOR EACH ROW EXECUTE FUNCTION journal_refuse_closed_change()`,
    );
    await queryRunner.query('ALTER TABLE "payables" DROP CONSTRAINT "payables_role_check"');
    await queryRunner.query(
      `ALTER TABLE "payables" ADD CONSTRAINT "payables_role_check" CHECK ("role" IN ('headquarters', 'sales', 'reimbursement', 'issuance_l1', 'issuance_l2', 'issuance_l3'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "payables" DROP CONSTRAINT "payables_role_check"');
    await queryRunner.query(
      `ALTER TABLE "payables" ADD CONSTRAINT "payables_role_check" CHECK ("role" IN ('headquarters', 'sales', 'reimbursement'))`,
    );
    await queryRunner.query('DROP TRIGGER journal_lines_period_frozen ON journal_lines');
    await queryRunner.query('DROP TRIGGER journal_entries_period_frozen ON journal_entries');
    await queryRunner.query('DROP FUNCTION journal_refuse_closed_change()');
    await queryRunner.query('DROP TRIGGER journal_entries_period_open ON journal_entries');
    await queryRunner.query('DROP FUNCTION journal_entries_refuse_closed()');
    await queryRunner.query('DROP FUNCTION books_open_from()');
    await queryRunner.query('DROP FUNCTION books_closed_through()');
    await queryRunner.query('DROP TABLE "period_balances"');
    await queryRunner.query('DROP TABLE "accounting_periods"');
  }
}
