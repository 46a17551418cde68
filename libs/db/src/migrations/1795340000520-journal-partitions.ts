import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The journal's two tables, partitioned together by the entry's business date. */
const TABLES = ['journal_entries', 'journal_lines'] as const;

/**
 * The journal partitioned by month on the business date (figures: docs/benchmarks.md, "Partitions"), so that
 * retiring a closed year is `DETACH PARTITION` then archive or drop, not a delete of a third of a billion rows.
 *
 * - A line carries its entry's `business_date` (its writers set it from the entry), so an entry and its lines
 *   live in the months of the same name and leave together.
 * - PostgreSQL's unique keys on a partitioned table include the partition key: the primary keys become
 *   `(id, business_date)` (ids still come from one identity sequence each, so `id` alone stays unique), and
 *   `journal_entries_kind_reference_uq` becomes `(kind, reference, business_date)`. The natural key of an
 *   entry that is not a clearing is still `(kind, reference)` across every month (a posting retried after a
 *   period closed is dated on another day): `journal_entry_keys` holds it, unpartitioned, claimed by a BEFORE
 *   INSERT trigger that skips the row when its key is taken, as `ON CONFLICT DO NOTHING` did. Its keys outlive
 *   a detached month, so an archived posting is never posted again. A clearing entry's key is its line's
 *   clearing (primary key of `clearings`), written in the same transaction, as before.
 * - `journal_add_months(from, through)` creates the months missing between two dates (moving any of their rows
 *   out of the DEFAULT partition first), under an advisory lock; every clearing pass calls it for the current
 *   month and the two after. A row whose month has no partition goes to the DEFAULT partition: a write is never
 *   refused at the turn of a month.
 * - Indexes and triggers of the tables (the closed periods', the snapshots', the day totals') are carried over
 *   as they stand; the closed periods' row trigger reads the line's own date.
 */
export class JournalPartitions1795340000520 implements MigrationInterface {
  name = 'JournalPartitions1795340000520';

  async up(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string) => queryRunner.query(sql);
    await q('LOCK TABLE journal_entries, journal_lines IN ACCESS EXCLUSIVE MODE');
    const carried = await carriedOver(queryRunner, [
      'journal_entries_kind_reference_uq',
      'PK_a70368e64230434457c8d007ab3',
      'PK_70cba2da4588cee8921f73ef136',
    ]);
    await q(
      `CREATE TABLE journal_entries_partitioned (id bigint GENERATED ALWAYS AS IDENTITY (CACHE 1000) NOT NULL,
         run_id uuid, kind character varying(20) NOT NULL, reference character varying(80) NOT NULL,
         business_date date NOT NULL, corrects_entry_id bigint, description character varying(200) NOT NULL,
         created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()) PARTITION BY RANGE (business_date)`,
    );
    await q(
      `CREATE TABLE journal_lines_partitioned (id bigint GENERATED ALWAYS AS IDENTITY (CACHE 1000) NOT NULL,
         entry_id bigint NOT NULL, account character varying(40) NOT NULL, ledger character varying(16),
         party character varying(120), amount bigint NOT NULL, serial_number character varying(32),
         business_date date NOT NULL) PARTITION BY RANGE (business_date)`,
    );
    for (const table of TABLES)
      await q(`CREATE TABLE ${table}_default PARTITION OF ${table}_partitioned DEFAULT`);
    await q(`CREATE FUNCTION journal_add_months(from_day date, through_day date) RETURNS integer
      LANGUAGE plpgsql AS $$
      DECLARE
        month date := date_trunc('month', from_day)::date;
        added integer := 0;
        parent text;
        part text;
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtext('journal_add_months'));
        WHILE month <= through_day LOOP
          FOREACH parent IN ARRAY ARRAY['journal_entries', 'journal_lines'] LOOP
            part := parent || '_' || to_char(month, 'YYYY_MM');
            IF to_regclass(part) IS NULL THEN
              IF EXISTS (SELECT 1 FROM journal_entries_default WHERE business_date >= month
                           AND business_date < month + interval '1 month')
                 OR EXISTS (SELECT 1 FROM journal_lines_default WHERE business_date >= month
                              AND business_date < month + interval '1 month') THEN
                -- The month's rows that went to the DEFAULT partition move into its own, both detached
                -- meanwhile, so that no trigger of the journal fires for rows that are only moving.
                EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', parent, parent || '_default');
                EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part, parent);
                EXECUTE format('WITH moved AS (DELETE FROM %I WHERE business_date >= %L AND business_date < %L
                                RETURNING *) INSERT INTO %I SELECT * FROM moved', parent || '_default', month,
                               (month + interval '1 month')::date, part);
                EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, part,
                               month, (month + interval '1 month')::date);
                EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I DEFAULT', parent, parent || '_default');
              ELSE
                EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', part, parent, month,
                               (month + interval '1 month')::date);
              END IF;
              added := added + 1;
            END IF;
          END LOOP;
          month := (month + interval '1 month')::date;
        END LOOP;
        RETURN added;
      END $$`);
    // The history's months, and this month and the two after it.
    const [range] = await rows<{ first: string; last: string }>(
      queryRunner,
      `SELECT least(min(business_date), current_date)::text AS first,
              (date_trunc('month', current_date) + interval '2 months')::date::text AS last
         FROM journal_entries`,
    );
    await addMonths(queryRunner, range!.first, range!.last);

