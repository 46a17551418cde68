import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SAMPLE_PARTNER } from '@tixclear/db';
import { createOperations, gatewayPort } from '@tixclear/operations';
import {
  linesOf,
  operationOf,
  paidPurchase,
  servicesOf,
  simRedemptionsOf,
  simRequests,
  voucherOf,
} from './flows';
import { redeemRequest } from './requests';
import { stackForSuite } from './suite';

/*
 * "Not sent" only on evidence (issue 18). A mutation's intent is undone as never sent only when no connection to
 * the gateway was ever open for it. A 4xx or an unfollowed 3xx after the request was written (a front end may
 * have forwarded it), a reset on a reused keep-alive socket and a refusal met on a retry (the gateway refusing
 * an order id an earlier attempt delivered) are unknown: the operation stays open and a query settles it. The
 * evidence case, a refused connection undone and retried by the partner, is in faults.e2e.spec.ts.
 */

const STORE = SAMPLE_PARTNER.partnerUid;

describe('"not sent" only on evidence', () => {
  const stack = stackForSuite();

  /** The reconciler as the worker runs it, in this process. */
  const reconciler = () => servicesOf(stack).reconciler;

  /** The gateway applies the redemption; the client sees `fault`; the report is suppressed (the query decides). */
  async function redeemUnder(fault: Record<string, unknown>) {
    const purchase = await paidPurchase(stack, { amount: 1 });
    const serial = purchase.serials[0]!;
    const sentBefore = simRequests(stack, 'vouchertransaction');
    stack.sim.control.addFaults([
      { command: 'vouchertransaction', times: 1, ...fault } as never,
      { command: 'vouchertransaction', fault: 'notify_suppress', times: 1 },
    ]);
    const request = redeemRequest([serial]);
    const answer = await stack.call('vouchertransaction', request);
    return { request, serial, answer, sentBefore };
  }

  /** Open, not undone: the partner is told to query, the voucher is held as unknown, no line yet. */
  async function expectUnknown(run: Awaited<ReturnType<typeof redeemUnder>>) {
    expect(run.answer.body).toMatchObject({ code: 'B200', error_code: 'ORDER_IN_PROGRESS' });
    expect((await operationOf(stack, run.request.order_id))?.state).toBe('outcome_unknown');
    expect((await voucherOf(stack, run.serial)).state).toBe('redeem_unknown');
    expect(await linesOf(stack, { serialNumber: run.serial })).toHaveLength(0);
  }

  /** Settled as the gateway has it: one redemption there, sent once, one line here. */
  async function expectRedeemedOnce(run: Awaited<ReturnType<typeof redeemUnder>>) {
    const operation = await operationOf(stack, run.request.order_id);
    expect(operation).toMatchObject({ state: 'succeeded', gatewayCode: '250' });
    expect((await voucherOf(stack, run.serial)).state).toBe('redeemed');
    expect(await linesOf(stack, { serialNumber: run.serial })).toHaveLength(1);
    expect(simRedemptionsOf(stack, operation!.upstreamOrderId)).toHaveLength(1);
    expect(simRequests(stack, 'vouchertransaction') - run.sentBefore).toBe(1);
  }

  it('a 4xx after the request was written is unknown, and the partner’s query settles it', async () => {
    const run = await redeemUnder({ fault: 'commit_then_status', status: 403 });
    await expectUnknown(run);

    const query = await stack.call('voucherquery', { store_uid: STORE, order_id: run.request.order_id });
    expect(query.body).toMatchObject({ code: 'B200', content: { code: '250' } });
    await expectRedeemedOnce(run);
  });

  it('an unfollowed 3xx is unknown, and the reconciler settles it', async () => {
    const run = await redeemUnder({ fault: 'commit_then_status', status: 302 });
    await expectUnknown(run);

    await reconciler().runOnce();
    await expectRedeemedOnce(run);
  });

  it('a reset on a reused keep-alive connection is unknown, and the query settles it', async () => {
    const purchase = await paidPurchase(stack, { amount: 1 });
    const serial = purchase.serials[0]!;
    const sentBefore = simRequests(stack, 'vouchertransaction');
    stack.sim.control.addFaults([
      { command: 'vouchertransaction', fault: 'commit_then_drop', reusedConnection: true, times: 1 },
      { command: 'vouchertransaction', fault: 'notify_suppress', times: 1 },
    ]);
    // A query right before leaves the API's connection to the gateway open for the redemption to reuse.
    await stack.call('voucherservicequery', { store_uid: STORE, order_id: purchase.orderId });
    const request = redeemRequest([serial]);
    const run = { request, serial, sentBefore, answer: await stack.call('vouchertransaction', request) };
    expect(stack.sim.control.faults().fired.map((f) => f.fault)).toContain('commit_then_drop');
    await expectUnknown(run);

    await stack.call('voucherquery', { store_uid: STORE, order_id: request.order_id });
    await expectRedeemedOnce(run);
  });

  describe('a duplicate-order refusal after a retry', () => {
    let front: Server;
    let frontUrl: string;
    let closedUrl: string;

    beforeAll(async () => {
      // A front end that delivers each request twice and answers with the second delivery's answer: the first
      // copy stands for an earlier attempt that reached the gateway unseen.
      front = createServer((req, res) => {
        void (async () => {
          const body = await read(req);
          const forward = () =>
            fetch(stack.sim.baseUrl, {
              method: 'POST',
              headers: { 'content-type': req.headers['content-type'] ?? '' },
              body,
            });
          await (await forward()).text();
          const second = await forward();
          res.writeHead(second.status, { 'content-type': 'application/json' });
          res.end(await second.text());
        })();
      });
      frontUrl = await listenUrl(front);
      const closed = createServer();
      closedUrl = await listenUrl(closed);
      await new Promise<void>((resolve) => closed.close(() => resolve()));
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => front.close(() => resolve()));
    });

    it('is unknown, never a failure: the query finds the redemption', async () => {
      const purchase = await paidPurchase(stack, { amount: 1 });
      const serial = purchase.serials[0]!;
      stack.sim.control.addFaults({ command: 'vouchertransaction', fault: 'notify_suppress', times: 1 });
      // The first attempt finds the port closed (certainly not sent, so the client retries); the retry goes
      // through the front end, and the gateway refuses the order id it already has.
      let attempts = 0;
      const ops = createOperations({
        dataSource: stack.db.dataSource,
        registry: stack.registry,
        gateway: gatewayPort({
          baseUrl: stack.sim.baseUrl,
          timeoutMs: 3_000,
          fetch: (_url, init) => fetch(attempts++ === 0 ? closedUrl : frontUrl, init),
        }),
      });
      const partner = (await stack.registry.context(STORE))!;
      const request = redeemRequest([serial]);
      await expect(ops.redemptions.redeem(partner, request)).rejects.toMatchObject({
        code: 'ORDER_IN_PROGRESS',
      });
      expect(attempts).toBe(2);
      const operation = await operationOf(stack, request.order_id);
      expect(operation?.state).toBe('outcome_unknown');
      expect((await voucherOf(stack, serial)).state).toBe('redeem_unknown');
      expect(
        stack.sim.state.requests
          .filter((r) => r.command === 'vouchertransaction')
          .slice(-2)
          .map((r) => r.code),
      ).toEqual(['250', '100']);

      const query = await stack.call('voucherquery', { store_uid: STORE, order_id: request.order_id });
      expect(query.body).toMatchObject({ content: { code: '250' } });
      expect(await operationOf(stack, request.order_id)).toMatchObject({ state: 'succeeded' });
      expect(await linesOf(stack, { serialNumber: serial })).toHaveLength(1);
      expect(simRedemptionsOf(stack, operation!.upstreamOrderId)).toHaveLength(1);
    });
  });
});

async function read(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function listenUrl(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/init`;
}
