import { OperationEntity, SAMPLE_PARTNER, VoucherEntity } from '@tixclear/db';
import { httpBuildQuery } from '@tixclear/gateway-client';
import { sampleMerchant } from '@tixclear/gateway-simulator';
import { OperationErrorCode } from '@tixclear/operations';
import { linesOf, operationOf, reportsSettled, servicesOf, simRequests, restCall } from './flows';
import { purchaseReport, purchaseRequest, redeemRequest, uniqueId } from './requests';
import { eventually } from './stack';
import { stackForSuite } from './suite';

/*
 * General customers (docs/protocol.md §8): a purchase whose vouchers the gateway numbers (`is_custom_serial` 0,
 * no `serial_numbers`), through both doors. The serials are learnt from the paid purchase's query content
 * (`voucher_paid`/`voucher_free`), recorded as issued vouchers once, and redeemed like any other. A result that
 * does not list them settles nothing; a dealer partner must number its own.
 */

const STORE = SAMPLE_PARTNER.partnerUid;

/** A purchase of `amount` paid and `gifts` gift vouchers the gateway numbers. */
function generalPurchase(amount: number, gifts: number) {
  const purchase = purchaseRequest({ amount, gifts });
  const { serial_numbers: _paid, gift_serial_numbers: _gift, ...item } = purchase.request.items[0]!;
  return {
    orderId: purchase.orderId,
    request: { ...purchase.request, items: [{ ...item, is_custom_serial: 0 }] },
  };
}

