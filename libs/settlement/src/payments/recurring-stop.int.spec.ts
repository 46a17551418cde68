import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NOON, paidAgreement, paymentsStack, STORE, type PaymentsStack } from './testing/payments-day';

/*
 * A disabledirectdebit whose answer was lost is settled by sending it again (no query shows a stop). Sent again on
 * or after its stop day, the gateway refuses it (B500 停扣日必須大於今日) whether or not the first one stopped the
 * agreement: that refusal says nothing of the first request, unless the stop day was already past when it was
 * first sent. Found by npm run simulate's stops under lost_answer.
 */

describe('a stop whose answer was lost, settled after its stop day', () => {
  let stack: PaymentsStack;
  beforeAll(async () => {
    stack = await paymentsStack({ reports: true });
  }, 60_000);
  afterAll(async () => {
    await stack.close();
  });

  // Our operations' created_at is PostgreSQL's clock: the simulated clock starts at the real now here.
  const DAY = 86_400_000;
  const taipeiDate = (at: number) => new Date(at + 8 * 3_600_000).toISOString().slice(0, 10);
  const taipeiDay = (at: number) => taipeiDate(at).replace(/-/g, '');

  const drain = async () => {
    await stack.sim.control.notificationsSettled();
    await stack.ops.waker.drain();
  };

  it('is not failed by the gateway refusing it again, and a charge after its stop day is not ours', async () => {
    const now = Date.now();
    stack.clock.set(new Date(now));
    const agreement = await paidAgreement(stack, 100, 'W');
    await drain();
    const state = await stack.ops.payments.query(stack.partner, { uid: agreement.uid, key: agreement.key });
    stack.sim.control.addFaults({ command: 'disabledirectdebit', fault: 'commit_then_drop', times: 1 });
    // Stopped from tomorrow, the answer lost after the gateway stopped the agreement.
    const stopping = stack.ops.paymentActions.run(stack.partner, 'disabledirectdebit', {
      store_uid: STORE,
      order_id: agreement.orderId,
      group_id: String(state.group_id),
      stop_time: taipeiDay(now + DAY),
      stop_reason: 'the buyer cancelled',
    });
    await expect(stopping).rejects.toThrow('the outcome is not known yet');
    try {
      stack.clock.set(`${taipeiDate(now + DAY)}T00:30:00+08:00`);
      await stack.ops.reconciler.runOnce();
      const [stop] = await stack.db.dataSource.query<{ state: string }[]>(
        `SELECT state FROM operations WHERE command = 'disabledirectdebit' AND request->>'order_id' = $1`,
        [agreement.orderId],
      );
      // The gateway stopped it: never failed on our side (open, for a person, until its horizon).
      expect(stop?.state).toBe('outcome_unknown');

      // A gateway that charges on the stop day anyway: not taken as the agreement's.
      stack.clock.set(`${taipeiDate(now + DAY)}T12:00:00+08:00`);
      expect(stack.sim.control.charge(Number(agreement.uid), { ignoreStop: true }).moved).toBe(true);
      await drain();
      const charges = await stack.db.dataSource.query<unknown[]>(
        `SELECT 1 FROM operations c JOIN operations a ON a.id::text = c.request->>'agreement'
          WHERE c.command = 'recurring_charge' AND a.gateway_uid = $1`,
        [agreement.uid],
      );
      expect(charges).toEqual([]);
    } finally {
      stack.clock.set(NOON);
    }
  }, 60_000);

  it('is failed when its stop day was already past when first sent (refused then too)', async () => {
    const now = Date.now();
    stack.clock.set(new Date(now));
    const agreement = await paidAgreement(stack, 100, 'W');
    await drain();
    const state = await stack.ops.payments.query(stack.partner, { uid: agreement.uid, key: agreement.key });
    stack.sim.control.addFaults({
      command: 'disabledirectdebit',
      fault: 'http_status',
      status: 503,
      times: 1,
    });
    const stopping = stack.ops.paymentActions.run(stack.partner, 'disabledirectdebit', {
      store_uid: STORE,
      order_id: agreement.orderId,
      group_id: String(state.group_id),
      stop_time: taipeiDay(now),
      stop_reason: 'the buyer cancelled',
    });
    await expect(stopping).rejects.toThrow('the outcome is not known yet');
    try {
      stack.clock.set(new Date(now + 10 * 60_000));
      await stack.ops.reconciler.runOnce();
      const [stop] = await stack.db.dataSource.query<{ state: string; gateway_code: string }[]>(
        `SELECT state, gateway_code FROM operations
          WHERE command = 'disabledirectdebit' AND request->>'order_id' = $1`,
        [agreement.orderId],
      );
      expect(stop).toEqual({ state: 'failed', gateway_code: 'B500' });
    } finally {
      stack.clock.set(NOON);
    }
  }, 60_000);
});
