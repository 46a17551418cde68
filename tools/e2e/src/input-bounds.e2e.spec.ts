import { randomUUID } from 'node:crypto';
import { encryptJson } from '@tixclear/crypto';
import { SAMPLE_PARTNER, VoucherEntity } from '@tixclear/db';
import { operationOf, rowCounts } from './flows';
import { purchaseRequest, uniqueId } from './requests';
import type { Stack } from './stack';
import { stackForSuite } from './suite';

/*
 * Bad input the size of the body limit: the largest purchase it admits, partner uids and names longer than
 * what they name. Each is answered (stored in one statement, or refused naming the field), never a 5xx.
 */

/** MAX_VOUCHERS_PER_PURCHASE of @tixclear/operations. */
const MAX_VOUCHERS = 10_000;

/**
 * A REST purchase body (the key names the store) of `paid` + `gifts` vouchers, each serial of the longest
 * form (32 characters), so the request is as large as a purchase of that count can be.
 */
function purchaseBody(orderId: string, paid: number, gifts = 0): Record<string, unknown> {
  const { store_uid: _store, ...body } = purchaseRequest({ amount: paid, gifts }).request;
  const prefix = orderId.replace(/[^A-Za-z0-9]/g, '').slice(0, 20);
  const serial = (kind: string, i: number) => `${prefix}${kind}${i}`.padEnd(32, 'Z');
  return {
    ...body,
    order_id: orderId,
    items: body.items.map((item) => ({
      ...item,
      serial_numbers: JSON.stringify(Array.from({ length: paid }, (_, i) => serial('P', i))),
      gift_serial_numbers: JSON.stringify(Array.from({ length: gifts }, (_, i) => serial('G', i))),
    })),
  };
}

/** POSTs a JSON body to the REST door with the partner's API key and a fresh idempotency key. */
async function postJson(stack: Stack, apiKey: string, path: string, body: unknown) {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${apiKey}`,
      'content-type': 'application/json',
      'idempotency-key': randomUUID(),
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('input at the limits', () => {
  const stack = stackForSuite();
  let apiKey: string;
  beforeAll(async () => {
    apiKey = await stack.registry.issueApiKey(SAMPLE_PARTNER.partnerUid);
  });

  const post = (path: string, body: unknown) => postJson(stack, apiKey, path, body);

  it('reserves the largest purchase accepted (10,000 vouchers of 32-character serials, 150,000 values: one statement); one more is 100 on items', async () => {
    const before = await rowCounts(stack);
    const orderId = uniqueId('VL');
    const oneMore = await post('/v1/purchases', purchaseBody(orderId, MAX_VOUCHERS, 1));
    expect(oneMore.status).toBe(400);
    expect(oneMore.body).toMatchObject({ error: { code: 'REQUEST_INVALID', field: 'items' } });
    expect(await rowCounts(stack)).toEqual(before);

    const accepted = await post('/v1/purchases', purchaseBody(orderId, MAX_VOUCHERS));
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({ data: { code: '200' } });
    const operation = await operationOf(stack, orderId);
    const reserved = await stack.db.dataSource
      .getRepository(VoucherEntity)
      .countBy({ purchaseOperationId: operation!.id, state: 'reserved' });
    expect(reserved).toBe(MAX_VOUCHERS);

    // The gateway-compatible door takes the same purchase, sealed in its envelope, form-encoded.
    const sealedOrderId = uniqueId('VM');
    const sealed = await stack.call('voucherservicepurchase', {
      store_uid: SAMPLE_PARTNER.partnerUid,
      ...purchaseBody(sealedOrderId, MAX_VOUCHERS - 100, 100),
    });
    expect(sealed.body).toMatchObject({ code: '200' });
  }, 120_000);

  it('refuses a partner uid of a megabyte at /api/init with 100 naming the field, before any lookup', async () => {
    const before = await rowCounts(stack);
    for (const [field, uid] of [
      ['store_uid', '3'.repeat(900_000)],
      ['agent_uid', '3'.repeat(900_000)],
      ['store_uid', '3'.repeat(33)],
    ] as const) {
      const response = await fetch(`${stack.apiUrl}/api/init`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          [field]: uid,
          service: encryptJson({ service_name: 'api', cmd: 'api/voucherquery' }, SAMPLE_PARTNER.key),
          encry_data: encryptJson(
            { store_uid: SAMPLE_PARTNER.partnerUid, order_id: 'X' },
            SAMPLE_PARTNER.key,
          ),
        }).toString(),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ code: '100', field, error_code: 'REQUEST_INVALID' });
    }
    expect(await rowCounts(stack)).toEqual(before);
  });

  it('refuses text longer than the column it lands in (store_uid, an item name) with the field; nothing stored', async () => {
    const before = await rowCounts(stack);
    const orderId = uniqueId('VW');
    const huge = await post('/v1/purchases', { ...purchaseBody(orderId, 1), store_uid: 'S'.repeat(900_000) });
    expect(huge.status).toBe(400);
    expect(huge.body).toMatchObject({ error: { code: 'REQUEST_INVALID', field: 'store_uid' } });

    const body = purchaseBody(orderId, 1) as { items: { name: string }[]; declarations: { name: string }[] };
    const name = '票'.repeat(201);
    body.items[0]!.name = name;
    body.declarations[0]!.name = name;
    const longName = await post('/v1/purchases', body);
    expect(longName.status).toBe(400);
    expect(longName.body).toMatchObject({ error: { code: 'REQUEST_INVALID', field: 'items[0].name' } });

    // At the width it is stored as sent.
    const fits = '票'.repeat(200);
    body.items[0]!.name = fits;
    body.declarations[0]!.name = fits;
    const stored = await post('/v1/purchases', body);
    expect(stored.status).toBe(201);
    const voucher = await stack.db.dataSource.getRepository(VoucherEntity).findOneByOrFail({
      purchaseOperationId: (await operationOf(stack, orderId))!.id,
    });
    expect(voucher.itemName).toBe(fits);
    expect((await rowCounts(stack)).operations).toBe((before.operations ?? 0) + 1);
  });
});

describe('input at the limits, with the largest body limit an operator may set (10 MiB)', () => {
  const stack = stackForSuite({ env: { BODY_LIMIT_BYTES: String(10 * 1024 * 1024) } });
  let apiKey: string;
  beforeAll(async () => {
    apiKey = await stack.registry.issueApiKey(SAMPLE_PARTNER.partnerUid);
  });

  it('refuses a list of 70,000 vouchers (more than one statement can bind one by one) with 100 on the list', async () => {
    const before = await rowCounts(stack);
    const items = Array.from({ length: 70_000 }, (_, i) => ({ id: 'H01', serial_number: `R${i}` }));
    for (const [path, body] of [
      ['/v1/refunds', { order_id: uniqueId('VR'), items }],
      ['/v1/redemptions', { order_id: uniqueId('VT'), user_id: 'u', ip: '127.0.0.1', items }],
    ] as const) {
      const response = await postJson(stack, apiKey, path, body);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: { code: 'REQUEST_INVALID', field: 'items' } });
    }
    expect(await rowCounts(stack)).toEqual(before);
  }, 60_000);
});
