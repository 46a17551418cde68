import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { twd } from '@tixclear/domain';
import { postTrustMovements } from '../posting';
import { ReconciliationErrorCode } from '../reconciliation/errors';
import { postPayments } from './posting';
import { reconcilePayments } from './reconcile-payments';
import {
  cancelRefund,
  DATE,
  esvcRefund,
  paidPayment,
  paidPurchase,
  paymentsStack,
  refund,
  STORE,
  type PaymentsStack,
} from './testing/payments-day';

/*
 * The daily reconciliation of payments with the gateway's queryorder, over the engine's own records and the
 * simulator: a clean day finds nothing; money moved at the gateway behind our back is found with its reason.
 */

describe('reconcilePayments', () => {
  let stack: PaymentsStack;
  let payment: { uid: string; key: string };
  let other: { uid: string; key: string };
  let refundUid: string;
  beforeAll(async () => {
    stack = await paymentsStack();
    payment = await paidPayment(stack, 1000);
    other = await paidPayment(stack, 800);
    await refund(stack, payment, 300);
    const cancelled = await refund(stack, payment, 100);
    refundUid = String((cancelled.body.row_data as { refund_uid: unknown }).refund_uid);
    await cancelRefund(stack, refundUid, payment.key);
    await esvcRefund(stack, other, 200);
    const purchase = await paidPurchase(stack, 2, 50);
    await esvcRefund(stack, purchase, 50);
    // A run of the date: the posting's entries name it, and the balance snapshots date their day from it.
    const [{ id: run }] = await stack.db.dataSource.query<[{ id: string }]>(
      `INSERT INTO settlement_runs (period_start, period_end, state, summary) VALUES ($1, $1, 'posting', '{}')
       RETURNING id`,
      [DATE],
    );
    await postTrustMovements(stack.db.dataSource, run, DATE);
    await postPayments(stack.db.dataSource, run, DATE);
  }, 60_000);
  afterAll(async () => {
    await stack.close();
  });

  const deps = () => ({ gateway: stack.gateway, partners: stack.registry });
  const stored = () =>
    stack.db.dataSource.query<{ checked: number; difference_count: number }[]>(
      `SELECT checked, difference_count FROM payments_reconciliations WHERE business_date = $1`,
      [DATE],
    );
  const openItem = () =>
    stack.db.dataSource.query<{ details: { reasons: string[] } }[]>(
      `SELECT details FROM operator_items WHERE kind = 'books_gateway_difference' AND reference = $1
          AND state = 'open'`,
      [`payments:${DATE}`],
    );

  it('finds nothing on a day the gateway and our records agree, and stores that', async () => {
    const result = await reconcilePayments(stack.db.dataSource, deps(), DATE);
    expect(result.differences).toEqual([]);
    // The two payments and the voucher purchase: one query each, whatever moved on them.
    expect(result).toMatchObject({ checked: 3, unchecked: 0 });
    expect(await stored()).toEqual([{ checked: 3, difference_count: 0 }]);
    expect(await openItem()).toEqual([]);
  });

  it('bounds the queries of a date and counts the rest as unchecked', async () => {
    const result = await reconcilePayments(stack.db.dataSource, deps(), DATE, { maxQueries: 1 });
    expect(result).toMatchObject({ checked: 1, unchecked: 2, queryLimit: 1 });
  });

  it('finds a refund done at the gateway behind our back and a refund cancelled there, with the reason', async () => {
    const client = stack.gateway.clientFor(stack.partner);
    const behind = await client.orderRefund({
      store_uid: STORE,
      uid: other.uid,
      key: other.key,
      cost: twd(50),
    });
    const behindUid = String(behind.row_data?.refund_uid);
    const [ours] = await stack.db.dataSource.query<[{ gateway_uid: string }]>(
      `SELECT gateway_uid FROM operations WHERE kind = 'pay_refund' AND request->>'uid' = $1 AND gateway_uid <> $2
        ORDER BY created_at LIMIT 1`,
      [payment.uid, refundUid],
    );
    await client.orderRefundCancel({ store_uid: STORE, uid: ours.gateway_uid, key: payment.key });

    const result = await reconcilePayments(stack.db.dataSource, deps(), DATE);
    expect(result.differences.map((d) => [d.subject, d.reference, d.reason])).toEqual(
      expect.arrayContaining([
        ['refund', behindUid, `refund ${behindUid} of 50 (prc 230) at the gateway, not in our records`],
        [
          'refund',
          ours.gateway_uid,
          `refund ${ours.gateway_uid}: cancelled at the gateway, not in our records`,
        ],
      ]),
    );
    expect(result.differences).toHaveLength(2);
    expect(await stored()).toEqual([{ checked: 3, difference_count: 2 }]);
    const [item] = await openItem();
    expect(item?.details.reasons).toHaveLength(2);
  });

  it('lists an order the gateway will not answer about as a difference, and still asks about the others', async () => {
    stack.sim.control.addFaults({ command: 'queryorder', fault: 'refuse', times: 1 });
    const result = await reconcilePayments(stack.db.dataSource, deps(), DATE);
    expect(result.checked).toBe(3);
    const failed = result.differences.filter((d) => d.subject === 'order');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.reason).toMatch(/^order .+ \(uid \d+\): the gateway's queryorder failed: /);
    // The other orders were still compared: the refund made behind our back is still found.
    expect(result.differences.some((d) => d.reason.includes('at the gateway, not in our records'))).toBe(
      true,
    );
  });

  it('refuses a date that is not one, changing nothing', async () => {
    await expect(reconcilePayments(stack.db.dataSource, deps(), '2026-13-01')).rejects.toMatchObject({
      code: ReconciliationErrorCode.DateInvalid,
    });
  });
});
