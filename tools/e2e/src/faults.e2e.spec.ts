import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  GatewayNotificationEntity,
  OperationEntity,
  PartnerEntity,
  PartnerNotificationEntity,
  SAMPLE_PARTNER,
} from '@tixclear/db';
import { httpBuildQuery } from '@tixclear/gateway-client';
import {
  linesOf,
  operationOf,
  paidPurchase,
  partnerReportsOf,
  servicesOf,
  simRedemptionsOf,
  simRequests,
  voucherOf,
} from './flows';
import { purchaseRequest, redeemRequest } from './requests';
import { eventually, startStack, type Stack } from './stack';
import { stackForSuite } from './suite';

/*
 * What the engine does when the gateway misbehaves (the simulator's fault catalogue, tools/gateway-simulator
 * README): lost answers, rate limits, system errors, repeated and reordered reports; and what it does when a
 * partner's notification URL misbehaves. The invariant throughout: one redemption at the gateway, one line here.
 */

const STORE = SAMPLE_PARTNER.partnerUid;

describe('gateway faults on the partner API', () => {
  const stack = stackForSuite();

  /** The reconciler as the worker runs it, in this process, seeing the clock `aheadMs` in the future. */
  function reconciler(aheadMs = 0) {
    return servicesOf(stack, aheadMs).reconciler;
  }

  describe('an answer lost after the gateway committed the redemption', () => {
    it('answers B200, and the partner’s voucherquery settles it as redeemed without a second redemption', async () => {
      const purchase = await paidPurchase(stack, { amount: 1 });
      // The gateway's report would settle it too; suppress it so that the query alone must do it.
      stack.sim.control.addFaults([
        { command: 'vouchertransaction', fault: 'commit_then_drop', times: 1 },
        { command: 'vouchertransaction', fault: 'notify_suppress', times: 1 },
      ]);
      const sentBefore = simRequests(stack, 'vouchertransaction');
      const request = redeemRequest(purchase.serials);

      const answer = await stack.call('vouchertransaction', request);
      expect(answer.body).toMatchObject({ code: 'B200', error_code: 'ORDER_IN_PROGRESS', field: 'order_id' });
      const operation = await operationOf(stack, request.order_id);
      expect(operation?.state).toBe('outcome_unknown');
      expect((await voucherOf(stack, purchase.serials[0]!)).state).toBe('redeem_unknown');
      expect(await linesOf(stack, { serialNumber: purchase.serials[0]! })).toHaveLength(0);

      const query = await stack.call('voucherquery', { store_uid: STORE, order_id: request.order_id });
      expect(query.body).toMatchObject({
        code: 'B200',
        content: { code: '250', order_id: request.order_id },
      });

      expect(await operationOf(stack, request.order_id)).toMatchObject({
        state: 'succeeded',
        gatewayCode: '250',
      });
      expect((await voucherOf(stack, purchase.serials[0]!)).state).toBe('redeemed');
      const lines = await linesOf(stack, { serialNumber: purchase.serials[0]! });
      expect(lines).toHaveLength(1);
      expect(lines[0]?.ourFee).toEqual(lines[0]?.gatewayFee);
      // Exactly one redemption was ever sent, and the gateway holds exactly one.
      expect(simRequests(stack, 'vouchertransaction') - sentBefore).toBe(1);
      expect(simRedemptionsOf(stack, operation!.upstreamOrderId)).toHaveLength(1);
      // The partner's repeat of its request now gets the settled answer, not a second redemption.
      const repeat = await stack.call('vouchertransaction', request);
      expect(repeat.body).toMatchObject({ code: '250', order_id: request.order_id });
      expect(simRequests(stack, 'vouchertransaction') - sentBefore).toBe(1);
    });

    it('is settled by the reconciler (the worker’s minute job) the same way', async () => {
      const purchase = await paidPurchase(stack, { amount: 2 });
      stack.sim.control.addFaults([
        { command: 'vouchertransaction', fault: 'commit_then_drop', times: 1 },
        { command: 'vouchertransaction', fault: 'notify_suppress', times: 1 },
      ]);
      const sentBefore = simRequests(stack, 'vouchertransaction');
      const request = redeemRequest(purchase.serials);
      expect((await stack.call('vouchertransaction', request)).body).toMatchObject({ code: 'B200' });

      const report = await reconciler().runOnce();
      expect(report.settled).toBeGreaterThanOrEqual(1);

      const operation = await operationOf(stack, request.order_id);
      expect(operation).toMatchObject({ state: 'succeeded', gatewayCode: '250' });
      expect(await linesOf(stack, { operationId: operation!.id })).toHaveLength(2);
      for (const serial of purchase.serials) expect((await voucherOf(stack, serial)).state).toBe('redeemed');
      expect(simRequests(stack, 'vouchertransaction') - sentBefore).toBe(1);
      expect(simRedemptionsOf(stack, operation!.upstreamOrderId)).toHaveLength(1);
      expect(await partnerReportsOf(stack, operation!.id)).toHaveLength(1);
    });

    it('is settled by the gateway’s own report when it is not suppressed', async () => {
      const purchase = await paidPurchase(stack, { amount: 1 });
      stack.sim.control.addFaults({ command: 'vouchertransaction', fault: 'commit_then_drop', times: 1 });
      const request = redeemRequest(purchase.serials);
      expect((await stack.call('vouchertransaction', request)).body).toMatchObject({ code: 'B200' });
      await stack.sim.control.notificationsSettled();
      const operation = await eventually(async () => {
        const op = await operationOf(stack, request.order_id);
        return op?.state === 'succeeded' ? op : undefined;
      });
      expect(await linesOf(stack, { operationId: operation.id })).toHaveLength(1);
      expect(simRedemptionsOf(stack, operation.upstreamOrderId)).toHaveLength(1);
    });
  });

  describe('the retry table on a mutating command', () => {
    it('does not retry a 429 (the seeds never say "not processed"): unknown, failed only once the gateway says it never arrived', async () => {
      const purchase = await paidPurchase(stack, { amount: 1 });
      stack.sim.control.addFaults({
        command: 'vouchertransaction',
        fault: 'http_429',
        times: 1,
        retryAfterSeconds: 0,
      });
      const sentBefore = simRequests(stack, 'vouchertransaction');
      const request = redeemRequest(purchase.serials);

      const answer = await stack.call('vouchertransaction', request);
      expect(answer.body).toMatchObject({ code: 'B200', error_code: 'ORDER_IN_PROGRESS' });
      expect(simRequests(stack, 'vouchertransaction') - sentBefore).toBe(1);
      expect((await operationOf(stack, request.order_id))?.state).toBe('outcome_unknown');
      expect((await voucherOf(stack, purchase.serials[0]!)).state).toBe('redeem_unknown');
      await reconciler(5 * 60_000).runOnce();
      await reconciler(10 * 60_000).runOnce();
      expect(await operationOf(stack, request.order_id)).toMatchObject({
        state: 'failed',
        gatewayCode: 'B500',
      });
      expect((await voucherOf(stack, purchase.serials[0]!)).state).toBe('issued');
    });

    it('does not retry an outer 400 that followed a commit: unknown, then resolved as redeemed by query', async () => {
      const purchase = await paidPurchase(stack, { amount: 1 });
      stack.sim.control.addFaults([
        { command: 'vouchertransaction', fault: 'commit_then_error', times: 1 },
        { command: 'vouchertransaction', fault: 'notify_suppress', times: 1 },
      ]);
      const sentBefore = simRequests(stack, 'vouchertransaction');
      const request = redeemRequest(purchase.serials);

      const answer = await stack.call('vouchertransaction', request);
      expect(answer.body).toMatchObject({ code: 'B200', error_code: 'ORDER_IN_PROGRESS' });
      expect(simRequests(stack, 'vouchertransaction') - sentBefore).toBe(1);
      expect((await operationOf(stack, request.order_id))?.state).toBe('outcome_unknown');

      const query = await stack.call('voucherquery', { store_uid: STORE, order_id: request.order_id });
      expect(query.body).toMatchObject({ content: { code: '250' } });
      const operation = await operationOf(stack, request.order_id);
      expect(operation?.state).toBe('succeeded');
      expect(await linesOf(stack, { operationId: operation!.id })).toHaveLength(1);
      expect(simRequests(stack, 'vouchertransaction') - sentBefore).toBe(1);
    });

    it('does not retry an outer 400 that came before any commit: unknown, then failed once the gateway says it never arrived', async () => {
      const purchase = await paidPurchase(stack, { amount: 1 });
      stack.sim.control.addFaults({ command: 'vouchertransaction', fault: 'system_error', times: 1 });
      const sentBefore = simRequests(stack, 'vouchertransaction');
      const request = redeemRequest(purchase.serials);

      const answer = await stack.call('vouchertransaction', request);
      expect(answer.body).toMatchObject({ code: 'B200', error_code: 'ORDER_IN_PROGRESS' });
      expect(simRequests(stack, 'vouchertransaction') - sentBefore).toBe(1);
      // The gateway does not know the order; right after the call that may still be a request in flight, so
      // the query does not decide it...
      const query = await stack.call('voucherquery', { store_uid: STORE, order_id: request.order_id });
      expect(query.body).toMatchObject({ code: 'B500' });
      expect((await operationOf(stack, request.order_id))?.state).toBe('outcome_unknown');
      expect(await reconciler().runOnce()).toMatchObject({ settled: 0 });
      expect((await operationOf(stack, request.order_id))?.state).toBe('outcome_unknown');
      // ...the reconciler does, once the grace period has passed: failed, the voucher free again.
      await reconciler(5 * 60_000).runOnce();
      expect(await operationOf(stack, request.order_id)).toMatchObject({
        state: 'failed',
        gatewayCode: 'B500',
      });
      expect((await voucherOf(stack, purchase.serials[0]!)).state).toBe('issued');

      const again = await stack.call('vouchertransaction', redeemRequest(purchase.serials));
      expect(again.body).toMatchObject({ code: '250' });
      expect(await linesOf(stack, { serialNumber: purchase.serials[0]! })).toHaveLength(1);
    });

    it('undoes the intent when the gateway refuses connections (400 to the partner), and the same order_id then succeeds', async () => {
      const purchase = await paidPurchase(stack, { amount: 1 });
      const request = redeemRequest(purchase.serials);
      await stack.sim.offline();
      let refused;
      try {
        refused = await stack.call('vouchertransaction', request);
      } finally {
        await stack.sim.online();
      }
      expect(refused.body).toMatchObject({ code: '400', error_code: 'GATEWAY_UNAVAILABLE' });
      expect(await operationOf(stack, request.order_id)).toBeNull();
      expect(await voucherOf(stack, purchase.serials[0]!)).toMatchObject({
        state: 'issued',
        holderOperationId: null,
      });

      const retried = await stack.call('vouchertransaction', request);
      expect(retried.body).toMatchObject({ code: '250', order_id: request.order_id });
      const operation = await operationOf(stack, request.order_id);
      expect(simRedemptionsOf(stack, operation!.upstreamOrderId)).toHaveLength(1);
      expect(await linesOf(stack, { serialNumber: purchase.serials[0]! })).toHaveLength(1);
    });
  });

  describe('repeated and reordered gateway reports', () => {
    /** A purchase opened through the API whose payment report carries the given faults. */
    async function openPurchase(
      faults: { fault: 'notify_duplicate' | 'notify_out_of_order'; ms?: number }[],
    ) {
      const purchase = purchaseRequest({ amount: 1 });
      const answer = await stack.call('voucherservicepurchase', purchase.request);
      expect(answer.body).toMatchObject({ code: '200' });
      stack.sim.control.addFaults(faults.map((f) => ({ ...f, command: 'voucherservicepurchase', times: 1 })));
      return { purchase, uid: Number(answer.body.uid), url: String(answer.body.url) };
    }

    async function settledPurchase(orderId: string): Promise<OperationEntity> {
      return eventually(async () => {
        const op = await operationOf(stack, orderId);
        return op?.state === 'paid' ? op : undefined;
      });
    }

    it('applies a duplicated payment report once: paid once, one partner report', async () => {
      const { purchase, uid } = await openPurchase([{ fault: 'notify_duplicate' }]);
      stack.sim.control.pay(uid);
      const deliveries = (await stack.sim.control.notificationsSettled()).filter(
        (n) => n.command === 'voucherservicepurchase' && String(n.payload.uid) === String(uid),
      );
      expect(deliveries.map((d) => [d.copy, d.state])).toEqual([
        ['original', 'delivered'],
        ['duplicate', 'delivered'],
      ]);
      const operation = await settledPurchase(purchase.orderId);
      expect(await partnerReportsOf(stack, operation.id)).toHaveLength(1);
      const stored = await stack.db.dataSource
        .getRepository(GatewayNotificationEntity)
        .findBy({ orderId: operation.upstreamOrderId });
      expect(stored).toHaveLength(1);
      expect((await voucherOf(stack, purchase.serials[0]!)).state).toBe('issued');
    });

    it('applies reports overtaken by later ones, and a late 200/210 after 250 changes nothing', async () => {
      // A's report is held back until B's has gone out: they arrive in the reverse order of the payments.
      const first = await openPurchase([{ fault: 'notify_out_of_order', ms: 5_000 }]);
      const second = await openPurchase([]);
      stack.sim.control.pay(first.uid);
      stack.sim.control.pay(second.uid);
      await stack.sim.control.notificationsSettled();
      const a = await settledPurchase(first.purchase.orderId);
      const b = await settledPurchase(second.purchase.orderId);
      const arrivals = await stack.db.dataSource.getRepository(GatewayNotificationEntity).find({
        where: [{ orderId: a.upstreamOrderId }, { orderId: b.upstreamOrderId }],
        order: { receivedAt: 'ASC' },
      });
      expect(arrivals.map((n) => n.orderId)).toEqual([b.upstreamOrderId, a.upstreamOrderId]);

      // Now the gateway's older states of A arrive late: they only wake A, whose query says paid: nothing moves back.
      const paidReport = stack.sim.control
        .notifications()
        .find((n) => n.command === 'voucherservicepurchase' && String(n.payload.uid) === String(first.uid));
      for (const code of ['200', '210']) {
        const late = { ...paidReport!.payload, code, finishtime: '', actual_cost: '', pfn: '' };
        const response = await fetch(`${stack.apiUrl}/gateway/notify`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: httpBuildQuery(late),
        });
        expect(await response.text()).toBe('8888');
      }
      expect(await operationOf(stack, first.purchase.orderId)).toMatchObject({
        state: 'paid',
        gatewayCode: '250',
        completedAt: a.completedAt,
      });
      expect((await voucherOf(stack, first.purchase.serials[0]!)).state).toBe('issued');
      const reports = await partnerReportsOf(stack, a.id);
      expect(reports.map((r) => [r.event, r.payload.code])).toEqual([['purchase', '250']]);
    });

    it('answers a duplicated redemption report without a second line or report', async () => {
      const purchase = await paidPurchase(stack, { amount: 1 });
      stack.sim.control.addFaults({ command: 'vouchertransaction', fault: 'notify_duplicate', times: 1 });
      const request = redeemRequest(purchase.serials);
      expect((await stack.call('vouchertransaction', request)).body).toMatchObject({ code: '250' });
      await stack.sim.control.notificationsSettled();
      const operation = await operationOf(stack, request.order_id);
      expect(await linesOf(stack, { operationId: operation!.id })).toHaveLength(1);
      expect(await partnerReportsOf(stack, operation!.id)).toHaveLength(1);
    });
  });
});

