import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1795307684238 implements MigrationInterface {
  name = 'Initial1795307684238';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"fee_schedules\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"issuer_id\" character varying(64) NOT NULL, \"effective_from\" date NOT NULL, \"escrow_rate\" numeric(9,6) NOT NULL, \"gateway_rate\" numeric(9,6) NOT NULL, \"issuance_fee\" bigint NOT NULL, \"issuance_layer\" smallint NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_ae001408545ef0d0ed96d84662f\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"fee_schedules_issuer_effective_uq\" ON \"fee_schedules\"  (\"issuer_id\", \"effective_from\") ");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"fee_schedules_issuer_effective_uq\"");
    await queryRunner.query("DROP TABLE \"fee_schedules\"");
  }
}