describe('general customers: vouchers numbered by the gateway, through /api/init and /v1', () => {
  const stack = stackForSuite();
  let apiKey: string;
  beforeAll(async () => {
    apiKey = await stack.registry.issueApiKey(STORE);
  });
  beforeEach(() => {
    // The sample store as a general customer (一般客戶), which the gateway lets leave the numbering to it.
    stack.sim.control.addMerchant({
      ...sampleMerchant(`${stack.apiUrl}/gateway/notify`),
      customerType: 'general',
    });
  });

  const post = (path: string, body: unknown) => restCall(stack, apiKey, 'POST', path, body);

  async function vouchersOf(orderId: string): Promise<VoucherEntity[]> {
    const operation = await operationOf(stack, orderId);
    if (!operation) return [];
    return stack.db.dataSource
      .getRepository(VoucherEntity)
      .find({ where: { purchaseOperationId: operation.id }, order: { serialNumber: 'ASC' } });
  }

  /** The serials the simulator gave the purchase's vouchers, paid first. */
  function simSerials(orderId: string, upstreamOrderId: string) {
    const mine = stack.sim.state.vouchers.filter(
      (v) => v.issuerUid === STORE && v.purchaseOrderId === upstreamOrderId,
    );
    expect(mine.length).toBeGreaterThan(0);
    return {
      paid: mine.filter((v) => v.isPaid).map((v) => v.serialNo),
      gift: mine.filter((v) => !v.isPaid).map((v) => v.serialNo),
      orderId,
    };
  }

  it('/api/init: reserves nothing, records the gateway’s serials once paid, and redeems by them', async () => {
    const purchase = generalPurchase(2, 1);
    const answer = await stack.call('voucherservicepurchase', purchase.request);
    expect(answer.body).toMatchObject({ code: '200' });
    expect(await vouchersOf(purchase.orderId)).toEqual([]);

    expect((await fetch(String(answer.body.url), { method: 'POST' })).status).toBe(200);
    const issued = await eventually(async () => {
      const vouchers = await vouchersOf(purchase.orderId);
      return vouchers.length === 3 ? vouchers : undefined;
    });
    const operation = (await operationOf(stack, purchase.orderId))!;
    expect(operation.state).toBe('paid');
    const sim = simSerials(purchase.orderId, operation.upstreamOrderId);
    expect(issued.filter((v) => v.isPaid).map((v) => v.serialNumber)).toEqual([...sim.paid].sort());
    expect(issued.filter((v) => !v.isPaid).map((v) => v.serialNumber)).toEqual(sim.gift);
    for (const voucher of issued) {
      expect(voucher).toMatchObject({ state: 'issued', itemId: 'H01', cost: 50, salesPoint: STORE });
      expect(voucher.serialNumber).toMatch(/^[A-Za-z0-9]{1,32}$/);
    }

    // A report again, forged with serials of its own: only a hint, the query settles it and nothing more is
    // written. Our query again: nothing either.
    const forged = await fetch(`${stack.apiUrl}/gateway/notify`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: httpBuildQuery({
        ...purchaseReport(operation.upstreamOrderId),
        voucher_paid: [{ product_id: 'H01', serial_number: 'FORGED1' }],
      }),
    });
    expect(await forged.text()).toBe('8888');
    await stack.call('voucherservicequery', { store_uid: STORE, order_id: purchase.orderId });
    await reportsSettled(stack);
    expect((await vouchersOf(purchase.orderId)).map((v) => v.serialNumber)).toEqual(
      issued.map((v) => v.serialNumber),
    );

    const serial = sim.paid[0]!;
    const redeemed = await stack.call('vouchertransaction', redeemRequest([serial]));
    expect(redeemed.body).toMatchObject({ code: '250' });
    expect(await linesOf(stack, { serialNumber: serial })).toHaveLength(1);
  });

  it('/v1: 201, and GET /v1/purchases/:orderId lists the gateway’s serials once paid', async () => {
    const purchase = generalPurchase(1, 0);
    const { store_uid: _store, ...body } = purchase.request;
    const created = await post('/v1/purchases', body);
    expect(created.status).toBe(201);
    const data = created.body.data as { url: string };
    expect((await fetch(data.url, { method: 'POST' })).status).toBe(200);
    const [voucher] = await eventually(async () => {
      const vouchers = await vouchersOf(purchase.orderId);
      return vouchers.length === 1 ? vouchers : undefined;
    });
    const read = await fetch(`${stack.apiUrl}/v1/purchases/${purchase.orderId}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({
      data: {
        content: {
          code: '250',
          voucher_paid: [{ product_id: 'H01', serial_number: voucher!.serialNumber }],
        },
      },
    });
    const redeemed = await post('/v1/redemptions', {
      order_id: uniqueId('VT'),
      user_id: 'phper',
      ip: '127.0.0.1',
      items: [{ id: 'H01', serial_number: voucher!.serialNumber }],
    });
    expect(redeemed.status).toBe(201);
  });

  it('a purchase of both kinds: the partner’s serials reserved then issued, the gateway’s added once paid', async () => {
    const own = purchaseRequest({ amount: 1 });
    const numbered = generalPurchase(1, 0).request.items[0]!;
    const ownItem = { ...own.request.items[0]!, id: 'H02', name: '飲料券' };
    const request = {
      ...own.request,
      cost: 100,
      items: [numbered, ownItem],
      declarations: [...own.request.declarations, { name: '飲料券', content: '<b>x</b>' }],
    };
    const answer = await stack.call('voucherservicepurchase', request);
    expect(answer.body).toMatchObject({ code: '200' });
    expect((await vouchersOf(own.orderId)).map((v) => [v.serialNumber, v.state])).toEqual([
      [own.serials[0], 'reserved'],
    ]);
    expect((await fetch(String(answer.body.url), { method: 'POST' })).status).toBe(200);
    const vouchers = await eventually(async () => {
      const all = await vouchersOf(own.orderId);
      return all.length === 2 && all.every((v) => v.state === 'issued') ? all : undefined;
    });
    const operation = (await operationOf(stack, own.orderId))!;
    const gateway = stack.sim.state.vouchers.find(
      (v) => v.purchaseOrderId === operation.upstreamOrderId && v.itemId === 'H01',
    );
    expect(vouchers.map((v) => [v.itemId, v.serialNumber]).sort()).toEqual([
      ['H01', gateway?.serialNo],
      ['H02', own.serials[0]],
    ]);
  });

  it('paid with a mismatch (290): the gateway’s vouchers wait reserved; accepting it issues them', async () => {
    const purchase = generalPurchase(2, 0);
    const answer = await stack.call('voucherservicepurchase', purchase.request);
    expect(answer.body).toMatchObject({ code: '200' });
    expect(stack.sim.control.endDeferred(Number(answer.body.uid), 'mismatch')).toMatchObject({ moved: true });
    const reserved = await eventually(async () => {
      const vouchers = await vouchersOf(purchase.orderId);
      return vouchers.length === 2 ? vouchers : undefined;
    });
    const operation = (await operationOf(stack, purchase.orderId))!;
    expect(operation.state).toBe('paid_mismatch');
    expect(reserved.map((v) => v.state)).toEqual(['reserved', 'reserved']);
    expect(reserved.map((v) => v.serialNumber)).toEqual(
      [...simSerials(purchase.orderId, operation.upstreamOrderId).paid].sort(),
    );
    expect(await servicesOf(stack).paidMismatch.accept(operation.id, 'ops@tixclear')).toEqual({
      action: 'accepted',
    });
    expect((await vouchersOf(purchase.orderId)).map((v) => v.state)).toEqual(['issued', 'issued']);
  });

  it('settles nothing from a paid result that does not list the gateway’s serials (no guess)', async () => {
    const purchase = generalPurchase(1, 0);
    const answer = await stack.call('voucherservicepurchase', purchase.request);
    expect(answer.body).toMatchObject({ code: '200' });
    const operation = (await operationOf(stack, purchase.orderId))!;
    // The gateway's word as a bare paid code, as seed 000's own query table has it: no voucher list.
    const body = await servicesOf(stack).purchases.recordResult(operation, {
      code: '250',
      uid: operation.gatewayUid,
      key: operation.gatewayKey,
      order_id: operation.upstreamOrderId,
    });
    expect(body).toMatchObject({ code: '250' });
    const after = await stack.db.dataSource
      .getRepository(OperationEntity)
      .findOneByOrFail({ id: operation.id });
    expect(after.state).toBe('awaiting_payment');
    expect(await vouchersOf(purchase.orderId)).toEqual([]);
  });

  it('refuses gateway numbering from a dealer partner (100 naming the item), sending and recording nothing', async () => {
    const dealer = 'GCDEALER1';
    await stack.registry.add({
      partnerUid: dealer,
      mode: 'agent',
      name: 'dealer platform',
      notifyUrl: null,
      issuerId: SAMPLE_PARTNER.issuerId,
      key: 'ZGVhbGVyZGVhbGVyZGVhbGVyZGVhbGVy',
      upstream: { mode: 'store', uid: STORE, key: SAMPLE_PARTNER.key },
      validFrom: new Date(Date.now() - 86_400_000),
    });
    await stack.registry.setPoint(dealer, {
      kind: 'store',
      pointRef: STORE,
      name: 'its store',
      payoutAccount: null,
    });
    const context = (await stack.registry.context(dealer))!;
    const purchase = generalPurchase(1, 0);
    const sent = simRequests(stack, 'voucherservicepurchase');
    await expect(servicesOf(stack).purchases.purchase(context, purchase.request)).rejects.toMatchObject({
      code: OperationErrorCode.RequestInvalid,
      field: 'items[0].is_custom_serial',
    });
    expect(simRequests(stack, 'voucherservicepurchase')).toBe(sent);
    expect(await operationOf(stack, purchase.orderId)).toBeNull();
  });
});