    await q(
      `INSERT INTO journal_entries_partitioned OVERRIDING SYSTEM VALUE
       SELECT id, run_id, kind, reference, business_date, corrects_entry_id, description, created_at FROM journal_entries`,
    );
    await q(
      `INSERT INTO journal_lines_partitioned OVERRIDING SYSTEM VALUE
       SELECT l.id, l.entry_id, l.account, l.ledger, l.party, l.amount, l.serial_number, e.business_date
         FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id`,
    );
    await q(`DO $$ BEGIN
      IF (SELECT count(*) FROM journal_lines) <> (SELECT count(*) FROM journal_lines_partitioned) THEN
        RAISE EXCEPTION 'journal lines without an entry: not partitioned';
      END IF; END $$`);
    await q(`CREATE TABLE journal_entry_keys (kind character varying(20) NOT NULL,
      reference character varying(80) NOT NULL, CONSTRAINT "PK_journal_entry_keys" PRIMARY KEY (kind, reference))`);
    await q(
      `INSERT INTO journal_entry_keys (kind, reference) SELECT kind, reference FROM journal_entries WHERE kind <> 'clearing'`,
    );
    const next = await rows<{ entries: string; lines: string }>(
      queryRunner,
      `SELECT (SELECT coalesce(max(id), 0) FROM journal_entries) AS entries,
              (SELECT coalesce(max(id), 0) FROM journal_lines) AS lines`,
    );
    for (const table of TABLES) {
      await q(`DROP TABLE ${table}`);
      await q(`ALTER TABLE ${table}_partitioned RENAME TO ${table}`);
      await q(`ALTER SEQUENCE ${table}_partitioned_id_seq RENAME TO ${table}_id_seq`);
      const last = Number(next[0]![table === 'journal_entries' ? 'entries' : 'lines']);
      await q(`ALTER TABLE ${table} ALTER COLUMN id RESTART WITH ${last + 1}`);
    }
    await q(
      `ALTER TABLE journal_entries ADD CONSTRAINT "PK_journal_entries" PRIMARY KEY (id, business_date)`,
    );
    await q(`ALTER TABLE journal_lines ADD CONSTRAINT "PK_journal_lines" PRIMARY KEY (id, business_date)`);
    await q(
      `CREATE UNIQUE INDEX "journal_entries_kind_reference_uq" ON journal_entries (kind, reference, business_date) WHERE kind <> 'clearing'`,
    );
    for (const sql of carried) await q(sql);
    await q(`CREATE FUNCTION journal_entries_claim_key() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO journal_entry_keys (kind, reference) VALUES (NEW.kind, NEW.reference) ON CONFLICT DO NOTHING;
        IF NOT FOUND THEN RETURN NULL; END IF;
        RETURN NEW;
      END $$`);
    await q(`CREATE TRIGGER journal_entries_natural_key BEFORE INSERT ON journal_entries
      FOR EACH ROW WHEN (NEW.kind <> 'clearing') EXECUTE FUNCTION journal_entries_claim_key()`);
    await q(`CREATE FUNCTION journal_entries_release_key() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM journal_entry_keys WHERE kind = OLD.kind AND reference = OLD.reference;
        RETURN NULL;
      END $$`);
    await q(`CREATE TRIGGER journal_entries_natural_key_released AFTER DELETE ON journal_entries
      FOR EACH ROW WHEN (OLD.kind <> 'clearing') EXECUTE FUNCTION journal_entries_release_key()`);
    await q(
      REFUSE_CLOSED_CHANGE(`LEAST(OLD.business_date, CASE WHEN TG_OP = 'UPDATE' THEN NEW.business_date END)`),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string) => queryRunner.query(sql);
    await q('LOCK TABLE journal_entries, journal_lines IN ACCESS EXCLUSIVE MODE');
    const carried = await carriedOver(queryRunner, [
      'journal_entries_kind_reference_uq',
      'PK_journal_entries',
      'PK_journal_lines',
    ]);
    await q('DROP TRIGGER journal_entries_natural_key_released ON journal_entries');
    await q('DROP TRIGGER journal_entries_natural_key ON journal_entries');
    await q('DROP FUNCTION journal_entries_release_key()');
    await q('DROP FUNCTION journal_entries_claim_key()');
    await q(
      `CREATE TABLE journal_entries_unpartitioned ("id" bigint GENERATED ALWAYS AS IDENTITY (CACHE 1000) NOT NULL, "run_id" uuid, "kind" character varying(20) NOT NULL, "reference" character varying(80) NOT NULL, "business_date" date NOT NULL, "corrects_entry_id" bigint, "description" character varying(200) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now())`,
    );
    await q(
      `CREATE TABLE journal_lines_unpartitioned ("id" bigint GENERATED ALWAYS AS IDENTITY (CACHE 1000) NOT NULL, "entry_id" bigint NOT NULL, "account" character varying(40) NOT NULL, "ledger" character varying(16), "party" character varying(120), "amount" bigint NOT NULL, "serial_number" character varying(32))`,
    );
    await q(`INSERT INTO journal_entries_unpartitioned OVERRIDING SYSTEM VALUE
      SELECT id, run_id, kind, reference, business_date, corrects_entry_id, description, created_at FROM journal_entries`);
    await q(`INSERT INTO journal_lines_unpartitioned OVERRIDING SYSTEM VALUE
      SELECT id, entry_id, account, ledger, party, amount, serial_number FROM journal_lines`);
    const next = await rows<{ entries: string; lines: string }>(
      queryRunner,
      `SELECT (SELECT coalesce(max(id), 0) FROM journal_entries) AS entries,
              (SELECT coalesce(max(id), 0) FROM journal_lines) AS lines`,
    );
    for (const table of TABLES) {
      await q(`DROP TABLE ${table}`);
      await q(`ALTER TABLE ${table}_unpartitioned RENAME TO ${table}`);
      await q(`ALTER SEQUENCE ${table}_unpartitioned_id_seq RENAME TO ${table}_id_seq`);
      const last = Number(next[0]![table === 'journal_entries' ? 'entries' : 'lines']);
      await q(`ALTER TABLE ${table} ALTER COLUMN id RESTART WITH ${last + 1}`);
    }
    await q('DROP TABLE journal_entry_keys');
    await q('DROP FUNCTION journal_add_months(date, date)');
    await q(
      'ALTER TABLE "journal_entries" ADD CONSTRAINT "PK_a70368e64230434457c8d007ab3" PRIMARY KEY ("id")',
    );
    await q('ALTER TABLE "journal_lines" ADD CONSTRAINT "PK_70cba2da4588cee8921f73ef136" PRIMARY KEY ("id")');
    await q(
      `CREATE UNIQUE INDEX "journal_entries_kind_reference_uq" ON "journal_entries" ("kind", "reference") WHERE kind <> 'clearing'`,
    );
    for (const sql of carried) await q(sql);
    await q(
      REFUSE_CLOSED_CHANGE(`CASE WHEN TG_TABLE_NAME = 'journal_entries'
        THEN LEAST(OLD.business_date, CASE WHEN TG_OP = 'UPDATE' THEN NEW.business_date END)
        ELSE (SELECT min(e.business_date) FROM journal_entries e
               WHERE e.id IN (OLD.entry_id, CASE WHEN TG_OP = 'UPDATE' THEN NEW.entry_id END)) END`),
    );
  }
}

