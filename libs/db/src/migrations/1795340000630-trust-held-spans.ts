import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `trust_held_spans`: for each paid voucher the trust held at the end of a posted day, the days it was held
 * (`held_from`, its sale's posted day, up to `held_until`, the first posted day it was found released; NULL while
 * held). A voucher sold and released on the same day has none, so a night of vouchers sold and redeemed adds
 * nothing. Written with the balance snapshots (libs/settlement/src/balances/trust-held.ts); the trust register
 * reads the spans open at its date instead of every voucher ever sold. The first posted day is marked stale
 * here, so the next refresh writes the spans of every day already posted (and the balances' closings again).
 */
export class TrustHeldSpans1795340000630 implements MigrationInterface {
  name = 'TrustHeldSpans1795340000630';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE trust_held_spans (voucher_id uuid NOT NULL, held_from date NOT NULL, held_until date,
        CONSTRAINT "PK_trust_held_spans" PRIMARY KEY (voucher_id))`,
    );
    await queryRunner.query(
      `CREATE INDEX trust_held_spans_open_idx ON trust_held_spans (held_from) WHERE held_until IS NULL`,
    );
    await queryRunner.query(`CREATE INDEX trust_held_spans_until_idx ON trust_held_spans (held_until)`);
    await queryRunner.query(
      `UPDATE balance_snapshot_days SET stale = true
        WHERE posted_on = (SELECT min(posted_on) FROM balance_snapshot_days)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE trust_held_spans');
  }
}
