import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { twd } from '@tixclear/domain';
import type { GatewayClient } from '@tixclear/gateway-client';
import type { RunningSimulator } from './index';
import {
  buyVouchers,
  clientFor,
  purchaseRequest,
  redeemRequest,
  startTestSimulator,
  STORE,
} from './testing/harness';

/*
 * Contract tests: the real GatewayClient of @tixclear/gateway-client against the simulator over HTTP, one per
 * command the simulator serves. Each goes through the whole path: the client's schema and rules, the envelope,
 * form encoding, the simulator's validation with the same schemas, its flow, and the client's answer schema.
 */

const DEALER = { mode: 'agent' as const, uid: 'A0001', key: 'AgentKeyAgentKeyAgentKeyAgentKey' };

let sim: RunningSimulator;
let client: GatewayClient;

beforeAll(async () => {
  sim = await startTestSimulator({
    merchants: [
      {
        uid: DEALER.uid,
        mode: 'agent',
        key: DEALER.key,
        feeSchedules: [{ escrowRate: '0', gatewayRate: '0', issuanceFee: 0, issuanceLayer: 1 }],
      },
    ],
  });
  client = clientFor(sim);
});

afterAll(async () => {
  await sim.close();
});

beforeEach(() => sim.control.reset());

const SAMPLE_FEE = {
  cost: 50,
  gateway_fee: 1,
  escrow_fee: 1,
  issuance_layer: 2,
  issuance_fee: 1,
  headquarters: 7,
  sales: 5,
  reimbursement: 35,
};

