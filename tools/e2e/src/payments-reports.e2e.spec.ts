import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PartnerNotificationEntity, PartnerReportSettings, SAMPLE_PARTNER } from '@tixclear/db';
import { moneyRefundRequest, paymentRequest } from './payments-requests';
import { eventually, startStack, type Stack } from './stack';

/*
 * Partner reports of payments and money refunds through the existing outbox, delivered by the worker with
 * retries: the partner's URL fails the first attempt of each report, and each still arrives, signed, in the
 * gateway's form shape with the partner's own order id.
 */

interface Delivery {
  headers: IncomingHttpHeaders;
  body: URLSearchParams;
}

function signed(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key)
    .update(`${String(headers['webhook-id'])}.${String(headers['webhook-timestamp'])}.${body}`)
    .digest('base64');
  return String(headers['webhook-signature']).split(' ').includes(`v1,${expected}`);
}

describe('payment reports to the partner (API and worker over HTTP)', () => {
  let stack: Stack;
  let server: Server;
  const deliveries: Delivery[] = [];
  const attempts = new Map<string, number>();

  beforeAll(async () => {
    stack = await startStack();
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const id = String(request.headers['webhook-id']);
        const seen = (attempts.get(id) ?? 0) + 1;
        attempts.set(id, seen);
        // Every report's first attempt fails: the worker's retry must bring it.
        if (seen === 1) {
          response.statusCode = 503;
          response.end('busy');
          return;
        }
        if (!signed(stack.reportSecret, request.headers, text)) {
          response.statusCode = 401;
          response.end('bad signature');
          return;
        }
        deliveries.push({ headers: request.headers, body: new URLSearchParams(text) });
        response.end('8888');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/reports`;
    await new PartnerReportSettings(stack.db.dataSource, randomBytes(32), { allowLoopbackHttp: true }).setUrl(
      SAMPLE_PARTNER.partnerUid,
      url,
    );
    await stack.startWorker();
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('a paid payment and its refund each reach the partner once, signed, after a failed first attempt', async () => {
    const request = paymentRequest(700);
    const opened = await stack.call('orders', request);
    expect((await fetch(String(opened.body.url), { method: 'POST' })).status).toBe(200);
    const payment = await eventually(() =>
      Promise.resolve(
        deliveries.find((d) => d.body.get('order_id') === request.order_id && d.body.get('prc') === '250'),
      ),
    );
    expect(payment.body.get('uid')).toBe(String(opened.body.uid));
    const uid = String(opened.body.uid);
    const key = String(opened.body.key);
    const refund = await stack.call('refund', moneyRefundRequest({ uid, key }, 200));
    expect(refund.body).toMatchObject({ code: 'B200' });
    const refunded = await eventually(() =>
      Promise.resolve(deliveries.find((d) => d.body.get('row_data[order_id]') === request.order_id)),
    );
    expect(refunded.body.get('code')).toBe('B200');
    expect(refunded.body.get('row_data[cost]')).toBe('200');
    for (const delivery of [payment, refunded])
      expect(attempts.get(String(delivery.headers['webhook-id']))).toBe(2);
    const rows = await stack.db.dataSource
      .getRepository(PartnerNotificationEntity)
      .findBy({ partnerId: (await stack.registry.findByUid(SAMPLE_PARTNER.partnerUid))!.id });
    const events = rows.filter((r) => r.event === 'payment' || r.event === 'payment_refund');
    expect(events.map((r) => r.state).sort()).toEqual(['delivered', 'delivered']);
  }, 60_000);
});
