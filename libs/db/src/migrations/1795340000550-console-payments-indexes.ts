import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Small partial indexes for the console's payments page, so a day of payments is an index read, never a scan
 * of the operations or the journal:
 * - operations of the payments door (payments, money refunds, refund cancels and other actions) and `290`
 *   purchases, by creation time;
 * - the payments ledger's entries (payment, payment_refund, refund_cancel) by business date;
 * - their `payable_payments` lines by entry (the only lines on that account): the night's millions of clearing
 *   lines are not in it, so posting them costs only the predicate.
 */
export class ConsolePaymentsIndexes1795340000550 implements MigrationInterface {
  name = 'ConsolePaymentsIndexes1795340000550';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "operations_payments_day_idx" ON "operations" ("created_at", "id") WHERE kind IN ('payment', 'pay_refund', 'pay_action') OR gateway_code = '290'`,
    );
    await queryRunner.query(
      `CREATE INDEX "journal_entries_payments_day_idx" ON "journal_entries" ("business_date") WHERE kind IN ('payment', 'payment_refund', 'refund_cancel')`,
    );
    await queryRunner.query(
      `CREATE INDEX "journal_lines_payments_entry_idx" ON "journal_lines" ("entry_id") WHERE account = 'payable_payments'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "journal_lines_payments_entry_idx"`);
    await queryRunner.query(`DROP INDEX "journal_entries_payments_day_idx"`);
    await queryRunner.query(`DROP INDEX "operations_payments_day_idx"`);
  }
}
