import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `payment_postings_due`: the PayPage payments paid, money refunds succeeded and refund cancels succeeded that
 * the payments ledger has not yet posted (libs/settlement/src/payments/posting.ts), so a night reads those, not
 * every payment ever made. A row trigger on `operations` adds one in the transaction that moves the operation
 * into that state (or inserts it there), so none is missed; `payment_posting_is_due` is the one rule, for the
 * trigger and for the posting's clean-up. The posting takes a row off once its entry exists (or a person
 * resolved it, or the operation left the state): a row left behind is read again, never posted twice.
 * Filled here with those not yet posted.
 */
export class PaymentPostingsDue1795340000650 implements MigrationInterface {
  name = 'PaymentPostingsDue1795340000650';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE payment_postings_due (operation_id uuid NOT NULL,
        CONSTRAINT "PK_payment_postings_due" PRIMARY KEY (operation_id))`,
    );
    await queryRunner.query(`CREATE FUNCTION payment_posting_is_due(kind text, command text, state text)
      RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
        SELECT (kind = 'payment' AND state = 'paid') OR (kind = 'pay_refund' AND state = 'succeeded')
            OR (kind = 'pay_action' AND command = 'refundcancel' AND state = 'succeeded')
      $$`);
    await queryRunner.query(`CREATE FUNCTION payment_posting_due() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO payment_postings_due (operation_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER operations_payment_posting_due
      AFTER INSERT OR UPDATE OF state ON operations FOR EACH ROW
      WHEN (payment_posting_is_due(NEW.kind, NEW.command, NEW.state))
      EXECUTE FUNCTION payment_posting_due()`);
    await queryRunner.query(
      `INSERT INTO payment_postings_due (operation_id)
       SELECT o.id FROM operations o
        WHERE o.kind IN ('payment', 'pay_refund', 'pay_action') AND payment_posting_is_due(o.kind, o.command, o.state)
          AND NOT EXISTS (SELECT 1 FROM journal_entry_keys k
                           WHERE k.kind IN ('payment', 'payment_refund', 'refund_cancel') AND k.reference = o.id::text)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER operations_payment_posting_due ON operations');
    await queryRunner.query('DROP FUNCTION payment_posting_due()');
    await queryRunner.query('DROP FUNCTION payment_posting_is_due(text, text, text)');
    await queryRunner.query('DROP TABLE payment_postings_due');
  }
}
