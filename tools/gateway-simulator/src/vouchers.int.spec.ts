import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { GatewayRejectedError, type GatewayClient, type RequestOf } from '@tixclear/gateway-client';
import type { RunningSimulator } from './index';
import {
  buyVouchers,
  clientFor,
  purchaseRequest,
  redeemRequest,
  sendRaw,
  startTestSimulator,
  STORE,
} from './testing/harness';

/*
 * How the simulator decides the codes of the voucher commands: validation with the shared schemas (100), the
 * uniqueness of order ids and serials (100), and the vouchers' state (300), all or nothing.
 */

const OTHER = { uid: '289151880002', key: 'KYTjd9ACcjGaTK6V3zWmMkyrQS08Ndcx' };
const GENERAL = { uid: '100000000001', key: 'GeneralGeneralGeneralGeneral1234' };
const fees = [{ escrowRate: '0.02', gatewayRate: '0.01', issuanceFee: 1, issuanceLayer: 2 as const }];

let sim: RunningSimulator;
let client: GatewayClient;

beforeAll(async () => {
  sim = await startTestSimulator({
    merchants: [
      { uid: OTHER.uid, key: OTHER.key, feeSchedules: fees },
      { uid: GENERAL.uid, key: GENERAL.key, customerType: 'general', feeSchedules: fees },
    ],
  });
  client = clientFor(sim);
});

afterAll(async () => {
  await sim.close();
});

beforeEach(() => sim.control.reset());

/** The wire form of a purchase (serials as JSON text), so that a test can break it past the client. */
function wirePurchase(request: RequestOf<'voucherservicepurchase'>): Record<string, unknown> {
  return {
    ...request,
    items: request.items.map((item) => ({
      ...item,
      serial_numbers: JSON.stringify(item.serial_numbers ?? []),
      gift_serial_numbers: JSON.stringify(item.gift_serial_numbers ?? []),
    })),
  };
}

const statusOf = (serial: string) => sim.state.vouchers.find((v) => v.customSerialNo === serial)?.status;

describe('redemption (vouchertransaction)', () => {
  it('fails with 300 for an unknown serial, recorded, nothing redeemed', async () => {
    await buyVouchers(sim, client, 'VS1', { prefix: 'K' });
    const attempt = client.voucherRedeem(redeemRequest('VT1', ['K1', 'NOPE']));
    await expect(attempt).rejects.toBeInstanceOf(GatewayRejectedError);
    await expect(attempt).rejects.toMatchObject({ gatewayCode: '300' });
    expect(statusOf('K1')).toBe('active');
    const query = await client.voucherRedeemQuery({ store_uid: STORE, order_id: 'VT1' });
    expect(query.content).toMatchObject({ code: '300', reimbursement_date: null, items: [] });
  });

  it('fails with 300 for a serial already redeemed', async () => {
    await buyVouchers(sim, client, 'VS2', { prefix: 'U' });
    await client.voucherRedeem(redeemRequest('VT2a', ['U1']));
    await expect(client.voucherRedeem(redeemRequest('VT2b', ['U2', 'U1']))).rejects.toMatchObject({
      gatewayCode: '300',
    });
    expect(statusOf('U2')).toBe('active');
  });

  it('refuses a repeated order_id with 100 and changes nothing', async () => {
    await buyVouchers(sim, client, 'VS3', { prefix: 'R' });
    await client.voucherRedeem(redeemRequest('VT3', ['R1']));
    await expect(client.voucherRedeem(redeemRequest('VT3', ['R2']))).rejects.toMatchObject({
      gatewayCode: '100',
    });
    expect(statusOf('R2')).toBe('active');
    expect(sim.state.redemptions.size).toBe(1);
  });

  it('answers gift vouchers unpaid, with no fees and no shares', async () => {
    await buyVouchers(sim, client, 'VS4', { prefix: 'W', amount: 1, gifts: 1 });
    const answer = await client.voucherRedeem(redeemRequest('VT4', ['WG1']));
    expect(answer.items[0]).toMatchObject({
      is_paid: 0,
      fee: {
        cost: 50,
        escrow_fee: 0,
        gateway_fee: 0,
        issuance_fee: 0,
        headquarters: 0,
        sales: 0,
        reimbursement: 0,
      },
    });
  });

  it("redeems only the issuing store's vouchers (single-store vouchers)", async () => {
    await buyVouchers(sim, client, 'VS5', { prefix: 'X' });
    const other = clientFor(sim, {}, OTHER);
    await expect(
      other.voucherRedeem({ ...redeemRequest('VT5', ['X1']), store_uid: OTHER.uid }),
    ).rejects.toMatchObject({ gatewayCode: '300' });
  });

  it('finds nothing before the purchase is paid', async () => {
    await client.voucherPurchase(purchaseRequest('VS6', { prefix: 'P' }));
    await expect(client.voucherRedeem(redeemRequest('VT6', ['P1']))).rejects.toMatchObject({
      gatewayCode: '300',
    });
  });
});

