import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { postTrustMovements } from '../posting';
import { reconcileBooks } from '../reconciliation/reconcile';
import { simulatorSource } from '../reconciliation/simulator-source';
import { postPayments } from './posting';
import { reconcilePayments } from './reconcile-payments';
import {
  DATE,
  NOON,
  paidAgreement,
  paidPayment,
  paymentsStack,
  STORE,
  type PaymentsStack,
} from './testing/payments-day';

/*
 * Recurring charges after the first (seed 001 定期定額): the simulator charges the agreement again and reports the
 * charge with its own uid; the engine's intake stores the report, wakes the agreement, and our own queryorder of
 * the charge's uid makes it a payment of its own, once, which the payments ledger books and both reconciliations
 * match. A report is a hint: one naming another order's uid records nothing, and after our disabledirectdebit a
 * charge the gateway makes anyway is not taken as ours.
 */

describe('recurring charges after the first', () => {
  let stack: PaymentsStack;
  beforeAll(async () => {
    stack = await paymentsStack({ reports: true });
  }, 60_000);
  afterAll(async () => {
    await stack.close();
  });

  const q = <T>(sql: string, params: unknown[] = []) => stack.db.dataSource.query<T>(sql, params);
  const drain = async () => {
    await stack.sim.control.notificationsSettled();
    await stack.ops.waker.drain();
  };
  const agreementId = async (uid: string) =>
    (
      await q<[{ id: string }]>(
        `SELECT id FROM operations WHERE kind = 'payment' AND command = 'orders' AND gateway_uid = $1`,
        [uid],
      )
    )[0].id;
  const charges = (agreement: string) =>
    q<{ id: string; state: string; gateway_uid: string; gateway_code: string }[]>(
      `SELECT id, state, gateway_uid, gateway_code FROM operations
        WHERE kind = 'payment' AND command = 'recurring_charge' AND request->>'agreement' = $1 ORDER BY created_at`,
      [agreement],
    );
  const reportOf = async (uid: number) => {
    const record = (await stack.sim.control.notificationsSettled()).find((n) => n.payload.uid === uid);
    if (!record) throw new Error(`no report of ${uid}`);
    return record;
  };

  it('makes each reported later charge a payment of its own, once, booked and reconciled', async () => {
    const agreement = await paidAgreement(stack, 300);
    await drain();
    const id = await agreementId(agreement.uid);
    expect(await charges(id)).toEqual([]);

    const second = stack.sim.control.charge(Number(agreement.uid));
    expect(second).toMatchObject({ moved: true, nois: 2 });
    await drain();
    const recorded = await charges(id);
    expect(recorded).toEqual([
      expect.objectContaining({ state: 'paid', gateway_uid: String(second.chargeUid), gateway_code: '250' }),
    ]);

    // The same report again, and the agreement woken again: still one charge, one partner report.
    const report = await reportOf(second.chargeUid!);
    const again = await stack.ops.notifications.receive(report.body, 'application/x-www-form-urlencoded');
    expect(again).toEqual({ ack: true, outcome: 'duplicate' });
    await stack.ops.waker.settle(id);
    await stack.ops.waker.drain();
    expect(await charges(id)).toHaveLength(1);
    const told = await q<{ event: string; uid: string; order_id: string; nois: string }[]>(
      `SELECT event, payload->>'uid' AS uid, payload->>'order_id' AS order_id, payload->>'nois' AS nois
         FROM partner_notifications WHERE operation_id = $1`,
      [recorded[0]!.id],
    );
    expect(told).toEqual([
      { event: 'payment', uid: String(second.chargeUid), order_id: agreement.orderId, nois: '2' },
    ]);

    // Booked once each (the first charge and the second), and both reconciliations find no difference.
    const [{ id: run }] = await q<[{ id: string }]>(
      `INSERT INTO settlement_runs (period_start, period_end, state, summary) VALUES ($1, $1, 'exporting', '{}')
       ON CONFLICT (period_start, period_end) DO UPDATE SET state = EXCLUDED.state RETURNING id`,
      [DATE],
    );
    await postTrustMovements(stack.db.dataSource, run, DATE);
    expect(await postPayments(stack.db.dataSource, run, DATE)).toBe(2);
    expect(await postPayments(stack.db.dataSource, run, DATE)).toBe(0);
    const books = await reconcileBooks(stack.db.dataSource, simulatorSource(stack.sim.url), DATE, {
      merchants: [STORE],
    });
    const mine = books.merchants.find((m) => m.merchantUid === STORE);
    expect(mine?.differences).toEqual([]);
    expect(mine?.booksHeld).toBe(600);
    const payments = await reconcilePayments(
      stack.db.dataSource,
      { gateway: stack.gateway, partners: stack.registry },
      DATE,
    );
    expect(payments.differences).toEqual([]);
    expect(payments.checked).toBe(2);
  }, 60_000);

  it('records nothing for a report naming a uid that is not a charge of the agreement', async () => {
    const agreement = await paidAgreement(stack, 200);
    const other = await paidPayment(stack, 500);
    await drain();
    const id = await agreementId(agreement.uid);
    // A forged report: the agreement's order, another order's uid and key (which our query answers as that order).
    const genuine = await reportOf(Number(agreement.uid));
    const forged = new URLSearchParams(genuine.body);
    forged.set('uid', other.uid);
    forged.set('key', other.key);
    forged.set('nois', '2');
    const taken = await stack.ops.notifications.receive(
      forged.toString(),
      'application/x-www-form-urlencoded',
    );
    expect(taken).toEqual({ ack: true, outcome: 'stored' });
    // And one naming a uid the gateway does not know.
    forged.set('uid', '99999999');
    await stack.ops.notifications.receive(forged.toString(), 'application/x-www-form-urlencoded');
    await stack.ops.waker.drain();
    await stack.ops.waker.settle(id);
    expect(await charges(id)).toEqual([]);
  }, 60_000);

  it('does not take as ours a charge the gateway makes after our disabledirectdebit stopped the agreement', async () => {
    const agreement = await paidAgreement(stack, 100, 'W');
    await drain();
    const id = await agreementId(agreement.uid);
    const state = await stack.ops.payments.query(stack.partner, { uid: agreement.uid, key: agreement.key });
    const stopped = await stack.ops.paymentActions.run(stack.partner, 'disabledirectdebit', {
      store_uid: STORE,
      order_id: agreement.orderId,
      group_id: String(state.group_id),
      stop_time: '20261210',
      stop_reason: 'the buyer cancelled',
    });
    expect(stopped.body).toMatchObject({ code: 'B200' });
    try {
      // Before the stop day the charge is the agreement's; from it on, a gateway that charges anyway is not.
      stack.clock.set('2026-12-09T12:00:00+08:00');
      const before = stack.sim.control.charge(Number(agreement.uid));
      stack.clock.set('2026-12-10T12:00:00+08:00');
      expect(stack.sim.control.charge(Number(agreement.uid)).moved).toBe(false);
      const after = stack.sim.control.charge(Number(agreement.uid), { ignoreStop: true });
      expect(after.moved).toBe(true);
      await drain();
      expect((await charges(id)).map((c) => c.gateway_uid)).toEqual([String(before.chargeUid)]);
    } finally {
      stack.clock.set(NOON);
    }
  }, 60_000);
});
