import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock } from '@tixclear/gateway-simulator';
import { paymentRequest } from './payments-requests';
import { eventually, startStack, type Stack } from './stack';

/*
 * Recurring charges after the first (seed 001 定期定額), end to end: the API over HTTP opens a monthly
 * agreement, the simulator's page pays it (charge 1), then the simulator's clock moves a month and it charges
 * again by itself (charge 2, its own uid) and reports it to the API's /gateway/notify. The API's intake stores the
 * report and its own queryorder of the charge's uid makes it a payment of its own, once; a second report of it
 * changes nothing; after our disabledirectdebit the simulator charges no more.
 */

describe('recurring charges (API and simulator over HTTP)', () => {
  let stack: Stack;
  const clock = new ManualClock(new Date());
  beforeAll(async () => {
    stack = await startStack({ simulator: { clock } });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const q = <T>(sql: string, params: unknown[] = []) => stack.db.dataSource.query<T>(sql, params);
  const charges = (uid: string) =>
    q<{ id: string; state: string; gateway_uid: string; gateway_code: string }[]>(
      `SELECT c.id, c.state, c.gateway_uid, c.gateway_code FROM operations c
         JOIN operations a ON a.id::text = c.request->>'agreement'
        WHERE c.command = 'recurring_charge' AND a.gateway_uid = $1 ORDER BY c.created_at`,
      [uid],
    );

  it('takes each later charge the simulator makes on its clock as a payment of its own, once', async () => {
    const request = { ...paymentRequest(400), regular: 'M', regular_total: '0' };
    const opened = await stack.call('orders', request);
    expect(opened.body).toMatchObject({ code: '200' });
    const uid = String(opened.body.uid);
    const key = String(opened.body.key);
    expect((await fetch(String(opened.body.url), { method: 'POST' })).status).toBe(200);
    await eventually(async () => {
      const [row] = await q<{ state: string }[]>(`SELECT state FROM operations WHERE gateway_uid = $1`, [
        uid,
      ]);
      return row?.state === 'paid' ? row : undefined;
    });
    expect(stack.sim.control.chargeDue()).toEqual([]);

    // A month on, the simulator charges by itself and reports the charge under its own uid.
    clock.advance(31 * 86_400_000);
    const [due] = stack.sim.control.chargeDue();
    expect(due).toMatchObject({ uid: Number(uid), nois: 2 });
    const recorded = await eventually(async () => {
      const rows = await charges(uid);
      return rows.length > 0 ? rows : undefined;
    });
    expect(recorded).toEqual([
      expect.objectContaining({ state: 'paid', gateway_uid: String(due!.chargeUid), gateway_code: '250' }),
    ]);

    // The agreement answers the partner's query as before: its own first charge.
    const asked = await stack.call('queryorder', { uid, key });
    expect(asked.body).toMatchObject({ uid: Number(uid), nois: '1', order_id: request.order_id });

    // The same report delivered again: acknowledged, nothing new.
    const report = (await stack.sim.control.notificationsSettled()).find(
      (n) => n.payload.uid === due!.chargeUid,
    );
    const again = await fetch(`${stack.apiUrl}/gateway/notify`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: report!.body,
    });
    expect((await again.text()).trim()).toBe('8888');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await charges(uid)).toHaveLength(1);

    // Stopped by our disabledirectdebit from tomorrow: a month later the simulator charges nothing.
    const group = String(asked.body.group_id);
    const tomorrow = new Date(clock.now().getTime() + 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
    const stopped = await stack.call('disabledirectdebit', {
      store_uid: request.store_uid,
      order_id: request.order_id,
      group_id: group,
      stop_time: tomorrow.replaceAll('-', ''),
      stop_reason: 'cancelled',
    });
    expect(stopped.body).toMatchObject({ code: 'B200' });
    clock.advance(31 * 86_400_000);
    expect(stack.sim.control.chargeDue()).toEqual([]);
    expect(await charges(uid)).toHaveLength(1);
  }, 60_000);
});
