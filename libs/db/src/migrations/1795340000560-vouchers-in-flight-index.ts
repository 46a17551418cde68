import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `vouchers_in_flight_idx`: the vouchers an operation holds in flight (redeeming, refunding, or their unknown
 * outcome). With `vouchers_issued_trust_end_idx` (the issued ones) it finds every voucher sold and not yet
 * ended, so the console's trust check sums the vouchers outstanding without reading every voucher ever sold.
 * Partial: a voucher is in it only between a call's intent and its outcome.
 */
export class VouchersInFlightIndex1795340000560 implements MigrationInterface {
  name = 'VouchersInFlightIndex1795340000560';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "vouchers_in_flight_idx" ON "vouchers" ("state") WHERE state IN ('redeeming', 'redeem_unknown', 'refunding', 'refund_unknown')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."vouchers_in_flight_idx"');
  }
}
