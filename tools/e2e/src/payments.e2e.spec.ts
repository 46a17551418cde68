import { randomUUID } from 'node:crypto';
import {
  GatewayNotificationEntity,
  OperationEntity,
  OperatorItemEntity,
  PartnerNotificationEntity,
  SAMPLE_PARTNER,
} from '@tixclear/db';
import {
  addPlatformOnSampleMerchant,
  paidPurchase,
  reportsSettled,
  servicesOf,
  simRequests,
  restCall,
} from './flows';
import { moneyRefundRequest, paymentRequest } from './payments-requests';
import { callApi, eventually } from './stack';
import { stackForSuite } from './suite';

/*
 * PayPage payments (api/orders, api/queryorder, api/refund) and e-ticket refunds (api/esvcrefund) through both
 * doors, against the simulator over real HTTP: the friendly path, replays, another partner's order, a forged
 * payment report, and lost answers settled by our own queryorder.
 */

const STORE = SAMPLE_PARTNER.partnerUid;
const OTHER = { uid: 'PAYOTHER01', key: 'b3RoZXJvdGhlcm90aGVyb3RoZXJvdGhl' };

describe('payments through /api/init and /v1', () => {
  const stack = stackForSuite();
  let apiKey: string;
  beforeAll(async () => {
    apiKey = await stack.registry.issueApiKey(STORE);
    await addPlatformOnSampleMerchant(stack, OTHER);
  });

  const operation = (orderId: string) =>
    stack.db.dataSource.getRepository(OperationEntity).findOneByOrFail({ orderId });
  const reportsOf = (operationId: string) =>
    stack.db.dataSource.getRepository(PartnerNotificationEntity).findBy({ operationId });

  const rest = (method: 'GET' | 'POST', path: string, body?: unknown, key?: string) =>
    restCall(stack, apiKey, method, path, body, key);

  /** Opens a payment through /api/init and pays it on the simulator's page; waits until our query settled it. */
  async function paidPayment(cost = 1000) {
    const request = paymentRequest(cost);
    const opened = await stack.call('orders', request);
    expect(opened.body).toMatchObject({ code: '200', url: expect.any(String) });
    const { uid, key } = opened.body as { uid: string; key: string };
    expect((await fetch(String(opened.body.url), { method: 'POST' })).status).toBe(200);
    await eventually(async () => ((await operation(request.order_id)).state === 'paid' ? true : undefined));
    return { request, uid: String(uid), key };
  }

  it('orders → paid on the page → the report wakes our queryorder → paid, reported to the partner once', async () => {
    const { request, uid, key } = await paidPayment();
    const recorded = await operation(request.order_id);
    expect(recorded).toMatchObject({ kind: 'payment', command: 'orders', gatewayUid: uid, gatewayKey: key });
    expect(recorded.upstreamOrderId).not.toBe(request.order_id);
    const reports = await reportsOf(recorded.id);
    expect(reports.map((r) => r.event)).toEqual(['payment']);
    // uid as the gateway's record spells it (a number in seed 001's samples, text elsewhere).
    expect(reports[0]?.payload).toMatchObject({ prc: '250', order_id: request.order_id });
    expect(String(reports[0]?.payload.uid)).toBe(uid);

    // queryorder as seed 001's reference client sends it: uid and key only; the answer names OUR partner's order id.
    const query = await stack.call('queryorder', { uid, key });
    expect(query.body).toMatchObject({ prc: '250', order_id: request.order_id, cost: 1000 });
    expect(String(query.body.uid)).toBe(uid);
    // A repeat of the order is its stored answer, never a second order upstream.
    const before = simRequests(stack, 'orders');
    const repeat = await stack.call('orders', request);
    expect(repeat.body).toMatchObject({ code: '200', key });
    expect(String(repeat.body.uid)).toBe(uid);
    expect(simRequests(stack, 'orders')).toBe(before);
    // The same order id with another body is refused.
    const changed = await stack.call('orders', {
      ...request,
      cost: 999,
      items: [{ id: 'X', name: 'x', cost: 999, amount: 1, total: 999 }],
    });
    expect(changed.body).toMatchObject({ code: '100', field: 'order_id', error_code: 'ORDER_CONFLICT' });
  });

  it('a convenience-store payment waits open (260); paid with another amount (290): paid, and an operator item', async () => {
    const request = { ...paymentRequest(1000), pfn: 'CSTORECODE' };
    const opened = await stack.call('orders', request);
    const uid = String(opened.body.uid);
    const key = String(opened.body.key);
    expect((await fetch(String(opened.body.url), { method: 'POST' })).status).toBe(200);
    await eventually(async () =>
      (await stack.call('queryorder', { uid, key })).body.prc === '260' ? true : undefined,
    );
    expect(await operation(request.order_id)).toMatchObject({
      state: 'awaiting_payment',
      gatewayCode: '260',
    });
    stack.sim.control.endDeferred(Number(uid), 'mismatch');
    const paid = await eventually(async () => {
      const row = await operation(request.order_id);
      return row.state === 'paid' ? row : undefined;
    });
    expect(paid.gatewayCode).toBe('290');
    const items = await stack.db.dataSource
      .getRepository(OperatorItemEntity)
      .findBy({ kind: 'paid_mismatch', reference: paid.id });
    expect(items).toHaveLength(1);
    expect((await reportsOf(paid.id)).map((r) => r.event)).toEqual(['payment']);
    // An operator accepts the amount as paid: the item closes, the payment stays paid.
    await servicesOf(stack).paidMismatch.accept(paid.id, 'operator');
    expect(
      await stack.db.dataSource.getRepository(OperatorItemEntity).findOneByOrFail({ id: items[0]!.id }),
    ).toMatchObject({ state: 'resolved' });
    expect(await operation(request.order_id)).toMatchObject({ state: 'paid' });
  });

  it('refunds part of a payment; an identical repeat is the same refund, answered again', async () => {
    const { request, uid, key } = await paidPayment();
    const sent = simRequests(stack, 'refund');
    const refund = await stack.call('refund', moneyRefundRequest({ uid, key }, 300));
    expect(refund.body).toMatchObject({
      code: 'B200',
      row_data: { cost: 300, order_id: request.order_id, refund_uid: expect.anything() },
    });
    expect(String(refund.body.uid)).toBe(uid);
    expect(String((refund.body.row_data as { uid: unknown }).uid)).toBe(uid);
    const again = await stack.call('refund', moneyRefundRequest({ uid, key }, 300));
    expect(again.body).toEqual(refund.body);
    expect(simRequests(stack, 'refund') - sent).toBe(1);
    const refunds = await stack.db.dataSource.getRepository(OperationEntity).findBy({
      kind: 'pay_refund',
      gatewayUid: String((refund.body.row_data as { refund_uid: unknown }).refund_uid),
    });
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ state: 'succeeded', command: 'refund' });
    expect((await reportsOf(refunds[0]!.id)).map((r) => r.event)).toEqual(['payment_refund']);
    // More than what is left is the gateway's refusal, recorded as a failed refund.
    const tooMuch = await stack.call('refund', moneyRefundRequest({ uid, key }, 800));
    expect(tooMuch.body).toMatchObject({ code: 'B500' });
  });

  it('refuses bad input naming the field (100; B500 for esvcrefund), recording and sending nothing', async () => {
    const count = () => stack.db.dataSource.getRepository(OperationEntity).count();
    const before = await count();
    const noIp = paymentRequest();
    const { ip: _ip, ...withoutIp } = noIp;
    expect((await stack.call('orders', withoutIp)).body).toMatchObject({ code: '100', field: 'ip' });
    const sums = paymentRequest(1000);
    expect((await stack.call('orders', { ...sums, cost: 'ten' })).body).toMatchObject({
      code: '100',
      field: 'cost',
    });
    expect((await stack.call('queryorder', { uid: '1' })).body).toMatchObject({ code: '100', field: 'key' });
    expect(
      (await stack.call('esvcrefund', { store_uid: STORE, uid: '1', key: 'k', cost: -5 })).body,
    ).toMatchObject({ code: 'B500', field: 'cost' });
    expect(
      (await stack.call('esvcrefund', { store_uid: STORE, uid: '1', key: 'k', cost: 5 })).body,
    ).toMatchObject({ code: 'B500', field: 'uid', error_code: 'ORDER_NOT_FOUND' });
    expect(await count()).toBe(before);
  });

  it("never shows or refunds another partner's order, and asks the gateway nothing for it", async () => {
    const { uid, key } = await paidPayment();
    const queries = simRequests(stack, 'queryorder');
    const refunds = simRequests(stack, 'refund');
    const query = await callApi(stack.apiUrl, 'queryorder', { uid, key }, false, OTHER);
    expect(query.body).toMatchObject({ code: '100', field: 'uid', error_code: 'ORDER_NOT_FOUND' });
    const refund = await callApi(
      stack.apiUrl,
      'refund',
      { store_uid: OTHER.uid, uid, key, cost: 100 },
      false,
      OTHER,
    );
    expect(refund.body).toMatchObject({ code: '100', field: 'uid', error_code: 'ORDER_NOT_FOUND' });
    // The right uid with a wrong key is the same answer: no oracle.
    expect((await stack.call('queryorder', { uid, key: 'x'.repeat(32) })).body).toMatchObject({
      code: '100',
      field: 'uid',
    });
    expect(simRequests(stack, 'queryorder')).toBe(queries);
    expect(simRequests(stack, 'refund')).toBe(refunds);
  });

  it('a forged payment report changes nothing: our query finds the order still unpaid', async () => {
    const request = paymentRequest();
    const opened = await stack.call('orders', request);
    const { uid, key } = opened.body as { uid: string; key: string };
    const recorded = await operation(request.order_id);
    const forged = new URLSearchParams({
      uid: String(uid),
      key,
      prc: '250',
      finishtime: '20261205120000',
      order_id: recorded.upstreamOrderId,
      cost: '1000',
      retmsg: '付款完成',
      pfn: 'CREDITCARD',
    });
    const answer = await fetch(`${stack.apiUrl}/gateway/notify`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: forged.toString(),
    });
    expect(await answer.text()).toBe('8888');
    await eventually(async () => {
      const [report] = await stack.db.dataSource
        .getRepository(GatewayNotificationEntity)
        .findBy({ orderId: recorded.upstreamOrderId });
      return report && report.outcome !== 'pending' ? report : undefined;
    });
    expect(await operation(request.order_id)).toMatchObject({ state: 'awaiting_payment' });
    expect(await reportsOf(recorded.id)).toEqual([]);
  });

  it("an orders answer lost after the gateway opened it: unknown, then the payment report's uid checked by our query settles it", async () => {
    stack.sim.control.addFaults({ command: 'orders', fault: 'commit_then_drop', times: 1 });
    const request = paymentRequest();
    const lost = await stack.call('orders', request);
    expect(lost.body).toMatchObject({ code: 'B200', error_code: 'ORDER_IN_PROGRESS' });
    const recorded = await operation(request.order_id);
    expect(recorded).toMatchObject({ state: 'outcome_unknown', gatewayUid: null });
    // A repeat while unknown: still in progress, nothing sent again.
    const sent = simRequests(stack, 'orders');
    expect((await stack.call('orders', request)).body).toMatchObject({ code: 'B200' });
    expect(simRequests(stack, 'orders')).toBe(sent);
    // The reconciler has no uid to ask by and no report yet: it leaves it open, never failed.
    await servicesOf(stack, 10 * 60_000).reconciler.runOnce();
    expect(await operation(request.order_id)).toMatchObject({ state: 'outcome_unknown' });

    const order = [...stack.sim.state.orders.values()].find((o) => o.orderId === recorded.upstreamOrderId);
    expect(order).toBeDefined();
    expect(
      (await fetch(`${new URL(stack.sim.baseUrl).origin}/payment/${order!.uid}.html`, { method: 'POST' }))
        .status,
    ).toBe(200);
    await reportsSettled(stack);
    expect(await operation(request.order_id)).toMatchObject({
      state: 'paid',
      gatewayUid: String(order!.uid),
      gatewayKey: order!.key,
    });
    // The partner's repeat now gets an order answer with the gateway's uid and key.
    expect((await stack.call('orders', request)).body).toMatchObject({
      code: '200',
      uid: String(order!.uid),
    });
  });

  it("a forged report pairing a lost order with another paid order's uid and key settles nothing", async () => {
    const other = await paidPayment();
    stack.sim.control.addFaults([
      { command: 'orders', fault: 'commit_then_drop', times: 1 },
      { command: 'orders', fault: 'notify_suppress', times: 1 },
    ]);
    const request = paymentRequest();
    expect((await stack.call('orders', request)).body).toMatchObject({ error_code: 'ORDER_IN_PROGRESS' });
    const lost = await operation(request.order_id);
    const forged = new URLSearchParams({
      uid: other.uid,
      key: other.key,
      prc: '250',
      order_id: lost.upstreamOrderId,
      cost: '1000',
    });
    const answer = await fetch(`${stack.apiUrl}/gateway/notify`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: forged.toString(),
    });
    expect(await answer.text()).toBe('8888');
    const report = await eventually(async () => {
      const [stored] = await stack.db.dataSource
        .getRepository(GatewayNotificationEntity)
        .findBy({ orderId: lost.upstreamOrderId });
      return stored && stored.outcome !== 'pending' ? stored : undefined;
    });
    expect(report.outcome).toBe('not_found');
    expect(await operation(request.order_id)).toMatchObject({ state: 'outcome_unknown', gatewayUid: null });
    expect(await reportsOf(lost.id)).toEqual([]);
  });

  it('a refund answer lost: unknown, settled by the reconciler from the order’s refund list, never sent twice', async () => {
    const { uid, key } = await paidPayment();
    stack.sim.control.addFaults({ command: 'refund', fault: 'commit_then_drop', times: 1 });
    const sent = simRequests(stack, 'refund');
    const lost = await stack.call('refund', moneyRefundRequest({ uid, key }, 400));
    expect(lost.body).toMatchObject({ code: 'B200', error_code: 'ORDER_IN_PROGRESS' });
    const unknown = await stack.db.dataSource
      .getRepository(OperationEntity)
      .findOneByOrFail({ kind: 'pay_refund', state: 'outcome_unknown' });
    await servicesOf(stack).reconciler.runOnce();
    const settled = await stack.db.dataSource
      .getRepository(OperationEntity)
      .findOneByOrFail({ id: unknown.id });
    expect(settled).toMatchObject({ state: 'succeeded', gatewayCode: 'B200' });
    expect(settled.gatewayUid).not.toBeNull();
    // The repeat answers the settled refund; the gateway got exactly one.
    const repeat = await stack.call('refund', moneyRefundRequest({ uid, key }, 400));
    expect(repeat.body).toMatchObject({ code: 'B200', row_data: { refund_uid: settled.gatewayUid } });
    expect(simRequests(stack, 'refund') - sent).toBe(1);
  });

  it('a gateway timeout on esvcrefund: unknown, and once the gateway has done it the reconciler settles it', async () => {
    const { uid, key } = await paidPayment();
    // Slower than the API's 3 s timeout: the API gives up, the gateway still does the refund after.
    stack.sim.control.addFaults({ command: 'esvcrefund', fault: 'latency', ms: 4_000, times: 1 });
    const sent = simRequests(stack, 'esvcrefund');
    const request = { store_uid: STORE, uid, key, cost: 250 };
    const timedOut = await stack.call('esvcrefund', request);
    expect(timedOut.body).toMatchObject({ code: 'B200', error_code: 'ORDER_IN_PROGRESS' });
    const unknown = await stack.db.dataSource
      .getRepository(OperationEntity)
      .findOneByOrFail({ command: 'esvcrefund', state: 'outcome_unknown' });
    // The gateway does it once its delay is over; the reconciler's first pass then finds it in the order.
    await eventually(async () => {
      const refunds = (await stack.call('queryorder', { uid, key })).body.refund_order;
      return Array.isArray(refunds) && refunds.length > 0 ? true : undefined;
    });
    await servicesOf(stack).reconciler.runOnce();
    expect(
      await stack.db.dataSource.getRepository(OperationEntity).findOneByOrFail({ id: unknown.id }),
    ).toMatchObject({ state: 'succeeded', gatewayCode: 'B200' });
    const repeat = await stack.call('esvcrefund', request);
    expect(repeat.body).toMatchObject({ code: 'B200', row_data: { cost: 250 } });
    expect(simRequests(stack, 'esvcrefund') - sent).toBe(1);
  });

  it('identical refunds sent at once: one refund upstream, the others told it is in progress or answered', async () => {
    const { uid, key } = await paidPayment();
    const sent = simRequests(stack, 'refund');
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => stack.call('refund', moneyRefundRequest({ uid, key }, 150))),
    );
    expect(simRequests(stack, 'refund') - sent).toBe(1);
    const done = answers.filter((a) => a.body.row_data !== undefined);
    expect(done.length).toBeGreaterThanOrEqual(1);
    for (const answer of answers) {
      if (answer.body.row_data === undefined)
        expect(answer.body).toMatchObject({ code: 'B200', error_code: 'ORDER_IN_PROGRESS' });
      else expect(answer.body).toEqual(done[0]!.body);
    }
  });

  it('esvcrefund refunds part of a paid voucher purchase (seed 003)', async () => {
    const purchase = await paidPurchase(stack, { amount: 2 });
    const recorded = await operation(purchase.orderId);
    const request = {
      store_uid: STORE,
      device_id: 'POS01',
      uid: String(recorded.gatewayUid),
      key: String(recorded.gatewayKey),
      cost: 50,
    };
    const answer = await stack.call('esvcrefund', request);
    expect(answer.body).toMatchObject({
      code: 'B200',
      row_data: { uid: request.uid, order_id: purchase.orderId, refund_uid: expect.anything() },
    });
    const sent = simRequests(stack, 'esvcrefund');
    const repeat = await stack.call('esvcrefund', request);
    expect(repeat.body).toEqual(answer.body);
    expect(simRequests(stack, 'esvcrefund')).toBe(sent);
  });

  describe('the REST door', () => {
    it('POST /v1/payments, GET it paid, refund it, read the refund; replays by Idempotency-Key', async () => {
      const { store_uid: _store, ...body } = paymentRequest(600);
      const idempotencyKey = randomUUID();
      const created = await rest('POST', '/v1/payments', body, idempotencyKey);
      expect(created.status).toBe(201);
      expect(created.headers.get('location')).toBe(`/v1/payments/${body.order_id}`);
      const data = created.body.data as { url: string; uid: string };
      const replay = await rest('POST', '/v1/payments', body, idempotencyKey);
      expect(replay.status).toBe(201);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body).toEqual(created.body);

      expect((await fetch(data.url, { method: 'POST' })).status).toBe(200);
      await eventually(async () => ((await operation(body.order_id)).state === 'paid' ? true : undefined));
      const read = await rest('GET', `/v1/payments/${body.order_id}`);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ data: { prc: '250', order_id: body.order_id } });

      const refundBody = { refund_order_id: `${body.order_id}R1`, cost: 100 };
      const refunded = await rest('POST', `/v1/payments/${body.order_id}/refunds`, refundBody);
      expect(refunded.status).toBe(201);
      expect(refunded.headers.get('location')).toBe(
        `/v1/payments/${body.order_id}/refunds/${refundBody.refund_order_id}`,
      );
      expect(refunded.body).toMatchObject({
        data: { code: 'B200', row_data: { cost: 100, order_id: body.order_id } },
      });
      // Another key, same refund id and body: the same refund (order-level idempotency), not a second one.
      const sent = simRequests(stack, 'refund');
      const again = await rest('POST', `/v1/payments/${body.order_id}/refunds`, refundBody);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(refunded.body);
      expect(simRequests(stack, 'refund')).toBe(sent);
      // The same refund id with another amount is a conflict.
      const conflict = await rest('POST', `/v1/payments/${body.order_id}/refunds`, {
        ...refundBody,
        cost: 50,
      });
      expect(conflict.status).toBe(409);
      expect(conflict.body).toMatchObject({ error: { code: 'ORDER_CONFLICT', field: 'order_id' } });
      const readRefund = await rest(
        'GET',
        `/v1/payments/${body.order_id}/refunds/${refundBody.refund_order_id}`,
      );
      expect(readRefund.status).toBe(200);
      expect(readRefund.body).toEqual(refunded.body);
      expect((await rest('GET', '/v1/payments/NO-SUCH-ORDER')).status).toBe(404);
    });

    it('two lost refunds of the same amount are settled by the reconciler as two distinct refunds of the order', async () => {
      const { store_uid: _store, ...body } = paymentRequest(500);
      const created = await rest('POST', '/v1/payments', body);
      expect((await fetch((created.body.data as { url: string }).url, { method: 'POST' })).status).toBe(200);
      await eventually(async () => ((await operation(body.order_id)).state === 'paid' ? true : undefined));
      stack.sim.control.addFaults({ command: 'refund', fault: 'commit_then_drop', times: 2 });
      for (const id of ['A', 'B']) {
        const lost = await rest('POST', `/v1/payments/${body.order_id}/refunds`, {
          refund_order_id: `${body.order_id}${id}`,
          cost: 100,
        });
        expect(lost.status).toBe(202);
      }
      await servicesOf(stack).reconciler.runOnce();
      const refunds = await Promise.all(['A', 'B'].map((id) => operation(`${body.order_id}${id}`)));
      expect(refunds.map((r) => r.state)).toEqual(['succeeded', 'succeeded']);
      expect(new Set(refunds.map((r) => r.gatewayUid)).size).toBe(2);
      const read = await rest('GET', `/v1/payments/${body.order_id}/refunds/${body.order_id}B`);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({
        data: { code: 'B200', row_data: { cost: 100, order_id: body.order_id } },
      });
    });

    it('concurrent duplicate POSTs of one payment: one order upstream, every answer the same', async () => {
      const { store_uid: _store, ...body } = paymentRequest(200);
      const sent = simRequests(stack, 'orders');
      const answers = await Promise.all(Array.from({ length: 8 }, () => rest('POST', '/v1/payments', body)));
      expect(simRequests(stack, 'orders') - sent).toBe(1);
      const done = answers.filter((a) => a.status === 201 || a.status === 200);
      expect(done.length).toBeGreaterThanOrEqual(1);
      for (const answer of done) expect(answer.body).toEqual(done[0]!.body);
      for (const answer of answers) expect([200, 201, 202]).toContain(answer.status);
    });

    it('POST /v1/eticket-refunds refunds a paid purchase named by its order_id; bad input names the field', async () => {
      const purchase = await paidPurchase(stack, { amount: 1 });
      const body = { refund_order_id: `${purchase.orderId}E`, order_id: purchase.orderId, cost: 50 };
      const refunded = await rest('POST', '/v1/eticket-refunds', body);
      expect(refunded.status).toBe(201);
      expect(refunded.headers.get('location')).toBe(`/v1/eticket-refunds/${body.refund_order_id}`);
      expect(refunded.body).toMatchObject({
        data: { code: 'B200', row_data: { order_id: purchase.orderId } },
      });
      const bad = await rest('POST', '/v1/eticket-refunds', {
        ...body,
        refund_order_id: `${body.refund_order_id}X`,
        cost: 'fifty',
      });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ error: { code: 'REQUEST_INVALID', field: 'cost' } });
      const missing = await rest('POST', '/v1/eticket-refunds', { order_id: purchase.orderId, cost: 10 });
      expect(missing.body).toMatchObject({ error: { code: 'REQUEST_INVALID', field: 'refund_order_id' } });
    });
  });
});
