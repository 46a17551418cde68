import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Gateway reports are bounded: reports are found by order (to wake their operation and cap how many one order
 * keeps), the ones still waiting for their query by a partial index, old ones purged by date; reports for
 * orders we do not know are only counted, per day, kind and outcome (`gateway_report_counts`).
 */
export class GatewayReportBounds1795340000001 implements MigrationInterface {
  name = 'GatewayReportBounds1795340000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE INDEX "gateway_notifications_order_idx" ON "gateway_notifications"  ("order_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "gateway_notifications_received_idx" ON "gateway_notifications"  ("received_at") ',
    );
    await queryRunner.query(
      'CREATE INDEX "gateway_notifications_pending_idx" ON "gateway_notifications"  ("received_at") WHERE "outcome" = \'pending\'',
    );
    await queryRunner.query(
      'CREATE TABLE "gateway_report_counts" ("day" date NOT NULL, "kind" character varying(20) NOT NULL, "outcome" character varying(20) NOT NULL, "count" bigint NOT NULL DEFAULT \'0\', "last_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_gateway_report_counts" PRIMARY KEY ("day", "kind", "outcome"))',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "gateway_report_counts"');
    await queryRunner.query('DROP INDEX "public"."gateway_notifications_pending_idx"');
    await queryRunner.query('DROP INDEX "public"."gateway_notifications_received_idx"');
    await queryRunner.query('DROP INDEX "public"."gateway_notifications_order_idx"');
  }
}