/** A partner's notification URL: per order id, how many attempts to refuse before answering `8888`. */
class PartnerReceiver {
  readonly hits = new Map<string, number>();
  readonly #refusals = new Map<string, number>();
  readonly #server: Server;

  constructor() {
    this.#server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        const orderId = new URLSearchParams(body).get('order_id') ?? '';
        const hits = (this.hits.get(orderId) ?? 0) + 1;
        this.hits.set(orderId, hits);
        const refuse = this.#refusals.get(orderId) ?? 0;
        if (hits > refuse) return void response.end('8888');
        // Failures of the kinds partners produce: an error status, a wrong body with 200, a hang-up.
        if (hits % 3 === 0) return void request.socket.destroy();
        response.statusCode = hits % 2 === 0 ? 200 : 500;
        response.end(hits % 2 === 0 ? 'OK' : 'error');
      });
    });
  }

  refuse(orderId: string, times: number): void {
    this.#refusals.set(orderId, times);
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/tixclear/notify`;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

describe('partner reports to a failing notification URL (worker, pg-boss retries)', () => {
  let stack: Stack;
  let receiver: PartnerReceiver;
  beforeAll(async () => {
    stack = await startStack();
    receiver = new PartnerReceiver();
    const url = await receiver.listen();
    // The worker reads the URL from the database at each delivery.
    await stack.db.dataSource.getRepository(PartnerEntity).update({ partnerUid: STORE }, { notifyUrl: url });
    await stack.startWorker();
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  it('delivers after four failures (5 attempts), and flags a report never acknowledged after 5', async () => {
    const purchase = await paidPurchase(stack, { amount: 2 });
    const recovering = redeemRequest([purchase.serials[0]!]);
    const hopeless = redeemRequest([purchase.serials[1]!]);
    receiver.refuse(recovering.order_id, 4);
    receiver.refuse(hopeless.order_id, Number.MAX_SAFE_INTEGER);
    expect((await stack.call('vouchertransaction', recovering)).body).toMatchObject({ code: '250' });
    expect((await stack.call('vouchertransaction', hopeless)).body).toMatchObject({ code: '250' });

    const reportOf = async (orderId: string) => {
      const operation = await operationOf(stack, orderId);
      return stack.db.dataSource
        .getRepository(PartnerNotificationEntity)
        .findOneByOrFail({ operationId: operation!.id, event: 'redemption' });
    };
    // Backoff from REPORT_RETRY_DELAY_SECONDS=1, doubling (with pg-boss's jitter): at most ~30 s for five.
    const [delivered, flagged] = await eventually(async () => {
      const done = await Promise.all([reportOf(recovering.order_id), reportOf(hopeless.order_id)]);
      return done.every((r) => r.state !== 'pending') ? done : undefined;
    }, 45_000);
    expect(delivered).toMatchObject({ state: 'delivered', attempts: 5, lastError: null });
    expect(delivered.deliveredAt).not.toBeNull();
    expect(receiver.hits.get(recovering.order_id)).toBe(5);
    expect(delivered.payload).toMatchObject({ code: '250', order_id: recovering.order_id });
    expect(flagged).toMatchObject({ state: 'flagged', attempts: 5 });
    expect(flagged.lastError).toEqual(expect.any(String));
    expect(receiver.hits.get(hopeless.order_id)).toBe(5);
    // The purchase's own report was acknowledged at once.
    expect(receiver.hits.get(purchase.orderId)).toBe(1);
  }, 60_000);
});
