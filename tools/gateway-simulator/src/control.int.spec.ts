import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { twd } from '@tixclear/domain';
import type { GatewayClient } from '@tixclear/gateway-client';
import type { RunningSimulator } from './index';
import { clientFor, purchaseRequest, startTestSimulator, STORE } from './testing/harness';
import { startReportReceiver, type ReportReceiver } from './testing/receiver';

/* The control API over HTTP (/_control/*), as a test in another process or a person with curl uses it. */

let sim: RunningSimulator;
let client: GatewayClient;
let receiver: ReportReceiver;

beforeAll(async () => {
  receiver = await startReportReceiver();
  sim = await startTestSimulator({ notifyUrl: receiver.url });
  client = clientFor(sim);
});

afterAll(async () => {
  await sim.close();
  await receiver.close();
});

async function call(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('/_control', () => {
  it('adds, lists, removes and clears fault rules', async () => {
    await call('POST', '/_control/reset');
    const added = await call('POST', '/_control/faults', [
      { command: 'vouchertransaction', fault: 'commit_then_drop', times: 1 },
      { fault: 'latency', ms: 1 },
    ]);
    expect(added.status).toBe(200);
    expect(added.json.added).toEqual([
      expect.objectContaining({ id: 'f1', fault: 'commit_then_drop', times: 1 }),
      expect.objectContaining({ id: 'f2', fault: 'latency' }),
    ]);
    expect((await call('DELETE', '/_control/faults/f2')).json.rules).toHaveLength(1);
    expect((await call('DELETE', '/_control/faults/f9')).status).toBe(404);
    expect((await call('DELETE', '/_control/faults')).json.rules).toEqual([]);
    const bad = await call('POST', '/_control/faults', { fault: 'meteor_strike' });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('replaces the plan with PUT, including pay-off item rates', async () => {
    const plan = await call('PUT', '/_control/faults', {
      rules: [{ fault: 'reset', times: 2 }],
      payoffItemRates: { C2001: 0.5 },
    });
    expect(plan.json).toMatchObject({
      rules: [{ fault: 'reset', remaining: 2 }],
      payoffItemRates: { C2001: 0.5, C2002: 0 },
    });
    await call('DELETE', '/_control/faults');
  });

  it('pays an order, drives a batch and shows the state, the requests and the reports', async () => {
    await call('POST', '/_control/reset', { seed: 3 });
    const opened = await client.voucherPurchase(purchaseRequest('VS-C', { prefix: 'C' }));
    expect((await call('POST', `/_control/orders/${opened.uid}/pay`, { pfn: '27' })).json).toEqual({
      uid: Number(opened.uid),
      code: '250',
      moved: true,
    });
    expect((await call('POST', `/_control/orders/${opened.uid}/cancel`)).json).toMatchObject({
      moved: false,
    });

    await client.payoffCreate({
      store_uid: STORE,
      group_id: 'G/1',
      items: [{ id: 'P1', user_id: 'u', money: twd(5) }],
    });
    const group = encodeURIComponent('G/1');
    await call('POST', `/_control/payoff/${group}/outcomes`, { items: { P1: 'C2002' } });
    expect((await call('POST', `/_control/payoff/${group}/approve`)).json).toMatchObject({
      code: 'S05',
      items: [{ code: 'C2002' }],
    });
    expect((await call('POST', `/_control/payoff/${group}/approve`)).status).toBe(409);
    expect((await call('GET', `/_control/payoff/${group}`)).json).toMatchObject({ code: 'S05' });
    expect((await call('GET', '/_control/payoff/nope')).status).toBe(404);

    const state = (await call('GET', '/_control/state')).json;
    expect(state).toMatchObject({ seed: 3, purchases: [{ orderId: 'VS-C', code: '250', pfn: 'PION' }] });
    expect(state.vouchers).toHaveLength(2);
    expect((await call('GET', '/_control/requests')).json).toEqual(
      expect.arrayContaining([expect.objectContaining({ command: 'voucherservicepurchase', code: '200' })]),
    );
    const reports = await call('GET', '/_control/notifications?settled');
    expect(reports.json).toEqual([
      expect.objectContaining({ command: 'voucherservicepurchase', state: 'delivered' }),
    ]);
  });

  it('ends a deferred payment: 380, then 290 after verification (its vouchers issued)', async () => {
    await call('POST', '/_control/reset', { seed: 4 });
    const opened = await client.voucherPurchase(purchaseRequest('VS-D', { prefix: 'D' }));
    expect((await call('POST', `/_control/orders/${opened.uid}/expire`)).json).toEqual({
      uid: Number(opened.uid),
      code: '380',
      moved: true,
    });
    expect((await client.voucherPurchaseQuery({ store_uid: STORE, order_id: 'VS-D' })).content).toMatchObject(
      {
        code: '380',
      },
    );
    expect((await call('POST', `/_control/orders/${opened.uid}/expire`)).json).toMatchObject({
      moved: false,
    });
    expect((await call('POST', `/_control/orders/${opened.uid}/pay`)).json).toMatchObject({ moved: false });
    expect((await call('POST', `/_control/orders/${opened.uid}/mismatch`)).json).toMatchObject({
      code: '290',
      moved: true,
    });
    expect((await client.voucherPurchaseQuery({ store_uid: STORE, order_id: 'VS-D' })).content).toMatchObject(
      {
        code: '290',
      },
    );
    expect(sim.state.vouchers.filter((v) => v.purchaseOrderId === 'VS-D')).toHaveLength(2);
    expect((await call('POST', '/_control/orders/99999/mismatch')).status).toBe(404);
  });

  it('registers a merchant, which then speaks the protocol', async () => {
    const merchant = {
      uid: 'M77',
      key: 'M77KeyM77KeyM77KeyM77KeyM77Key12',
      feeSchedules: [{ escrowRate: '0.02', gatewayRate: '0.01', issuanceFee: 0, issuanceLayer: 3 }],
    };
    const added = await call('POST', '/_control/merchants', merchant);
    expect(added.json).toEqual({
      uid: 'M77',
      mode: 'store',
      name: 'M77',
      keyIds: ['M77-key'],
      notifyUrl: null,
      notifyFormat: 'form',
      customerType: 'platform',
    });
    expect(JSON.stringify((await call('GET', '/_control/merchants')).json)).not.toContain(merchant.key);
    const other = clientFor(sim, {}, { uid: 'M77', key: merchant.key });
    await expect(other.voucherPurchaseQuery({ store_uid: 'M77', order_id: 'x' })).rejects.toMatchObject({
      gatewayCode: 'B500',
    });
    expect((await call('POST', '/_control/merchants', { uid: 'bad uid!' })).status).toBe(400);
  });

  it('answers 404 and 405 for what it does not know', async () => {
    expect((await call('GET', '/_control/nothing')).status).toBe(404);
    expect((await call('GET', '/_control/reset')).status).toBe(405);
    expect((await fetch(`${sim.url}/health`)).status).toBe(200);
    expect((await fetch(`${sim.url}/voucher/999999.html`)).status).toBe(404);
  });
});
