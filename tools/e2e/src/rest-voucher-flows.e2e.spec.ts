import { randomUUID } from 'node:crypto';
import { RedemptionLineEntity, SAMPLE_PARTNER, VoucherEntity } from '@tixclear/db';
import { purchaseRequest, redeemRequest, refundRequest, uniqueId } from './requests';
import { eventually } from './stack';
import { stackForSuite } from './suite';

interface RestResult {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** The REST door's requests carry no store_uid: the API key names the partner. */
function withoutStore<T extends { store_uid: string }>(request: T): Omit<T, 'store_uid'> {
  const { store_uid: _store, ...rest } = request;
  return rest;
}

describe('voucher flows through the REST door (/v1)', () => {
  const stack = stackForSuite();
  let apiKey: string;
  beforeAll(async () => {
    apiKey = await stack.registry.issueApiKey(SAMPLE_PARTNER.partnerUid);
  });

  async function post(path: string, body: unknown, key: string = randomUUID()): Promise<RestResult> {
    const response = await fetch(`${stack.apiUrl}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${apiKey}`,
        'content-type': 'application/json',
        'idempotency-key': key,
      },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Record<string, unknown>,
    };
  }

  async function get(path: string): Promise<RestResult> {
    const response = await fetch(`${stack.apiUrl}${path}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Record<string, unknown>,
    };
  }

  async function paidPurchase(options: { amount?: number; gifts?: number } = {}) {
    const purchase = purchaseRequest(options);
    const created = await post('/v1/purchases', withoutStore(purchase.request));
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/v1/purchases/${purchase.orderId}`);
    const data = created.body.data as Record<string, unknown>;
    expect(data.code).toBe('200');
    expect((await fetch(String(data.url), { method: 'POST' })).status).toBe(200);
    await eventually(async () => {
      const voucher = await stack.db.dataSource
        .getRepository(VoucherEntity)
        .findOneBy({ serialNumber: purchase.serials[0] });
      return voucher?.state === 'issued' ? true : undefined;
    });
    return purchase;
  }

  it('purchase → pay on the simulator → issued; GET /v1/purchases/:orderId shows it paid', async () => {
    const purchase = await paidPurchase({ amount: 2 });
    const read = await get(`/v1/purchases/${purchase.orderId}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      data: { code: 'B200', content: { code: '250', order_id: purchase.orderId } },
    });
  });

  it('redeems online with the fee objects; GET /v1/redemptions/:orderId reads it back', async () => {
    const purchase = await paidPurchase({ amount: 2 });
    const request = redeemRequest(purchase.serials);
    const redeemed = await post('/v1/redemptions', withoutStore(request));
    expect(redeemed.status).toBe(201);
    expect(redeemed.headers.get('location')).toBe(`/v1/redemptions/${request.order_id}`);
    const data = redeemed.body.data as { code: string; order_id: string; items: { fee: unknown }[] };
    expect(data).toMatchObject({ code: '250', order_id: request.order_id });
    expect(data.items).toHaveLength(2);
    expect(data.items[0]?.fee).toEqual({
      cost: 50,
      gateway_fee: 1,
      escrow_fee: 1,
      issuance_layer: 2,
      issuance_fee: 1,
      headquarters: 7,
      sales: 5,
      reimbursement: 35,
    });
    const line = await stack.db.dataSource
      .getRepository(RedemptionLineEntity)
      .findOneByOrFail({ serialNumber: purchase.serials[0] });
    expect(line.ourFee).toEqual(line.gatewayFee);

    const read = await get(`/v1/redemptions/${request.order_id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ data: { content: { code: '250', order_id: request.order_id } } });
  });

  it('refunds an unused voucher (201) and refuses a redeemed one (409 VOUCHER_UNAVAILABLE); GET /v1/refunds', async () => {
    const purchase = await paidPurchase({ amount: 2 });
    const refund = refundRequest([purchase.serials[0]!]);
    const refunded = await post('/v1/refunds', withoutStore(refund));
    expect(refunded.status).toBe(201);
    expect(refunded.body).toMatchObject({ data: { code: '230' } });

    expect((await post('/v1/redemptions', withoutStore(redeemRequest([purchase.serials[1]!])))).status).toBe(
      201,
    );
    const refused = await post('/v1/refunds', withoutStore(refundRequest([purchase.serials[1]!])));
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      error: { code: 'VOUCHER_UNAVAILABLE', field: 'items[0].serial_number' },
    });
    const redeemed = await stack.db.dataSource
      .getRepository(VoucherEntity)
      .findOneByOrFail({ serialNumber: purchase.serials[1] });
    expect(redeemed.state).toBe('redeemed');

    const read = await get(`/v1/refunds/${refund.order_id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ data: { content: { code: '230', order_id: refund.order_id } } });
  });

  it('answers a refusal by the gateway with 422 GATEWAY_REFUSED and its code (refund of a gift voucher)', async () => {
    const purchase = await paidPurchase({ amount: 1, gifts: 1 });
    const refused = await post('/v1/refunds', withoutStore(refundRequest([purchase.giftSerials[0]!])));
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ error: { code: 'GATEWAY_REFUSED', gateway_code: '300' } });
    const gift = await stack.db.dataSource
      .getRepository(VoucherEntity)
      .findOneByOrFail({ serialNumber: purchase.giftSerials[0] });
    expect(gift.state).toBe('issued');
  });

  it('redeems offline with a digital MYTIX pay token', async () => {
    const purchase = await paidPurchase({ amount: 1 });
    const token = stack.sim.state.vouchers.find((v) => v.customSerialNo === purchase.serials[0])?.payToken;
    expect(token).toMatch(/^MYTIX[0-9A-Za-z]{16}$/);
    const orderId = uniqueId('VO');
    const redeemed = await post('/v1/redemptions/offline', {
      order_id: orderId,
      pay_token: token,
      reimbursement_from_type: 1,
      reimbursement_store_uid: SAMPLE_PARTNER.partnerUid,
    });
    expect(redeemed.status).toBe(201);
    expect(redeemed.headers.get('location')).toBe(`/v1/redemptions/${orderId}`);
    expect(redeemed.body).toMatchObject({
      data: { code: 'B200', content: { code: '250', order_id: orderId } },
    });
    const voucher = await stack.db.dataSource
      .getRepository(VoucherEntity)
      .findOneByOrFail({ serialNumber: purchase.serials[0] });
    expect(voucher.state).toBe('redeemed');
    const read = await get(`/v1/redemptions/${orderId}`);
    expect(read.body).toMatchObject({ data: { content: { code: '250', order_id: orderId } } });
  });

  it('answers an unknown outcome with 202 pending and a Location whose GET settles it', async () => {
    const purchase = await paidPurchase({ amount: 1 });
    stack.sim.control.addFaults({ command: 'vouchertransaction', fault: 'commit_then_drop', times: 1 });
    const request = redeemRequest(purchase.serials);
    const pending = await post('/v1/redemptions', withoutStore(request));
    expect(pending.status).toBe(202);
    expect(pending.body).toMatchObject({ status: 'pending' });
    const location = pending.headers.get('location');
    expect(location).toBe(`/v1/redemptions/${request.order_id}`);

    const read = await get(location!);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ data: { content: { code: '250' } } });
    await eventually(async () => {
      const voucher = await stack.db.dataSource
        .getRepository(VoucherEntity)
        .findOneBy({ serialNumber: purchase.serials[0] });
      return voucher?.state === 'redeemed' ? true : undefined;
    });
  });

  it('refuses invalid content naming the field, another store_uid, and unknown orders', async () => {
    const purchase = purchaseRequest();
    const invalid = await post('/v1/purchases', { ...withoutStore(purchase.request), currency: 'USD' });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ error: { code: 'REQUEST_INVALID', field: 'currency' } });

    const otherStore = await post('/v1/redemptions', { ...redeemRequest(['X1']), store_uid: '999999999999' });
    expect(otherStore.status).toBe(400);
    expect(otherStore.body).toMatchObject({ error: { code: 'REQUEST_INVALID', field: 'store_uid' } });

    for (const path of ['/v1/purchases/NOPE', '/v1/redemptions/NOPE', '/v1/refunds/NOPE']) {
      const missing = await get(path);
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ error: { code: 'ORDER_NOT_FOUND', field: 'order_id' } });
    }
  });

  it('gives one order_id one operation across keys and doors: the same content replays, other content is 409', async () => {
    const purchase = await paidPurchase({ amount: 2 });
    const request = redeemRequest([purchase.serials[0]!]);
    const first = await post('/v1/redemptions', withoutStore(request));
    expect(first.status).toBe(201);
    // Another idempotency key, the same order: the operation's stored answer (200: nothing new was done).
    const again = await post('/v1/redemptions', withoutStore(request));
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    // The envelope door sees the same operation.
    const envelope = await stack.call('vouchertransaction', request);
    expect(envelope.body).toMatchObject({ code: '250', order_id: request.order_id });
    const conflict = await post('/v1/redemptions', {
      ...withoutStore(request),
      items: [{ id: 'H01', serial_number: purchase.serials[1] }],
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ error: { code: 'ORDER_CONFLICT', field: 'order_id' } });
  });
});