describe('refund (voucherrefund)', () => {
  it('fails with 300 for a redeemed voucher', async () => {
    await buyVouchers(sim, client, 'VS7', { prefix: 'Y' });
    await client.voucherRedeem(redeemRequest('VT7', ['Y1']));
    const attempt = client.voucherRefund({
      store_uid: STORE,
      order_id: 'VR7',
      items: [{ id: 'H01', serial_number: 'Y1' }],
    });
    await expect(attempt).rejects.toMatchObject({ gatewayCode: '300' });
    expect(statusOf('Y1')).toBe('redeemed');
  });

  it('fails with 300 for a refunded voucher, and a refunded voucher cannot be redeemed', async () => {
    await buyVouchers(sim, client, 'VS8', { prefix: 'Z' });
    await client.voucherRefund({
      store_uid: STORE,
      order_id: 'VR8a',
      items: [{ id: 'H01', serial_number: 'Z1' }],
    });
    await expect(
      client.voucherRefund({
        store_uid: STORE,
        order_id: 'VR8b',
        items: [{ id: 'H01', serial_number: 'Z1' }],
      }),
    ).rejects.toMatchObject({ gatewayCode: '300' });
    await expect(client.voucherRedeem(redeemRequest('VT8', ['Z1']))).rejects.toMatchObject({
      gatewayCode: '300',
    });
  });

  it('fails with 300 for vouchers of two buyer accounts, and for a gift voucher', async () => {
    await buyVouchers(sim, client, 'VS9', { prefix: 'M', userId: 'alice', gifts: 1 });
    await buyVouchers(sim, client, 'VS10', { prefix: 'N', userId: 'bob' });
    const both = [
      { id: 'H01', serial_number: 'M1' },
      { id: 'H01', serial_number: 'N1' },
    ];
    await expect(
      client.voucherRefund({ store_uid: STORE, order_id: 'VR9', items: both }),
    ).rejects.toMatchObject({ gatewayCode: '300' });
    await expect(
      client.voucherRefund({
        store_uid: STORE,
        order_id: 'VR10',
        items: [{ id: 'H01', serial_number: 'MG1' }],
      }),
    ).rejects.toMatchObject({ gatewayCode: '300' });
    expect(statusOf('M1')).toBe('active');
  });
});

describe('purchase (voucherservicepurchase)', () => {
  it('refuses serials held by an open purchase, and frees them when the buyer abandons it', async () => {
    const first = await client.voucherPurchase(purchaseRequest('VS11', { prefix: 'H' }));
    await expect(client.voucherPurchase(purchaseRequest('VS12', { prefix: 'H' }))).rejects.toMatchObject({
      gatewayCode: '100',
    });
    const page = await fetch(first.url, { method: 'POST', body: new URLSearchParams({ action: 'cancel' }) });
    expect(page.status).toBe(200);
    await expect(client.voucherPurchaseQuery({ store_uid: STORE, order_id: 'VS11' })).resolves.toMatchObject({
      content: { code: 'A0002' },
    });
    await expect(client.voucherPurchase(purchaseRequest('VS13', { prefix: 'H' }))).resolves.toMatchObject({
      code: '200',
    });
  });

  it('answers 409 on the payment page once the purchase is settled', async () => {
    const opened = await buyVouchers(sim, client, 'VS14');
    const again = await fetch(opened.url, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(sim.state.vouchers).toHaveLength(2);
  });

  it('numbers the vouchers of a general customer itself; they are redeemed by MYTIX serial', async () => {
    const general = clientFor(sim, {}, GENERAL);
    const request = purchaseRequest('VS15');
    const item = request.items[0];
    if (item === undefined) throw new Error('no item');
    const opened = await general.voucherPurchase({
      ...request,
      store_uid: GENERAL.uid,
      items: [{ ...item, is_custom_serial: 0, serial_numbers: [], gift_serial_numbers: [] }],
    });
    sim.control.pay(Number(opened.uid));
    const serial = sim.state.vouchers[0]?.serialNo ?? '';
    expect(serial).toMatch(/^TX\d{10}$/);
    const answer = await general.voucherRedeem({
      ...redeemRequest('VT15', [serial]),
      store_uid: GENERAL.uid,
    });
    expect(answer.items[0]?.serial_number).toBe(serial);
  });

  it('requires custom serials of a platform customer (100)', async () => {
    const request = wirePurchase(purchaseRequest('VS16'));
    const items = request.items as Record<string, unknown>[];
    const answer = await sendRaw(sim, 'api/voucherservicepurchase', {
      ...request,
      items: [{ ...items[0], is_custom_serial: 0, serial_numbers: '[]', gift_serial_numbers: '[]' }],
    });
    expect(answer.code).toBe('100');
    // Valid by the schemas: refused by the merchant's configuration (平台客戶).
    expect(sim.control.requests().at(-1)?.issues).toBeUndefined();
  });

  it('validates with the shared schemas: a short trust period is refused with 100, naming the field', async () => {
    const request = wirePurchase(purchaseRequest('VS17'));
    const items = request.items as Record<string, unknown>[];
    const answer = await sendRaw(sim, 'api/voucherservicepurchase', {
      ...request,
      items: [{ ...items[0], trust_end_date: '20250630' }],
    });
    expect(answer.code).toBe('100');
    const logged = sim.control.requests().at(-1);
    expect(logged?.issues).toEqual([{ field: 'items[0].trust_end_date', code: 'TRUST_PERIOD_TOO_SHORT' }]);
    expect(sim.state.purchases.size).toBe(0);
  });

  it('refuses a store_uid inside the data that is not the sender (100)', async () => {
    const answer = await sendRaw(sim, 'api/voucherservicepurchase', {
      ...wirePurchase(purchaseRequest('VS18')),
      store_uid: OTHER.uid,
    });
    expect(answer.code).toBe('100');
    expect(sim.control.requests().at(-1)?.issues).toBeUndefined();
    expect(sim.state.purchases.size).toBe(0);
  });
});