/**
 * The definitions of the journal tables' indexes (but `skip`) and user triggers, to be made again on the
 * tables that replace them: whatever other migrations added (snapshots, day totals) stays as they made it.
 */
async function carriedOver(queryRunner: QueryRunner, skip: readonly string[]): Promise<string[]> {
  const indexes = await rows<{ sql: string }>(
    queryRunner,
    `SELECT indexdef AS sql FROM pg_indexes
      WHERE schemaname = 'public' AND tablename = ANY($1) AND indexname <> ALL($2) ORDER BY indexname`,
    [TABLES, skip],
  );
  const triggers = await rows<{ sql: string }>(
    queryRunner,
    `SELECT pg_get_triggerdef(t.oid) AS sql FROM pg_trigger t
      WHERE t.tgrelid = ANY(ARRAY['journal_entries'::regclass, 'journal_lines'::regclass]) AND NOT t.tgisinternal
        AND t.tgname NOT IN ('journal_entries_natural_key', 'journal_entries_natural_key_released')
      ORDER BY t.tgname`,
  );
  // pg_get_triggerdef names the table `public.journal_…` (or bare): the replacement takes the same name.
  return [...indexes, ...triggers].map((row) => row.sql.replace(/ ON ONLY /, ' ON '));
}

/** The rows of a query, typed. */
function rows<T>(queryRunner: QueryRunner, sql: string, params: unknown[] = []): Promise<T[]> {
  return queryRunner.query(sql, params) as Promise<T[]>;
}

