import type { MigrationInterface, QueryRunner } from 'typeorm';

/** [table, constraint, column, referenced table]: a row that belongs to another row names it. */
const FOREIGN_KEYS: ReadonlyArray<readonly [string, string, string, string]> = [
  ['vouchers', 'vouchers_partner_fk', 'partner_id', 'partners'],
  ['vouchers', 'vouchers_purchase_operation_fk', 'purchase_operation_id', 'operations'],
  ['partner_notifications', 'partner_notifications_partner_fk', 'partner_id', 'partners'],
  ['partner_notifications', 'partner_notifications_operation_fk', 'operation_id', 'operations'],
  ['operator_items', 'operator_items_partner_fk', 'partner_id', 'partners'],
  ['payout_batches', 'payout_batches_run_fk', 'run_id', 'settlement_runs'],
  ['payout_items', 'payout_items_batch_fk', 'batch_id', 'payout_batches'],
  ['payables', 'payables_run_fk', 'run_id', 'settlement_runs'],
  ['payables', 'payables_item_fk', 'item_id', 'payout_items'],
  ['payables', 'payables_paid_by_item_fk', 'paid_by_item_id', 'payout_items'],
  ['settlement_holds', 'settlement_holds_run_fk', 'run_id', 'settlement_runs'],
  ['settlement_holds', 'settlement_holds_line_fk', 'redemption_line_id', 'redemption_lines'],
  ['settlement_hold_actions', 'settlement_hold_actions_line_fk', 'redemption_line_id', 'redemption_lines'],
  ['clearing_backlog', 'clearing_backlog_run_fk', 'run_id', 'settlement_runs'],
  ['clearing_backlog', 'clearing_backlog_line_fk', 'redemption_line_id', 'redemption_lines'],
];

/**
 * Foreign keys where rows belong to rows (a partner's keys and points: migration PartnerChildForeignKeys). Left
 * out where a hot path writes the referencing rows; measured: see docs/benchmarks.md §Foreign keys.
 * - operations.partner_id, idempotency_keys.partner_id: every API request, each check a key-share lock on its
 *   partner's one row.
 * - vouchers.holder_operation_id, redemption_lines.*: every online redemption, per voucher.
 * - clearings.*, journal_entries.*, journal_lines.entry_id: written by COPY, millions a night.
 */
export class ForeignKeys1795340000052 implements MigrationInterface {
  name = 'ForeignKeys1795340000052';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [table, name, column, referenced] of FOREIGN_KEYS)
      await queryRunner.query(
        `ALTER TABLE "${table}" ADD CONSTRAINT "${name}" FOREIGN KEY ("${column}") REFERENCES "${referenced}"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
      );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, name] of [...FOREIGN_KEYS].reverse())
      await queryRunner.query(`ALTER TABLE "${table}" DROP CONSTRAINT "${name}"`);
  }
}
