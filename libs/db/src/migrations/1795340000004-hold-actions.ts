import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An operator's actions on settlement holds (SettlementHoldActionEntity): who did what to which held line, and
 * why. A line re-cleared with the gateway's split accepted says so (`redemption_lines.fee_accepted`); a line
 * settled outside stays in the backlog, released (`clearing_backlog.released_at`), so that no run clears it.
 */
export class HoldActions1795340000004 implements MigrationInterface {
  name = 'HoldActions1795340000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "settlement_hold_actions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "redemption_line_id" uuid NOT NULL, "action" character varying(20) NOT NULL, "acted_by" character varying(100) NOT NULL, "note" character varying(500) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_settlement_hold_actions" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "settlement_hold_actions_line_idx" ON "settlement_hold_actions" ("redemption_line_id") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "settlement_hold_actions_outside_uq" ON "settlement_hold_actions" ("redemption_line_id") WHERE "action" = \'settled_outside\'',
    );
    await queryRunner.query('ALTER TABLE "clearing_backlog" ADD "released_at" TIMESTAMP WITH TIME ZONE');
    await queryRunner.query(
      'ALTER TABLE "redemption_lines" ADD "fee_accepted" boolean NOT NULL DEFAULT false',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "redemption_lines" DROP COLUMN "fee_accepted"');
    await queryRunner.query('ALTER TABLE "clearing_backlog" DROP COLUMN "released_at"');
    await queryRunner.query('DROP INDEX "public"."settlement_hold_actions_outside_uq"');
    await queryRunner.query('DROP INDEX "public"."settlement_hold_actions_line_idx"');
    await queryRunner.query('DROP TABLE "settlement_hold_actions"');
  }
}
