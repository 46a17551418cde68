import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { twd } from '@tixclear/domain';
import type { GatewayClient } from '@tixclear/gateway-client';
import type { RunningSimulator } from './index';
import { ManualClock } from './ports';
import {
  buyVouchers,
  clientFor,
  openPaypageOrder,
  PAYPAGE,
  redeemRequest,
  sendPaypage,
  startTestSimulator,
  STORE,
} from './testing/harness';

/*
 * The money the gateway holds per merchant, moved by the flows themselves: voucher purchases paid and refunded,
 * the fees it keeps on redemptions (online and offline), PayPage payments and refunds (a cancelled refund gives
 * the money back), pay-off items remitted. Read as the books will read it: GET /_control/holdings/<uid>?date=.
 */

const clock = new ManualClock('2026-12-05T10:00:00+08:00');
let sim: RunningSimulator;
let client: GatewayClient;

beforeAll(async () => {
  sim = await startTestSimulator({ clock });
  client = clientFor(sim);
});

afterAll(async () => {
  await sim.close();
});

beforeEach(() => {
  sim.control.reset();
  clock.set('2026-12-05T10:00:00+08:00');
});

async function holdings(uid: string, date?: string) {
  const query = date === undefined ? '' : `?date=${date}`;
  const response = await fetch(`${sim.url}/_control/holdings/${uid}${query}`);
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('money held per merchant', () => {
  it('voucher purchase +, voucher refund −, escrow + gateway fees of each paid voucher redeemed −', async () => {
    // 3 vouchers of 50 bought, one gift: 150 held. The gift is free (no fee).
    await buyVouchers(sim, client, 'VS1', { amount: 3, gifts: 1, prefix: 'H' });
    expect(sim.control.holdings(STORE).byKind.voucher_purchase_paid).toBe(150);
    await client.voucherRefund({
      store_uid: STORE,
      order_id: 'RF1',
      items: [{ id: 'H01', serial_number: 'H1' }],
    });
    // Seed 000's sample split of a 50 voucher: escrow 1 + gateway 1 kept by the gateway.
    await client.voucherRedeem(redeemRequest('VT1', ['H2', 'HG1']));
    const token = sim.state.vouchers.find((v) => v.customSerialNo === 'H3')?.payToken ?? '';
    await client.voucherOffline({
      order_id: 'VO1',
      pay_token: token,
      reimbursement_from_type: 1,
      reimbursement_store_uid: STORE,
    });
    const { status, json } = await holdings(STORE, '20261205');
    expect(status).toBe(200);
    expect(json).toEqual({
      merchant: STORE,
      date: '20261205',
      asOf: '2026-12-05T16:00:00.000Z',
      total: 150 - 50 - 2 - 2,
      byKind: {
        voucher_purchase_paid: 150,
        voucher_refund: -50,
        paypage_paid: 0,
        paypage_refund: 0,
        esvc_refund: 0,
        refund_cancelled: 0,
        redemption_fees: -4,
        payoff_paid: 0,
        trust_expiry: 0,
      },
      movements: 4,
    });
  });

  it('PayPage payments +, refunds and e-ticket refunds − when requested, + back when cancelled; per Taiwan day', async () => {
    const order = await openPaypageOrder(sim, 'P1', 1000);
    sim.control.pay(order.uid);
    const ref = { uid: String(order.uid), key: order.key };
    const refund = await sendPaypage(sim, 'refund', { ...ref, cost: 100 });
    await sendPaypage(sim, 'esvcrefund', { ...ref, cost: 50 });
    clock.set('2026-12-05T23:59:59+08:00');
    await sendPaypage(sim, 'refundcancel', {
      uid: String((refund.row_data as { refund_uid: number }).refund_uid),
      key: order.key,
    });
    clock.set('2026-12-06T09:00:00+08:00');
    await sendPaypage(sim, 'refund', { ...ref, cost: 200 });
    expect((await holdings(PAYPAGE.uid, '20261204')).json.total).toBe(0);
    expect((await holdings(PAYPAGE.uid, '20261205')).json).toMatchObject({
      total: 950,
      byKind: { paypage_paid: 1000, paypage_refund: -100, esvc_refund: -50, refund_cancelled: 100 },
    });
    expect((await holdings(PAYPAGE.uid, '20261206')).json.total).toBe(750);
    expect((await holdings(PAYPAGE.uid)).json).toMatchObject({ date: null, total: 750, movements: 5 });
    // The other merchant's money is its own.
    expect((await holdings(STORE, '20261206')).json.total).toBe(0);
  });

  it('pay-off items − their money when remitted (C1001), nothing for an item that failed', async () => {
    await buyVouchers(sim, client, 'VS2', { amount: 4, prefix: 'Q' });
    await client.payoffCreate({
      store_uid: STORE,
      group_id: 'G1',
      items: [
        { id: 'P1', user_id: 'u1', money: twd(60) },
        { id: 'P2', user_id: 'u2', money: twd(70) },
      ],
    });
    sim.control.setItemOutcomes('G1', { P2: 'C2001' });
    sim.control.approveBatch('G1');
    expect(sim.control.holdings(STORE)).toMatchObject({ total: 200 - 60, byKind: { payoff_paid: -60 } });
  });

  it('answers 404 for an unknown merchant and 400 for a date that is not YYYYMMDD', async () => {
    expect((await holdings('NOPE')).status).toBe(404);
    expect(await holdings(STORE, '2026-12-05')).toMatchObject({
      status: 400,
      json: { error: { code: 'INVALID_INPUT' } },
    });
  });
});
