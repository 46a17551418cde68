import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The columns each source maintains, so a TRUNCATE of the source zeroes exactly its own. */
const CLEARED = [
  'vouchers_cleared',
  'gross',
  'escrow_fee',
  'gateway_fee',
  'issuance_fee',
  'headquarters',
  'sales',
  'reimbursement',
];
const REDEEMED = ['redeemed_online', 'redeemed_offline'];
const MOVED = ['sold', 'refunded'];
const ALL = [...CLEARED, ...REDEEMED, ...MOVED];

/** `INSERT … ON CONFLICT` adding each column of `columns` from `source` (aliased s) to the day's slot row. */
function upsert(columns: string[], source: string): string {
  return `INSERT INTO day_totals AS t (business_date, slot, ${columns.join(', ')})
    SELECT business_date, pg_backend_pid() % 8, ${columns.map((c) => `s.${c}`).join(', ')} FROM (${source}) s
    ON CONFLICT (business_date, slot) DO UPDATE SET ${columns.map((c) => `${c} = t.${c} + excluded.${c}`).join(', ')}`;
}

/** A clearing's contribution, signed: `+` for rows inserted, `-` for rows deleted (an update is both). */
const clearedOf = (table: string, sign: '' | '-') => `
  SELECT business_date, ${sign}count(*) AS vouchers_cleared, ${sign}sum(cost) AS gross,
         ${sign}sum(escrow_fee) AS escrow_fee, ${sign}sum(gateway_fee) AS gateway_fee,
         ${sign}sum(issuance_fee) AS issuance_fee, ${sign}sum(headquarters) AS headquarters,
         ${sign}sum(sales) AS sales, ${sign}sum(reimbursement) AS reimbursement
    FROM ${table} GROUP BY business_date`;

/** Redemption lines by business date, online or at the till (`voucheroffline`) by their operation's command. */
const redeemedOf = (table: string, sign: '' | '-') => `
  SELECT l.business_date, ${sign}count(*) FILTER (WHERE o.command IS DISTINCT FROM 'voucheroffline') AS redeemed_online,
         ${sign}count(*) FILTER (WHERE o.command = 'voucheroffline') AS redeemed_offline
    FROM ${table} l LEFT JOIN operations o ON o.id = l.operation_id GROUP BY l.business_date`;

/**
 * `day_totals`: a business day's figures for the console, kept by triggers in the very statement that writes
 * their source, so they commit (or roll back) with it and count each row exactly once, whoever writes it
 * (clearing chunks by COPY, hold re-clears, tests):
 * - clearings (statement triggers over the transition tables: one upsert per statement, not per row): vouchers
 *   cleared, gross, each fee, the three shares;
 * - redemption lines: vouchers redeemed online and offline (by their operation's command);
 * - journal entries of kind `purchase` / `refund` / `payment_refund` (a row trigger filtered by kind, so the
 *   night's million clearing entries do not fire it): vouchers sold and refunded, dated as the sales and refunds
 *   registers date them (the entry's business date).
 * A day is up to 8 rows (`slot` = backend pid mod 8): concurrent writers of one day mostly lock different rows,
 * and the reader sums at most 8. Existing data is summed once here.
 */
