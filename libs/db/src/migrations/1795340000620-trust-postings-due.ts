import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `trust_postings_due`: the purchases paid and the voucher refunds succeeded that the trust posting has not
 * yet taken (libs/settlement/src/posting.ts). A row trigger on `operations` adds one in the transaction that
 * moves the operation into that state (or inserts it there), so none is missed; the posting takes the rows of
 * operations moved by its end date in the statement that posts them, so a night reads that night's operations,
 * never every purchase ever paid. Filled here with the paid purchases and succeeded refunds not yet posted.
 */
export class TrustPostingsDue1795340000620 implements MigrationInterface {
  name = 'TrustPostingsDue1795340000620';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE trust_postings_due (operation_id uuid NOT NULL,
        CONSTRAINT "PK_trust_postings_due" PRIMARY KEY (operation_id))`,
    );
    await queryRunner.query(`CREATE FUNCTION trust_posting_due() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO trust_postings_due (operation_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER operations_trust_posting_due
      AFTER INSERT OR UPDATE OF state ON operations FOR EACH ROW
      WHEN ((NEW.kind = 'purchase' AND NEW.state = 'paid') OR (NEW.kind = 'refund' AND NEW.state = 'succeeded'))
      EXECUTE FUNCTION trust_posting_due()`);
    await queryRunner.query(
      `INSERT INTO trust_postings_due (operation_id)
       SELECT o.id FROM operations o
        WHERE ((o.kind = 'purchase' AND o.state = 'paid') OR (o.kind = 'refund' AND o.state = 'succeeded'))
          AND NOT EXISTS (SELECT 1 FROM journal_entry_keys k WHERE k.kind = o.kind AND k.reference = o.id::text)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER operations_trust_posting_due ON operations');
    await queryRunner.query('DROP FUNCTION trust_posting_due()');
    await queryRunner.query('DROP TABLE trust_postings_due');
  }
}