describe('voucher commands (seed 000)', () => {
  it('voucherservicepurchase opens an order whose payment page the simulator serves', async () => {
    const answer = await client.voucherPurchase(purchaseRequest('VS1'));
    expect(answer.code).toBe('200');
    expect(answer.url).toBe(`${sim.url}/voucher/${answer.uid}.html`);
    expect(answer.key).toMatch(/^[0-9a-f]{40}$/);
    const page = await fetch(answer.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-code="200"');
  });

  it('voucherservicequery reports the purchase paid once the buyer pays', async () => {
    const opened = await buyVouchers(sim, client, 'VS2');
    const answer = await client.voucherPurchaseQuery({ store_uid: STORE, order_id: 'VS2' });
    expect(answer.code).toBe('B200');
    expect(answer.content).toMatchObject({
      uid: opened.uid,
      key: opened.key,
      code: '250',
      order_id: 'VS2',
      cost: 100,
      actual_cost: 100,
      pfn: 'CREDITCARD',
    });
    expect(answer.content?.finishtime).toBeInstanceOf(Date);
  });

  it("vouchertransaction redeems and answers each voucher's split from the issuer's fee schedule", async () => {
    await buyVouchers(sim, client, 'VS3', { prefix: 'A' });
    const answer = await client.voucherRedeem(redeemRequest('VT3', ['A1', 'A2']));
    expect(answer.code).toBe('250');
    expect(answer.order_id).toBe('VT3');
    expect(answer.items).toHaveLength(2);
    for (const item of answer.items) {
      expect(item).toMatchObject({
        id: 'H01',
        is_paid: 1,
        sharing: { headquarters: '0.15', sales: '0.1', reimbursement: '0.75' },
        fee: SAMPLE_FEE,
      });
    }
  });

  it('voucherquery finds the redemption by order_id', async () => {
    await buyVouchers(sim, client, 'VS4', { prefix: 'B' });
    const redeemed = await client.voucherRedeem(redeemRequest('VT4', ['B1']));
    const answer = await client.voucherRedeemQuery({ store_uid: STORE, order_id: 'VT4' });
    expect(answer.code).toBe('B200');
    expect(answer.content).toMatchObject({
      order_id: 'VT4',
      uid: redeemed.uid,
      key: redeemed.key,
      code: '250',
    });
    expect(answer.content?.items?.[0]?.fee).toMatchObject(SAMPLE_FEE);
  });

  it('voucherrefund refunds unused vouchers', async () => {
    await buyVouchers(sim, client, 'VS5', { prefix: 'C' });
    const answer = await client.voucherRefund({
      store_uid: STORE,
      order_id: 'VR5',
      items: [{ id: 'H01', serial_number: 'C2' }],
    });
    expect(answer.code).toBe('230');
    expect(answer.items).toEqual([{ id: 'H01', serial_number: 'C2' }]);
    expect(sim.state.vouchers.find((v) => v.customSerialNo === 'C2')?.status).toBe('refunded');
  });

  it('voucherrefundquery finds the refund by order_id', async () => {
    await buyVouchers(sim, client, 'VS6', { prefix: 'D' });
    const refunded = await client.voucherRefund({
      store_uid: STORE,
      order_id: 'VR6',
      items: [{ id: 'H01', serial_number: 'D1' }],
    });
    const answer = await client.voucherRefundQuery({ store_uid: STORE, order_id: 'VR6' });
    expect(answer.content).toMatchObject({ order_id: 'VR6', uid: refunded.uid, code: '230' });
    expect(answer.content?.refund_date).toBeInstanceOf(Date);
  });
});

describe('voucheroffline (seed 002)', () => {
  it('redeems a digital voucher by its pay token (store mode)', async () => {
    await buyVouchers(sim, client, 'VS7', { prefix: 'E' });
    const token = sim.state.vouchers.find((v) => v.customSerialNo === 'E1')?.payToken ?? '';
    expect(token).toMatch(/^MYTIX[0-9A-Z]{16}$/);
    const answer = await client.voucherOffline({
      order_id: 'VO7',
      pay_token: token,
      reimbursement_from_type: 1,
      reimbursement_store_uid: STORE,
    });
    expect(answer.code).toBe('B200');
    expect(answer.content).toMatchObject({ order_id: 'VO7', code: '250', pay_token: token });
    expect(answer.content?.items?.[0]).toMatchObject({
      id: 'H01',
      products: [{ amount: 1, cost: 50, price: 50, total_cost: 50, total_price: 50 }],
    });
    expect(answer.content?.items?.[0]?.vouchers[0]).toMatchObject({
      custom_serial_no: 'E1',
      sales_from_type: 1,
      cost: 50,
    });
  });

  it('redeems physical serials of an issuer in dealer mode (agent_uid)', async () => {
    await buyVouchers(sim, client, 'VS8', { prefix: 'F' });
    const dealer = clientFor(sim, {}, DEALER);
    const answer = await dealer.voucherOffline({
      order_id: 'VO8',
      pay_token: ['F1', 'F2'],
      issuance_uid: STORE,
      reimbursement_from_type: 2,
      reimbursement_dealer_no: 'POS-7',
    });
    expect(answer.content).toMatchObject({
      code: '250',
      issuance_uid: STORE,
      reimbursement_dealer_no: 'POS-7',
    });
    expect(answer.content?.items?.[0]?.products[0]).toMatchObject({ amount: 2, total_cost: 100 });
    expect(sim.state.offline.size).toBe(1);
  });
});

describe('esvcrefund (seed 003)', () => {
  it('refunds part of a paid order by uid and key', async () => {
    const opened = await buyVouchers(sim, client, 'VS9');
    const answer = await client.esvcRefund({
      store_uid: STORE,
      uid: opened.uid,
      key: opened.key,
      cost: twd(50),
      invoice_state: 0,
    });
    expect(answer.code).toBe('B200');
    expect(answer.row_data).toMatchObject({
      uid: opened.uid,
      code: '230',
      order_id: 'VS9',
      cost: 50,
      actual_cost: 50,
    });
    expect(answer.row_data?.refund_uid).toMatch(/^\d+$/);
  });
});

describe('pay-off batches (seed 004, docs/protocol.md §3)', () => {
  const create = (groupId: string) =>
    client.payoffCreate({
      store_uid: STORE,
      group_id: groupId,
      items: [
        { id: 'P1', user_id: 'payee1', money: twd(1000) },
        { id: 'P2', user_id: 'payee2', money: twd(2000) },
      ],
    });

  it('payoffremittance creates a batch awaiting approval', async () => {
    const answer = await create('G1');
    expect(answer.code).toBe('B200');
    expect(answer.content).toMatchObject({ code: 'S01', group_id: 'G1', store_uid: STORE });
    expect(answer.content?.items.map((i) => i.code)).toEqual(['C0001', 'C0001']);
  });

  it('payoffquery follows the batch to S04 once approved and remitted', async () => {
    await create('G2');
    sim.control.approveBatch('G2');
    const answer = await client.payoffQuery({ store_uid: STORE, group_id: 'G2' });
    expect(answer.content).toMatchObject({ code: 'S04' });
    expect(answer.content?.items.every((i) => i.code === 'C1001' && i.finished_date instanceof Date)).toBe(
      true,
    );
  });

  it('payoffcoveringremittance re-remits the failed items of an S05 batch', async () => {
    await create('G3');
    sim.control.setItemOutcomes('G3', { P2: 'C2001' });
    expect(sim.control.approveBatch('G3')).toMatchObject({ code: 'S05' });
    const answer = await client.payoffCovering({ store_uid: STORE, group_id: 'G3', items: [{ id: 'P2' }] });
    expect(answer.code).toBe('B200');
    expect(answer.content).toMatchObject({ code: 'S04' });
  });
});

describe('PayPage (seed 001)', () => {
  const order = (orderId: string) =>
    client.orderCreate({
      store_uid: STORE,
      user_id: 'phper',
      order_id: orderId,
      ip: '127.0.0.1',
      cost: twd(100),
      items: [{ id: '1', name: '倚天劍模型', cost: twd(100), amount: 1, total: twd(100) }],
    });

  it('orders opens a payment order with a payment page', async () => {
    const answer = await order('PO1');
    expect(answer.code).toBe('200');
    expect(answer.url).toBe(`${sim.url}/payment/${answer.uid}.html`);
    const paid = await fetch(answer.url, { method: 'POST', headers: { accept: 'application/json' } });
    expect(await paid.json()).toEqual({ uid: Number(answer.uid), code: '250', moved: true });
  });

  it('queryorder answers the order state by uid and key', async () => {
    const opened = await order('PO2');
    sim.control.pay(Number(opened.uid));
    const answer = await client.orderQuery({ uid: opened.uid, key: opened.key });
    expect(answer).toMatchObject({
      uid: opened.uid,
      prc: '250',
      order_id: 'PO2',
      cost: 100,
      pfn: 'CREDITCARD',
    });
  });

  it('refund refunds a paid order, which becomes 230 once fully refunded', async () => {
    const opened = await order('PO3');
    sim.control.pay(Number(opened.uid));
    const answer = await client.orderRefund({
      store_uid: STORE,
      uid: opened.uid,
      key: opened.key,
      cost: twd(100),
    });
    expect(answer.code).toBe('B200');
    expect(answer.row_data).toMatchObject({ prc: '230', cost: 100 });
    const state = await client.orderQuery({ uid: opened.uid, key: opened.key });
    expect(state.prc).toBe('230');
    expect(state.refund_order).toHaveLength(1);
  });
});
