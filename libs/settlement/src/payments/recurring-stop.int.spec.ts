import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NOON, paidAgreement, paymentsStack, STORE, type PaymentsStack } from './testing/payments-day';

/*
 * A disabledirectdebit whose answer was lost is settled by sending it again (no query shows a stop). Sent again on
 * or after its stop day, the gateway refuses it (B500 停扣日必須大於今日) whether or not the first one stopped the
 * agreement: that refusal says nothing of the first request. Found by npm run simulate's stops under lost_answer.
 */

describe('a stop whose answer was lost, settled after its stop day', () => {
  let stack: PaymentsStack;
  beforeAll(async () => {
    stack = await paymentsStack({ reports: true });
  }, 60_000);
  afterAll(async () => {
    await stack.close();
  });

  const drain = async () => {
    await stack.sim.control.notificationsSettled();
    await stack.ops.waker.drain();
  };

  it('is not failed by the gateway refusing it again, and a charge after its stop day is not ours', async () => {
    const agreement = await paidAgreement(stack, 100, 'W');
    await drain();
    const state = await stack.ops.payments.query(stack.partner, { uid: agreement.uid, key: agreement.key });
    stack.sim.control.addFaults({ command: 'disabledirectdebit', fault: 'commit_then_drop', times: 1 });
    // NOON is 2026-12-05: stopped from tomorrow, the answer lost after the gateway stopped the agreement.
    const stopping = stack.ops.paymentActions.run(stack.partner, 'disabledirectdebit', {
      store_uid: STORE,
      order_id: agreement.orderId,
      group_id: String(state.group_id),
      stop_time: '20261206',
      stop_reason: 'the buyer cancelled',
    });
    await expect(stopping).rejects.toThrow('the outcome is not known yet');
    try {
      stack.clock.set('2026-12-06T00:30:00+08:00');
      await stack.ops.reconciler.runOnce();
      const [stop] = await stack.db.dataSource.query<{ state: string }[]>(
        `SELECT state FROM operations WHERE command = 'disabledirectdebit' AND request->>'order_id' = $1`,
        [agreement.orderId],
      );
      // The gateway stopped it: never failed on our side (open, for a person, until its horizon).
      expect(stop?.state).toBe('outcome_unknown');

      // A gateway that charges on the stop day anyway: not taken as the agreement's.
      stack.clock.set('2026-12-06T12:00:00+08:00');
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
});
