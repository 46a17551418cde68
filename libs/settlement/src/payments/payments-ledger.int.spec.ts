import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ExportWriter } from '../exports/export-writer';
import { postTrustMovements } from '../posting';
import { buildStatements } from '../statements/statement';
import { statementPeriod } from '../statements/period';
import { reconcileBooks } from '../reconciliation/reconcile';
import { simulatorSource } from '../reconciliation/simulator-source';
import { postPayments } from './posting';
import {
  cancelRefund,
  DATE,
  esvcRefund,
  paidPayment,
  paidPurchase,
  paidPurchaseOf,
  paymentsStack,
  refund,
  STORE,
  type PaymentsStack,
} from './testing/payments-day';

/*
 * The payments ledger over a day made by the engine against the simulator: payments, partial refunds, a
 * cancelled refund, esvcrefunds of a payment and of a voucher purchase; the journal balances and the receivable
 * equals what the simulator holds (through the books' reconciliation).
 */

describe('payments ledger', () => {
  let stack: PaymentsStack;
  beforeAll(async () => {
    stack = await paymentsStack();
  }, 60_000);
  afterAll(async () => {
    await stack.close();
  });

  const q = <T>(sql: string, params: unknown[] = []) => stack.db.dataSource.query<T>(sql, params);
  const post = async () => {
    const [{ id: run }] = await q<[{ id: string }]>(
      `INSERT INTO settlement_runs (period_start, period_end, state, summary) VALUES ($1, $1, 'exporting', '{}')
       ON CONFLICT (period_start, period_end) DO UPDATE SET state = EXCLUDED.state RETURNING id`,
      [DATE],
    );
    return (
      (await postTrustMovements(stack.db.dataSource, run, DATE)) +
      (await postPayments(stack.db.dataSource, run, DATE))
    );
  };
  /** The kinds of the operations the payments posting still has due (`payment_postings_due`). */
  const due = async () =>
    (
      await q<{ kind: string }[]>(
        `SELECT o.kind FROM payment_postings_due d JOIN operations o ON o.id = d.operation_id ORDER BY 1`,
      )
    ).map((row) => row.kind);
  const balance = async (account: string, party?: string) =>
    Number(
      (
        await q<[{ sum: string | null }]>(
          `SELECT sum(amount)::text AS sum FROM journal_lines WHERE account = $1 AND ($2::text IS NULL OR party = $2)`,
          [account, party ?? null],
        )
      )[0].sum ?? 0,
    );

  it('books a day of payments and refunds once each, balanced, the receivable equal to the gateway', async () => {
    const a = await paidPayment(stack, 1000);
    const b = await paidPayment(stack, 600);
    const c = await paidPayment(stack, 400);
    expect((await refund(stack, a, 300)).body.code).toBe('B200');
    expect((await refund(stack, a, 200)).body.code).toBe('B200');
    const cancelled = await refund(stack, b, 100);
    const refundUid = String((cancelled.body.row_data as { refund_uid: unknown }).refund_uid);
    expect((await cancelRefund(stack, refundUid, b.key)).body.code).toBe('B200');
    expect((await esvcRefund(stack, c, 150)).body.code).toBe('B200');
    const purchase = await paidPurchase(stack, 3, 50);
    expect((await esvcRefund(stack, purchase, 100)).body.code).toBe('B200');

    // 3 payments, 3 refunds + 1 cancelled, 1 cancel, the purchase and its esvcrefund.
    expect(await post()).toBe(3 + 4 + 1 + 1 + 1);
    expect(await post()).toBe(0);
    expect(await due()).toEqual([]); // every one posted is off the queue of those due

    const unbalanced = await q(
      `SELECT entry_id FROM journal_lines GROUP BY entry_id HAVING sum(amount) <> 0`,
    );
    expect(unbalanced).toEqual([]);
    expect(await balance('payable_payments')).toBe(0 - (1000 + 600 + 400 - 300 - 200 - 150));
    expect(await balance('payable_payments', 'hq:' + STORE)).toBe(-(2000 - 650));
    expect(await balance('trust_liability')).toBe(-(150 - 100));
    const gateway = stack.sim.control.holdings(STORE, DATE.replaceAll('-', '')).total;
    expect(await balance('gateway_receivable', `merchant:${STORE}`)).toBe(gateway);
    expect(gateway).toBe(2000 - 650 + 150 - 100);

    // The esvcrefund of the purchase released exactly two of its vouchers, held by the refund.
    const states = await q<{ state: string; n: string }[]>(
      `SELECT state, count(*)::text AS n FROM vouchers WHERE serial_number = ANY($1) GROUP BY state ORDER BY state`,
      [purchase.serials],
    );
    expect(states).toEqual([
      { state: 'issued', n: '1' },
      { state: 'refunded', n: '2' },
    ]);

    const result = await reconcileBooks(stack.db.dataSource, simulatorSource(stack.sim.url), DATE, {
      merchants: [STORE],
    });
    const mine = result.merchants.find((m) => m.merchantUid === STORE);
    expect(mine?.gatewayHeld).toBe(gateway);
    expect(mine?.booksHeld).toBe(gateway);
    expect(mine?.differences).toEqual([]);

    // The export: the payments ledger (one row per posting), a trial balance at zero, the partner's statement.
    const root = mkdtempSync(path.join(tmpdir(), 'tixclear-payments-'));
    try {
      const exported = await new ExportWriter(stack.db.dataSource, root).exportRange(DATE, DATE);
      const csv = (name: string) =>
        readFileSync(path.join(exported.directory, name), 'utf8').trim().split(/\r?\n/).slice(1);
      const payments = csv('payments.csv');
      expect(payments).toHaveLength(3 + 4 + 1 + 1);
      expect(payments.filter((row) => row.includes(',payment,')).map((row) => row.split(',').at(-1))).toEqual(
        expect.arrayContaining(['1000', '600', '400']),
      );
      const total = csv('trial-balance.csv').find((row) => row.startsWith('TOTAL'));
      expect(total?.split(',')[4]).toBe('0');
      expect(csv('trial-balance.csv').some((row) => row.startsWith('payable_payments,'))).toBe(true);
      // The vouchers the esvcrefund released are in the refunds register, and out of the trust register.
      const released = csv('register-refunds.csv').filter((row) =>
        purchase.serials.some((s) => row.includes(s)),
      );
      expect(released).toHaveLength(2);
      const trust = csv('register-trust.csv').filter((row) => purchase.serials.some((s) => row.includes(s)));
      expect(trust).toHaveLength(1);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    const [statement] = await buildStatements(stack.db.dataSource, statementPeriod(DATE), STORE);
    const payments = statement?.lines.filter((l) => l.section === 'payments');
    expect(payments?.map((l) => [l.item, l.count, l.amount])).toEqual([
      ['received', 3, 2000],
      ['refunded', 4, -(300 + 200 + 100 + 150)],
      ['refund_cancelled', 1, 100],
      ['net', '', 2000 - 650],
    ]);
    expect(statement?.lines.find((l) => l.section === 'refunds')).toMatchObject({ count: 2, amount: 100 });
  }, 60_000);

  it('books a payment paid with another amount (290) as the gateway took it; the operator accepting it posts nothing', async () => {
    const opened = await stack.ops.payments.open(stack.partner, {
      store_uid: STORE,
      user_id: 'phper',
      cost: 700,
      currency: 'TWD',
      order_id: `PM${Date.now().toString(36)}`,
      ip: '127.0.0.1',
      pfn: 'CREDITCARD',
      items: [{ id: 'P01', name: '演唱會門票', cost: 700, amount: 1, total: 700 }],
    });
    const order = { uid: String(opened.body.uid), key: String(opened.body.key) };
    expect(stack.sim.control.endDeferred(Number(order.uid), 'mismatch')).toMatchObject({ code: '290' });
    await stack.ops.payments.query(stack.partner, order);
    const [payment] = await q<[{ id: string; state: string; gateway_code: string }]>(
      `SELECT id, state, gateway_code FROM operations WHERE kind = 'payment' AND gateway_uid = $1`,
      [order.uid],
    );
    expect(payment).toMatchObject({ state: 'paid', gateway_code: '290' });
    const before = await balance('gateway_receivable', `merchant:${STORE}`);
    expect(await post()).toBe(1);
    await stack.ops.paidMismatch.accept(payment.id, 'spec');
    expect(await post()).toBe(0);
    const gateway = stack.sim.control.holdings(STORE, DATE.replaceAll('-', '')).total;
    expect(await balance('gateway_receivable', `merchant:${STORE}`)).toBe(gateway);
    expect(gateway - before).toBe(700);
  }, 60_000);

  it('does not book an esvcrefund of a purchase no set of its unused vouchers makes, and says so', async () => {
    const purchase = await paidPurchase(stack, 2, 50);
    expect((await esvcRefund(stack, purchase, 70)).body.code).toBe('B200');
    await post();
    const [operation] = await q<[{ id: string }]>(
      `SELECT id FROM operations WHERE kind = 'pay_refund' AND request->>'uid' = $1`,
      [purchase.uid],
    );
    expect(await q(`SELECT 1 FROM journal_entries WHERE reference = $1`, [operation.id])).toEqual([]);
    const items = await q<{ reference: string }[]>(
      `SELECT reference FROM operator_items WHERE kind = 'books_gateway_difference' AND state = 'open'`,
    );
    expect(items.map((i) => i.reference)).toContain(`payment:${operation.id}`);
    expect(await due()).toEqual(['pay_refund']); // read again by each run while its item is open
    const states = await q<{ state: string }[]>(`SELECT state FROM vouchers WHERE serial_number = ANY($1)`, [
      purchase.serials,
    ]);
    expect(states.map((s) => s.state)).toEqual(['issued', 'issued']);

    // The books' reconciliation names it by the gateway's refund uid: our esvcrefund, on an operator's queue.
    const [{ gateway_uid: refundUid }] = await q<[{ gateway_uid: string }]>(
      `SELECT gateway_uid FROM operations WHERE id = $1`,
      [operation.id],
    );
    const result = await reconcileBooks(stack.db.dataSource, simulatorSource(stack.sim.url), DATE, {
      merchants: [STORE],
    });
    const unbooked = result.merchants
      .find((m) => m.merchantUid === STORE)
      ?.differences.filter((d) => d.reference === refundUid);
    expect(unbooked).toEqual([
      expect.objectContaining({
        subject: 'refund',
        gateway: -70,
        operation: operation.id,
        queued: ['books_gateway_difference'],
      }),
    ]);

    // Resolved by a person: later runs neither book it nor raise it again.
    await q(
      `UPDATE operator_items SET state = 'resolved', resolved_at = now(), resolved_by = 'spec', resolution = 'booked'
        WHERE kind = 'books_gateway_difference' AND reference = $1`,
      [`payment:${operation.id}`],
    );
    await post();
    const again = await q<{ state: string }[]>(
      `SELECT state FROM operator_items WHERE kind = 'books_gateway_difference' AND reference = $1`,
      [`payment:${operation.id}`],
    );
    expect(again).toEqual([{ state: 'resolved' }]);
    expect(await due()).toEqual([]);
  }, 60_000);

  it('reads the queue of those due, not the history: a payment it does not name is not posted', async () => {
    const payment = await paidPayment(stack, 250);
    const [operation] = await q<[{ id: string }]>(
      `SELECT id FROM operations WHERE kind = 'payment' AND gateway_uid = $1`,
      [payment.uid],
    );
    expect(await due()).toEqual(['payment']); // queued by the trigger when it was paid
    await q(`DELETE FROM payment_postings_due WHERE operation_id = $1`, [operation.id]);
    expect(await post()).toBe(0);
    await q(`INSERT INTO payment_postings_due (operation_id) VALUES ($1)`, [operation.id]);
    expect(await post()).toBe(1);
    expect(await post()).toBe(0);
    expect(await due()).toEqual([]);
  }, 60_000);
  it('releases the fewest vouchers worth exactly the refund, not the largest first (60, 50, 50 refunding 100)', async () => {
    const purchase = await paidPurchaseOf(stack, [60, 50, 50]);
    expect((await esvcRefund(stack, purchase, 100)).body.code).toBe('B200');
    await post();
    const [operation] = await q<[{ id: string }]>(
      `SELECT id FROM operations WHERE kind = 'pay_refund' AND request->>'uid' = $1`,
      [purchase.uid],
    );
    const states = await q<{ serial_number: string; state: string; holder_operation_id: string | null }[]>(
      `SELECT serial_number, state, holder_operation_id FROM vouchers WHERE serial_number = ANY($1) ORDER BY serial_number`,
      [purchase.serials],
    );
    expect(states).toEqual([
      { serial_number: purchase.serials[0], state: 'issued', holder_operation_id: null },
      { serial_number: purchase.serials[1], state: 'refunded', holder_operation_id: operation.id },
      { serial_number: purchase.serials[2], state: 'refunded', holder_operation_id: operation.id },
    ]);
    const lines = await q<{ account: string; amount: string }[]>(
      `SELECT l.account, l.amount::text AS amount FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
        WHERE e.kind = 'payment_refund' AND e.reference = $1 ORDER BY l.account`,
      [operation.id],
    );
    expect(lines).toEqual([
      { account: 'gateway_receivable', amount: '-100' },
      { account: 'trust_liability', amount: '100' },
    ]);
    const raised = await q(
      `SELECT 1 FROM operator_items WHERE kind = 'books_gateway_difference' AND reference = $1`,
      [`payment:${operation.id}`],
    );
    expect(raised).toEqual([]);
  }, 60_000);
});
