import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The console's operators, their sessions and one-time sign-in links (only hashes of secrets), and the
 * operators' audit trail, append-only: a trigger refuses UPDATE, DELETE and TRUNCATE on it whatever the role.
 */
export class OperatorConsole1795340000400 implements MigrationInterface {
  name = 'OperatorConsole1795340000400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "operator_audit" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "actor" character varying(64) NOT NULL, "actor_role" character varying(16), "action" character varying(60) NOT NULL, "target" character varying(200), "before" jsonb, "after" jsonb, "result" character varying(60) NOT NULL, "client_address" character varying(64), CONSTRAINT "PK_a8b3a0f3ea7cf7e4a0911811655" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "operator_audit_action_idx" ON "operator_audit"  ("action", "at") ',
    );
    await queryRunner.query('CREATE INDEX "operator_audit_actor_idx" ON "operator_audit"  ("actor", "at") ');
    await queryRunner.query('CREATE INDEX "operator_audit_at_idx" ON "operator_audit"  ("at") ');
    await queryRunner.query(
      'CREATE TABLE "operators" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(64) NOT NULL, "role" character varying(16) NOT NULL, "password_hash" character varying(256), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "disabled_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "operators_role_check" CHECK ("role" IN (\'viewer\', \'finance\', \'operator\', \'admin\')), CONSTRAINT "PK_3d02b3692836893720335a79d1b" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "operators_name_uq" ON "operators"  ("name") ');
    await queryRunner.query(
      'CREATE TABLE "operator_login_links" ("token_hash" character(64) NOT NULL, "operator_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_a83855f95b518dd6f6bb10ae804" PRIMARY KEY ("token_hash"))',
    );
    await queryRunner.query(
      'CREATE TABLE "operator_sessions" ("id_hash" character(64) NOT NULL, "operator_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_15a7375e1d771f9464c2669e2c3" PRIMARY KEY ("id_hash"))',
    );
    await queryRunner.query(
      'CREATE INDEX "operator_sessions_operator_idx" ON "operator_sessions"  ("operator_id") ',
    );
    await queryRunner.query(
      'ALTER TABLE "operator_login_links" ADD CONSTRAINT "operator_login_links_operator_fk" FOREIGN KEY ("operator_id") REFERENCES "operators"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "operator_sessions" ADD CONSTRAINT "operator_sessions_operator_fk" FOREIGN KEY ("operator_id") REFERENCES "operators"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      `CREATE FUNCTION operator_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'operator_audit is append-only' USING ERRCODE = 'insufficient_privilege'; END $$`,
    );
    await queryRunner.query(
      'CREATE TRIGGER operator_audit_no_change BEFORE UPDATE OR DELETE ON "operator_audit" FOR EACH ROW EXECUTE FUNCTION operator_audit_append_only()',
    );
    await queryRunner.query(
      'CREATE TRIGGER operator_audit_no_truncate BEFORE TRUNCATE ON "operator_audit" FOR EACH STATEMENT EXECUTE FUNCTION operator_audit_append_only()',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER operator_audit_no_truncate ON "operator_audit"');
    await queryRunner.query('DROP TRIGGER operator_audit_no_change ON "operator_audit"');
    await queryRunner.query('DROP FUNCTION operator_audit_append_only()');
    await queryRunner.query(
      'ALTER TABLE "operator_sessions" DROP CONSTRAINT "operator_sessions_operator_fk"',
    );
    await queryRunner.query(
      'ALTER TABLE "operator_login_links" DROP CONSTRAINT "operator_login_links_operator_fk"',
    );
    await queryRunner.query('DROP INDEX "public"."operator_sessions_operator_idx"');
    await queryRunner.query('DROP TABLE "operator_sessions"');
    await queryRunner.query('DROP TABLE "operator_login_links"');
    await queryRunner.query('DROP INDEX "public"."operators_name_uq"');
    await queryRunner.query('DROP TABLE "operators"');
    await queryRunner.query('DROP INDEX "public"."operator_audit_at_idx"');
    await queryRunner.query('DROP INDEX "public"."operator_audit_actor_idx"');
    await queryRunner.query('DROP INDEX "public"."operator_audit_action_idx"');
    await queryRunner.query('DROP TABLE "operator_audit"');
  }
}
