import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed console sign-ins per name and per address in a window (operator_sign_in_failures): the limits hold
 * across API replicas, which in-process counters did not.
 */
export class SignInFailures1795340000530 implements MigrationInterface {
  name = 'SignInFailures1795340000530';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "operator_sign_in_failures" ("key_hash" character(64) NOT NULL, "failures" integer NOT NULL, "window_start" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "operator_sign_in_failures_count_check" CHECK ("failures" > 0), CONSTRAINT "operator_sign_in_failures_pk" PRIMARY KEY ("key_hash"))',
    );
    await queryRunner.query(
      'CREATE INDEX "operator_sign_in_failures_window_idx" ON "operator_sign_in_failures"  ("window_start") ',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "operator_sign_in_failures"');
  }
}