/** Creates the months from `first` through `last` of both tables (before the rename: `_partitioned`). */
async function addMonths(queryRunner: QueryRunner, first: string, last: string): Promise<void> {
  await queryRunner.query(`DO $$
    DECLARE month date := date_trunc('month', '${first}'::date)::date; parent text;
    BEGIN
      WHILE month <= '${last}'::date LOOP
        FOREACH parent IN ARRAY ARRAY['journal_entries', 'journal_lines'] LOOP
          EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                         parent || '_' || to_char(month, 'YYYY_MM'), parent || '_partitioned', month,
                         (month + interval '1 month')::date);
        END LOOP;
        month := (month + interval '1 month')::date;
      END LOOP;
    END $$`);
}

/** The closed periods' row trigger function (migration ClosedPeriods), with `dated` computed as given. */
function REFUSE_CLOSED_CHANGE(dated: string): string {
  return `CREATE OR REPLACE FUNCTION journal_refuse_closed_change() RETURNS trigger LANGUAGE plpgsql AS $$
       DECLARE
         closed date := books_closed_through();
         dated date;
       BEGIN
         IF closed IS NULL THEN RETURN COALESCE(NEW, OLD); END IF;
         dated := ${dated};
         IF dated <= closed THEN
           RAISE EXCEPTION 'PERIOD_CLOSED: % of journal dated % in a closed period (closed through %)',
             TG_OP, dated, closed USING ERRCODE = 'check_violation', CONSTRAINT = 'journal_entries_period_open';
         END IF;
         RETURN COALESCE(NEW, OLD);
       END $$`;
}