export class DayTotals1795340000540 implements MigrationInterface {
  name = 'DayTotals1795340000540';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "day_totals" ("business_date" date NOT NULL, "slot" smallint NOT NULL, ${ALL.map(
        (c) => `"${c}" bigint NOT NULL DEFAULT 0`,
      ).join(', ')}, CONSTRAINT "PK_day_totals" PRIMARY KEY ("business_date", "slot"))`,
    );
    await queryRunner.query(`CREATE FUNCTION day_totals_cleared() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN ${upsert(CLEARED, clearedOf('new_rows', ''))}; END IF;
        IF TG_OP IN ('DELETE', 'UPDATE') THEN ${upsert(CLEARED, clearedOf('old_rows', '-'))}; END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE FUNCTION day_totals_redeemed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN ${upsert(REDEEMED, redeemedOf('new_rows', ''))}; END IF;
        IF TG_OP IN ('DELETE', 'UPDATE') THEN ${upsert(REDEEMED, redeemedOf('old_rows', '-'))}; END IF;
        RETURN NULL;
      END $$`);
    // A purchase entry counts every voucher of the purchase (the sales register lists them all); a refund entry
    // the vouchers its operation refunded (the refunds register's join).
    await queryRunner.query(`CREATE FUNCTION day_totals_moved() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE n bigint;
      BEGIN
        IF NEW.reference !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN RETURN NULL; END IF;
        IF NEW.kind = 'purchase' THEN
          SELECT count(*) INTO n FROM vouchers WHERE purchase_operation_id = NEW.reference::uuid;
          ${upsert(['sold'], `SELECT NEW.business_date AS business_date, n AS sold`)};
        ELSE
          SELECT count(*) INTO n FROM vouchers WHERE holder_operation_id = NEW.reference::uuid AND state = 'refunded';
          ${upsert(['refunded'], `SELECT NEW.business_date AS business_date, n AS refunded`)};
        END IF;
        RETURN NULL;
      END $$`);
    for (const [table, fn] of [
      ['clearings', 'day_totals_cleared'],
      ['redemption_lines', 'day_totals_redeemed'],
    ]) {
      await queryRunner.query(
        `CREATE TRIGGER ${table}_day_totals_insert AFTER INSERT ON ${table} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER ${table}_day_totals_update AFTER UPDATE ON ${table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER ${table}_day_totals_delete AFTER DELETE ON ${table} REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
      );
    }
    await queryRunner.query(
      `CREATE TRIGGER journal_entries_day_totals AFTER INSERT ON journal_entries FOR EACH ROW WHEN (NEW.kind IN ('purchase', 'refund', 'payment_refund')) EXECUTE FUNCTION day_totals_moved()`,
    );
    // A TRUNCATE of a source (tests, benchmarks) zeroes the figures it kept.
    await queryRunner.query(`CREATE FUNCTION day_totals_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_TABLE_NAME = 'clearings' THEN UPDATE day_totals SET ${CLEARED.map((c) => `${c} = 0`).join(', ')};
        ELSIF TG_TABLE_NAME = 'redemption_lines' THEN UPDATE day_totals SET ${REDEEMED.map((c) => `${c} = 0`).join(', ')};
        ELSE UPDATE day_totals SET ${MOVED.map((c) => `${c} = 0`).join(', ')};
        END IF;
        RETURN NULL;
      END $$`);
    for (const table of ['clearings', 'redemption_lines', 'journal_entries'])
      await queryRunner.query(
        `CREATE TRIGGER ${table}_day_totals_truncate AFTER TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION day_totals_truncated()`,
      );
    // What exists already, once (slot 0).
    await queryRunner.query(upsert(CLEARED, clearedOf('clearings', '')).replace('pg_backend_pid() % 8', '0'));
    await queryRunner.query(
      upsert(REDEEMED, redeemedOf('redemption_lines', '')).replace('pg_backend_pid() % 8', '0'),
    );
    await queryRunner.query(
      upsert(
        MOVED,
        `SELECT e.business_date,
                count(v.id) FILTER (WHERE e.kind = 'purchase' AND v.purchase_operation_id = e.reference::uuid) AS sold,
                count(v.id) FILTER (WHERE e.kind <> 'purchase' AND v.holder_operation_id = e.reference::uuid
                                      AND v.state = 'refunded') AS refunded
           FROM journal_entries e
           JOIN vouchers v ON (e.kind = 'purchase' AND v.purchase_operation_id = e.reference::uuid)
                           OR (e.kind <> 'purchase' AND v.holder_operation_id = e.reference::uuid)
          WHERE e.kind IN ('purchase', 'refund', 'payment_refund')
            AND e.reference ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
          GROUP BY e.business_date`,
      ).replace('pg_backend_pid() % 8', '0'),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['clearings', 'redemption_lines', 'journal_entries'])
      await queryRunner.query(`DROP TRIGGER ${table}_day_totals_truncate ON ${table}`);
    await queryRunner.query('DROP FUNCTION day_totals_truncated()');
    await queryRunner.query('DROP TRIGGER journal_entries_day_totals ON journal_entries');
    for (const table of ['clearings', 'redemption_lines'])
      for (const op of ['insert', 'update', 'delete'])
        await queryRunner.query(`DROP TRIGGER ${table}_day_totals_${op} ON ${table}`);
    await queryRunner.query('DROP FUNCTION day_totals_moved()');
    await queryRunner.query('DROP FUNCTION day_totals_redeemed()');
    await queryRunner.query('DROP FUNCTION day_totals_cleared()');
    await queryRunner.query('DROP TABLE "day_totals"');
  }
}
