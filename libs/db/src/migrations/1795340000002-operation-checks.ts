import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each open operation gets its own next check (OperationEntity.nextCheckAt), so that the reconciler takes what
 * is due, oldest due first, and an open answer pushes the operation back: a crowd of unpaid purchases can no
 * longer hide an unknown redemption behind it. `watched_since` is when the reconciler first saw the operation,
 * on its Clock: the ages it judges (never arrived, payment deadline, horizon) count from there.
 */
export class OperationChecks1795340000002 implements MigrationInterface {
  name = 'OperationChecks1795340000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "operations" ADD "next_check_at" TIMESTAMP WITH TIME ZONE');
    await queryRunner.query('ALTER TABLE "operations" ADD "watched_since" TIMESTAMP WITH TIME ZONE');
    await queryRunner.query(
      `CREATE INDEX "operations_next_check_idx" ON "operations" ("next_check_at") WHERE state IN ('submitted', 'outcome_unknown', 'awaiting_payment', 'expired')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."operations_next_check_idx"');
    await queryRunner.query('ALTER TABLE "operations" DROP COLUMN "watched_since"');
    await queryRunner.query('ALTER TABLE "operations" DROP COLUMN "next_check_at"');
  }
}
