import type { MigrationInterface, QueryRunner } from 'typeorm';

const PURCHASE = `'created', 'submitted', 'awaiting_payment', 'outcome_unknown', 'paid', 'paid_mismatch', 'failed', 'expired', 'cancelled'`;
const GATEWAY_CALL = `'recorded', 'submitted', 'outcome_unknown', 'succeeded', 'failed'`;

/**
 * The database admits in each state and kind column only what the domain defines (the machines of
 * `@tixclear/domain`, the lists of libs/db/src/state-checks.ts); state-checks.int.spec.ts keeps these lists
 * equal to the code's, so a state added there needs a migration here.
 */
const CHECKS: ReadonlyArray<readonly [table: string, name: string, expression: string]> = [
  ['operations', 'operations_kind_check', `"kind" IN ('purchase', 'redemption', 'refund')`],
  ['operations', 'operations_purchase_state_check', `"kind" <> 'purchase' OR "state" IN (${PURCHASE})`],
  ['operations', 'operations_call_state_check', `"kind" = 'purchase' OR "state" IN (${GATEWAY_CALL})`],
  [
    'vouchers',
    'vouchers_state_check',
    `"state" IN ('reserved', 'issued', 'redeeming', 'redeem_unknown', 'redeemed', 'refunding', 'refund_unknown', 'refunded', 'void')`,
  ],
  [
    'payout_batches',
    'payout_batches_state_check',
    `"state" IN ('draft', 'submitting', 'submit_unknown', 'rejected', 'awaiting_approval', 'remitting', 'completed', 'partly_remitted', 'covering', 'covering_unknown', 'closed', 'discarded', 'parked')`,
  ],
  [
    'payout_items',
    'payout_items_state_check',
    `"state" IN ('pending', 'awaiting_approval', 'remitted', 'failed', 'rejected', 'covering', 'exception', 'reincluded', 'settled_outside', 'withdrawn')`,
  ],
  [
    'settlement_runs',
    'settlement_runs_state_check',
    `"state" IN ('clearing', 'posting', 'batching', 'paying', 'exporting', 'completed')`,
  ],
  [
    'partner_notifications',
    'partner_notifications_state_check',
    `"state" IN ('pending', 'delivered', 'flagged')`,
  ],
  ['operator_items', 'operator_items_state_check', `"state" IN ('open', 'resolved')`],
  [
    'gateway_notifications',
    'gateway_notifications_outcome_check',
    `"outcome" IN ('pending', 'settled', 'open', 'confirmed', 'late_outcome', 'not_found', 'not_applicable')`,
  ],
  [
    'gateway_report_counts',
    'gateway_report_counts_outcome_check',
    `"outcome" IN ('unknown_order', 'not_applicable', 'excess')`,
  ],
  ['payables', 'payables_role_check', `"role" IN ('headquarters', 'sales', 'reimbursement')`],
  [
    'settlement_hold_actions',
    'settlement_hold_actions_action_check',
    `"action" IN ('recleared', 'fee_accepted', 'settled_outside')`,
  ],
];

export class StateChecks1795340000051 implements MigrationInterface {
  name = 'StateChecks1795340000051';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [table, name, expression] of CHECKS)
      await queryRunner.query(`ALTER TABLE "${table}" ADD CONSTRAINT "${name}" CHECK (${expression})`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, name] of [...CHECKS].reverse())
      await queryRunner.query(`ALTER TABLE "${table}" DROP CONSTRAINT "${name}"`);
  }
}
