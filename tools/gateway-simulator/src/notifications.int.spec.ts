import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { twd } from '@tixclear/domain';
import { parseNotification, type GatewayClient } from '@tixclear/gateway-client';
import type { RunningSimulator } from './index';
import {
  buyVouchers,
  clientFor,
  purchaseRequest,
  redeemRequest,
  startTestSimulator,
  STORE,
} from './testing/harness';
import { startReportReceiver, type ReportReceiver } from './testing/receiver';

/*
 * Background reports to a local node:http receiver: retried until the body is 8888, 5 attempts at most,
 * readable by the client's own report parser, and duplicated, reordered or suppressed on request.
 */

let receiver: ReportReceiver;
let sim: RunningSimulator;
let client: GatewayClient;

beforeAll(async () => {
  receiver = await startReportReceiver();
  sim = await startTestSimulator({ notifyUrl: receiver.url, notifications: { backoffMs: [5, 10] } });
  client = clientFor(sim);
});

afterAll(async () => {
  await sim.close();
  await receiver.close();
});

beforeEach(() => {
  sim.control.reset();
  receiver.received.length = 0;
  receiver.script([]);
});

const parsed = (index: number) => {
  const report = receiver.received[index];
  if (report === undefined) throw new Error(`no report #${index}`);
  return parseNotification({ body: report.body, contentType: report.contentType });
};

describe('reports', () => {
  it('are repeated until the merchant answers 8888', async () => {
    receiver.script(['', 'ERROR']);
    const opened = await buyVouchers(sim, client, 'VS-N1');
    const [record] = await sim.control.notificationsSettled();
    expect(record).toMatchObject({ command: 'voucherservicepurchase', state: 'delivered' });
    expect(record?.attempts.map((a) => a.body)).toEqual(['', 'ERROR', '8888']);
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    const report = parsed(0);
    expect(report.kind).toBe('purchase');
    expect(report.report).toMatchObject({
      uid: opened.uid,
      key: opened.key,
      code: '250',
      order_id: 'VS-N1',
      actual_cost: 100,
    });
  });

  it('are given up after 5 attempts in all', async () => {
    receiver.script([], 'no');
    await buyVouchers(sim, client, 'VS-N2');
    const [record] = await sim.control.notificationsSettled();
    expect(record?.state).toBe('failed');
    expect(record?.attempts).toHaveLength(5);
    expect(receiver.received).toHaveLength(5);
  });

  it('count an unreachable merchant as a failed attempt', async () => {
    const lonely = await startTestSimulator({
      notifyUrl: 'http://127.0.0.1:9/nobody',
      notifications: { backoffMs: [1] },
    });
    try {
      await buyVouchers(lonely, clientFor(lonely), 'VS-N3');
      const [record] = await lonely.control.notificationsSettled();
      expect(record?.state).toBe('failed');
      expect(record?.attempts.every((a) => a.error !== undefined)).toBe(true);
      expect(record?.attempts).toHaveLength(5);
    } finally {
      await lonely.close();
    }
  });

  it('follow redemptions and refunds, and abandoned purchases', async () => {
    await buyVouchers(sim, client, 'VS-N4', { prefix: 'N', amount: 3 });
    await client.voucherRedeem(redeemRequest('VT-N4', ['N1']));
    await client.voucherRefund({
      store_uid: STORE,
      order_id: 'VR-N4',
      items: [{ id: 'H01', serial_number: 'N2' }],
    });
    const abandoned = await client.voucherPurchase(purchaseRequest('VS-N5'));
    sim.control.cancel(Number(abandoned.uid));
    await sim.control.notificationsSettled();
    const kinds = receiver.received
      .map((_, i) => parsed(i))
      .map((n) => [n.kind, (n.report as { code: string }).code]);
    expect(kinds).toEqual([
      ['purchase', '250'],
      ['redemption', '250'],
      ['refund', '230'],
      ['purchase', 'A0002'],
    ]);
    const redemption = parsed(1);
    expect(redemption.kind === 'redemption' && redemption.report.items?.[0]?.fee?.reimbursement).toBe(35);
  });

  it('can be posted as JSON instead of form fields', async () => {
    sim.control.addMerchant({
      uid: STORE,
      key: 'g4LxEvWTz4ftVrsjei9zIaJLnjXo1QG0',
      notifyUrl: receiver.url,
      notifyFormat: 'json',
      feeSchedules: [{ escrowRate: '0.02', gatewayRate: '0.01', issuanceFee: 1, issuanceLayer: 2 }],
    });
    await buyVouchers(sim, client, 'VS-JSON');
    await sim.control.notificationsSettled();
    expect(receiver.received[0]?.contentType).toBe('application/json');
    expect(JSON.parse(receiver.received[0]?.body ?? '{}')).toMatchObject({
      order_id: 'VS-JSON',
      code: '250',
    });
  });

  it('report PayPage payments (交易完成回傳資訊)', async () => {
    const order = await client.orderCreate({
      store_uid: STORE,
      user_id: 'u',
      order_id: 'PO-N',
      ip: '127.0.0.1',
      cost: twd(10),
      items: [{ id: '1', name: 'x', cost: twd(10), amount: 1, total: twd(10) }],
    });
    sim.control.pay(Number(order.uid));
    await sim.control.notificationsSettled();
    expect(parsed(0)).toMatchObject({
      kind: 'payment',
      report: { uid: order.uid, prc: '250', order_id: 'PO-N', cost: 10 },
    });
  });
});

describe('report faults', () => {
  it('notify_duplicate delivers the same report twice', async () => {
    sim.control.addFaults({ fault: 'notify_duplicate', command: 'voucherservicepurchase', times: 1 });
    await buyVouchers(sim, client, 'VS-D');
    const records = await sim.control.notificationsSettled();
    expect(records.map((r) => r.copy)).toEqual(['original', 'duplicate']);
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[0]?.body).toBe(receiver.received[1]?.body);
  });

  it('notify_out_of_order holds a report back until the next one has gone out', async () => {
    sim.control.addFaults({
      fault: 'notify_out_of_order',
      command: 'voucherservicepurchase',
      times: 1,
      ms: 5_000,
    });
    await buyVouchers(sim, client, 'VS-FIRST');
    await buyVouchers(sim, client, 'VS-SECOND');
    await sim.control.notificationsSettled();
    const orderIds = receiver.received.map((_, i) => (parsed(i).report as { order_id: string }).order_id);
    expect(orderIds).toEqual(['VS-SECOND', 'VS-FIRST']);
  });

  it('notify_out_of_order gives up holding after `ms` when nothing follows', async () => {
    sim.control.addFaults({ fault: 'notify_out_of_order', times: 1, ms: 20 });
    await buyVouchers(sim, client, 'VS-ALONE');
    const [record] = await sim.control.notificationsSettled();
    expect(record?.state).toBe('delivered');
  });

  it('notify_suppress sends nothing (the merchant must query)', async () => {
    sim.control.addFaults({ fault: 'notify_suppress', command: 'vouchertransaction' });
    await buyVouchers(sim, client, 'VS-S', { prefix: 'S' });
    await client.voucherRedeem(redeemRequest('VT-S', ['S1']));
    const records = await sim.control.notificationsSettled();
    expect(records.map((r) => [r.command, r.state])).toEqual([
      ['voucherservicepurchase', 'delivered'],
      ['vouchertransaction', 'suppressed'],
    ]);
    expect(receiver.received).toHaveLength(1);
  });
});
