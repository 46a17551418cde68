import { OperationEntity, SAMPLE_PARTNER } from '@tixclear/db';
import { addPlatformOnSampleMerchant, servicesOf, simRequests, restCall } from './flows';
import { moneyRefundRequest, paymentRequest } from './payments-requests';
import { callApi, eventually } from './stack';
import { stackForSuite } from './suite';

/*
 * The other PayPage writes (refund cancel, invoice issue, card capture and authorisation cancel) and the read-only
 * invoice and pay-mode queries, through both doors against the simulator: answers, replays, another partner's
 * order, and a capture whose answer is lost settled by the reconciler's queryorder.
 */

const STORE = SAMPLE_PARTNER.partnerUid;
const OTHER = { uid: 'PAYOTHER02', key: 'b3RoZXJvdGhlcm90aGVyb3RoZXJvdGhm' };

describe('PayPage actions through /api/init and /v1', () => {
  const stack = stackForSuite();
  let apiKey: string;
  beforeAll(async () => {
    apiKey = await stack.registry.issueApiKey(STORE);
    await addPlatformOnSampleMerchant(stack, OTHER);
  });

  const operation = (orderId: string) =>
    stack.db.dataSource.getRepository(OperationEntity).findOneByOrFail({ orderId });

  const rest = (method: 'GET' | 'POST', path: string, body?: unknown) =>
    restCall(stack, apiKey, method, path, body);

  /** A payment opened through /api/init and paid on the page; `authorise` stops it at 245 (manual capture). */
  async function paid(options: { authorise?: boolean; cost?: number } = {}) {
    const request = {
      ...paymentRequest(options.cost ?? 1000),
      ...(options.authorise ? { creditcard_is_automatic_payment: 0 } : {}),
    };
    const opened = await stack.call('orders', request);
    expect(opened.body).toMatchObject({ code: '200' });
    const uid = String(opened.body.uid);
    const key = String(opened.body.key);
    expect((await fetch(String(opened.body.url), { method: 'POST' })).status).toBe(200);
    await eventually(async () => {
      const state = (await stack.call('queryorder', { uid, key })).body.prc;
      return state === (options.authorise ? '245' : '250') ? true : undefined;
    });
    return { request, uid, key };
  }

  it('issueinvoice and invoice: issued once, read back with the partner’s order id', async () => {
    const { request, uid, key } = await paid();
    const issue = { store_uid: STORE, uid, key, invoice_input_type: 1, invoice_cloud_type: 4 };
    const sent = simRequests(stack, 'issueinvoice');
    const issued = await stack.call('issueinvoice', issue);
    expect(issued.body).toMatchObject({ code: 'B200', number: expect.any(String) });
    expect(String(issued.body.state)).toBe('2');
    expect(issued.body.order_id).toBe(request.order_id);
    expect((await stack.call('issueinvoice', issue)).body).toEqual(issued.body);
    expect(simRequests(stack, 'issueinvoice') - sent).toBe(1);
    const read = await stack.call('invoice', { uid, key });
    expect(read.body).toMatchObject({ order_id: request.order_id, number: issued.body.number });
    expect([String(read.body.uid), String(read.body.state)]).toEqual([uid, '2']);
    // Another partner names the same order: refused, nothing asked upstream.
    const queries = simRequests(stack, 'invoice');
    const other = await callApi(stack.apiUrl, 'invoice', { uid, key }, false, OTHER);
    expect(other.body).toMatchObject({ code: '100', field: 'uid', error_code: 'ORDER_NOT_FOUND' });
    expect(simRequests(stack, 'invoice')).toBe(queries);
  });

  it('refundcancel takes back a queued refund (prc 220); a repeat is the same cancel', async () => {
    const { request, uid, key } = await paid();
    const refund = await stack.call('refund', moneyRefundRequest({ uid, key }, 200));
    const refundUid = String((refund.body.row_data as { refund_uid: unknown }).refund_uid);
    const cancel = { store_uid: STORE, uid: refundUid, key };
    const cancelled = await stack.call('refundcancel', cancel);
    expect(cancelled.body).toMatchObject({
      code: 'B200',
      row_data: { prc: '220', order_id: request.order_id },
    });
    expect(String((cancelled.body.row_data as { refund_uid: unknown }).refund_uid)).toBe(refundUid);
    const sent = simRequests(stack, 'refundcancel');
    expect((await stack.call('refundcancel', cancel)).body).toEqual(cancelled.body);
    expect(simRequests(stack, 'refundcancel')).toBe(sent);
    const other = await callApi(
      stack.apiUrl,
      'refundcancel',
      { store_uid: OTHER.uid, uid: refundUid, key },
      false,
      OTHER,
    );
    expect(other.body).toMatchObject({ code: '100', field: 'uid' });
  });

  it('an authorised payment: captured (then paid), another released (then failed)', async () => {
    const captured = await paid({ authorise: true });
    expect(await operation(captured.request.order_id)).toMatchObject({ state: 'awaiting_payment' });
    const capture = await stack.call('authorizedrequestpayment', {
      store_uid: STORE,
      uid: captured.uid,
      key: captured.key,
      cost: 1000,
    });
    expect(capture.body).toMatchObject({ code: 'B200', content: { order_id: captured.request.order_id } });
    await eventually(async () =>
      (await operation(captured.request.order_id)).state === 'paid' ? true : undefined,
    );

    const released = await paid({ authorise: true });
    const cancel = await stack.call('cancelauthorization', {
      store_uid: STORE,
      uid: released.uid,
      key: released.key,
    });
    expect(cancel.body).toMatchObject({ code: 'B200', content: { prc: '300' } });
    expect(await operation(released.request.order_id)).toMatchObject({ state: 'failed' });
  });

  it('a capture whose answer is lost: unknown, then succeeded by the reconciler’s queryorder, sent once', async () => {
    const { uid, key } = await paid({ authorise: true });
    stack.sim.control.addFaults({ command: 'authorizedrequestpayment', fault: 'commit_then_drop', times: 1 });
    const sent = simRequests(stack, 'authorizedrequestpayment');
    const capture = { store_uid: STORE, uid, key, cost: 1000 };
    const lost = await stack.call('authorizedrequestpayment', capture);
    expect(lost.body).toMatchObject({ code: 'B200', error_code: 'ORDER_IN_PROGRESS' });
    const unknown = await stack.db.dataSource
      .getRepository(OperationEntity)
      .findOneByOrFail({ command: 'authorizedrequestpayment', state: 'outcome_unknown' });
    await servicesOf(stack).reconciler.runOnce();
    expect(
      await stack.db.dataSource.getRepository(OperationEntity).findOneByOrFail({ id: unknown.id }),
    ).toMatchObject({ state: 'succeeded' });
    expect((await stack.call('authorizedrequestpayment', capture)).body).toMatchObject({ code: 'B200' });
    expect(simRequests(stack, 'authorizedrequestpayment') - sent).toBe(1);
  });

  it('paymentsupportpaymode lists the store’s pay modes; a bad cost names the field', async () => {
    const modes = await stack.call('paymentsupportpaymode', { store_uid: STORE, cost: 100 });
    expect(modes.body).toMatchObject({ code: 'B200', content: expect.arrayContaining([expect.any(String)]) });
    const bad = await stack.call('paymentsupportpaymode', { store_uid: STORE, cost: 0 });
    expect(bad.body).toMatchObject({ code: '100', field: 'cost' });
    const foreign = await stack.call('paymentsupportpaymode', { store_uid: OTHER.uid, cost: 100 });
    expect(foreign.body).toMatchObject({ code: '100', field: 'store_uid' });
  });

  /** A Taiwan calendar day `days` from today, YYYYMMDD. */
  function dayFromToday(days: number): string {
    const taipei = new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000);
    return taipei.toISOString().slice(0, 10).replace(/-/g, '');
  }

  it('disabledirectdebit stops a recurring payment by the partner’s order id; an unknown stop is sent again', async () => {
    const groupId = `G${Date.now().toString().slice(-9)}`;
    const request = { ...paymentRequest(300), regular: 'M', regular_total: '12', group_id: groupId };
    const opened = await stack.call('orders', request);
    expect(opened.body).toMatchObject({ code: '200' });
    expect((await fetch(String(opened.body.url), { method: 'POST' })).status).toBe(200);
    await eventually(async () => ((await operation(request.order_id)).state === 'paid' ? true : undefined));
    const stop = {
      store_uid: STORE,
      order_id: request.order_id,
      group_id: groupId,
      stop_time: dayFromToday(30),
    };
    const stopped = await stack.call('disabledirectdebit', stop);
    expect(stopped.body).toMatchObject({ code: 'B200', order_id: request.order_id, group_id: groupId });
    expect(
      (await stack.call('disabledirectdebit', { ...stop, stop_time: dayFromToday(0) })).body,
    ).toMatchObject({
      code: 'B500',
    });
    const other = await callApi(
      stack.apiUrl,
      'disabledirectdebit',
      { ...stop, store_uid: OTHER.uid },
      false,
      OTHER,
    );
    expect(other.body).toMatchObject({ code: '100', field: 'order_id', error_code: 'ORDER_NOT_FOUND' });

    // No query shows a stop: an unknown one is settled by sending the same stop again (the same again).
    stack.sim.control.addFaults({ command: 'disabledirectdebit', fault: 'commit_then_drop', times: 1 });
    const later = { ...stop, stop_time: dayFromToday(40) };
    expect((await stack.call('disabledirectdebit', later)).body).toMatchObject({
      code: 'B200',
      error_code: 'ORDER_IN_PROGRESS',
    });
    const unknown = await stack.db.dataSource
      .getRepository(OperationEntity)
      .findOneByOrFail({ command: 'disabledirectdebit', state: 'outcome_unknown' });
    await servicesOf(stack).reconciler.runOnce();
    expect(
      await stack.db.dataSource.getRepository(OperationEntity).findOneByOrFail({ id: unknown.id }),
    ).toMatchObject({ state: 'succeeded', gatewayCode: 'B200' });
    expect((await stack.call('disabledirectdebit', later)).body).toMatchObject({
      code: 'B200',
      order_id: request.order_id,
    });
  });

  it('ewalletbind opens a binding page; the same request again is the same page, asked once', async () => {
    const bind = { store_uid: STORE, user_id: `U${Date.now()}`, ip: '127.0.0.1', pfn: 'CREDITCARD' };
    const sent = simRequests(stack, 'ewalletbind');
    const opened = await stack.call('ewalletbind', bind);
    expect(opened.body).toMatchObject({ code: 'B200', url: expect.stringContaining('/ewallet/') });
    expect((await stack.call('ewalletbind', bind)).body).toEqual(opened.body);
    expect(simRequests(stack, 'ewalletbind') - sent).toBe(1);
    const { ip: _ip, ...noIp } = bind;
    expect((await stack.call('ewalletbind', noIp)).body).toMatchObject({ code: '100', field: 'ip' });
  });

  describe('the REST door', () => {
    it('stops a direct debit and opens an e-wallet binding', async () => {
      const groupId = `H${Date.now().toString().slice(-9)}`;
      const { store_uid: _s, ...body } = { ...paymentRequest(300), regular: 'M', group_id: groupId };
      const created = await rest('POST', '/v1/payments', body);
      expect(created.status).toBe(201);
      expect((await fetch((created.body.data as { url: string }).url, { method: 'POST' })).status).toBe(200);
      const stop = await rest('POST', `/v1/payments/${body.order_id}/direct-debit/stop`, {
        group_id: groupId,
        stop_time: dayFromToday(10),
      });
      expect(stop.status).toBe(201);
      expect(stop.body).toMatchObject({ data: { code: 'B200', order_id: body.order_id } });
      const binding = await rest('POST', '/v1/ewallet-bindings', { user_id: 'u-rest', ip: '127.0.0.1' });
      expect(binding.status).toBe(201);
      expect(binding.body).toMatchObject({ data: { code: 'B200', url: expect.any(String) } });
    });

    it('capture, invoice, refund cancel and pay modes by the partner’s own ids', async () => {
      const { store_uid: _s, ...body } = { ...paymentRequest(800), creditcard_is_automatic_payment: 0 };
      const created = await rest('POST', '/v1/payments', body);
      expect(created.status).toBe(201);
      const data = created.body.data as { url: string; uid: string; key: string };
      expect((await fetch(data.url, { method: 'POST' })).status).toBe(200);
      const capture = await rest('POST', `/v1/payments/${body.order_id}/capture`, { cost: 800 });
      expect(capture.status).toBe(201);
      expect(capture.body).toMatchObject({ data: { code: 'B200', content: { order_id: body.order_id } } });
      await eventually(async () => ((await operation(body.order_id)).state === 'paid' ? true : undefined));

      const invoice = await rest('POST', `/v1/payments/${body.order_id}/invoice`, { invoice_input_type: 1 });
      expect(invoice.status).toBe(201);
      const read = await rest('GET', `/v1/payments/${body.order_id}/invoice`);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ data: { order_id: body.order_id } });
      expect(String((read.body.data as { state: unknown }).state)).toBe('2');

      const refundId = `${body.order_id}R`;
      const refunded = await rest('POST', `/v1/payments/${body.order_id}/refunds`, {
        refund_order_id: refundId,
        cost: 300,
        invoice_state: 6,
        items: [{ id: 'P01', name: '演唱會門票', cost: 300, amount: 1, total: 300 }],
      });
      expect(refunded.status).toBe(201);
      const cancelled = await rest('POST', `/v1/payments/${body.order_id}/refunds/${refundId}/cancel`, {});
      expect(cancelled.status).toBe(201);
      expect(cancelled.body).toMatchObject({ data: { code: 'B200', row_data: { prc: '220' } } });

      const modes = await rest('GET', '/v1/pay-modes?cost=100');
      expect(modes.status).toBe(200);
      expect(modes.body).toMatchObject({ data: { code: 'B200' } });
      expect((await rest('GET', '/v1/pay-modes?cost=x')).body).toMatchObject({
        error: { code: 'REQUEST_INVALID', field: 'cost' },
      });
      // A body naming the order's uid is refused, never used.
      const named = await rest('POST', `/v1/payments/${body.order_id}/capture`, { cost: 1, uid: data.uid });
      expect(named.body).toMatchObject({ error: { code: 'REQUEST_INVALID', field: 'uid' } });
    });
  });
});
