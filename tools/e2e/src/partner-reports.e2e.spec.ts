import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PartnerReportSettings, SAMPLE_PARTNER } from '@tixclear/db';
import { paidPurchase } from './flows';
import { purchaseRequest, redeemRequest } from './requests';
import { eventually, startStack, type Stack } from './stack';

/*
 * Signed partner reports through the running API and worker: an /api/init partner gets the gateway's form
 * shape with the signature headers, and asks for a report again through REST (POST
 * /v1/orders/{orderId}/reports/resend), which delivers it under the same webhook-id.
 */

/** The README's verification, as a partner writes it. */
function verify(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const [id, timestamp, signatures] = ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map(
    (name) => headers[name],
  );
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return signatures.split(' ').some((entry) => {
    const given = Buffer.from(entry.slice('v1,'.length), 'base64');
    return entry.startsWith('v1,') && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
}

describe('signed partner reports and their resend (API and worker over HTTP)', () => {
  let stack: Stack;
  let server: Server;
  let apiKey: string;
  let otherKey: string;
  const deliveries: Delivery[] = [];

  beforeAll(async () => {
    stack = await startStack();
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        deliveries.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.end('8888');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/reports`;
    // Setting a URL seals nothing: any master key will do here.
    const settings = new PartnerReportSettings(stack.db.dataSource, randomBytes(32), {
      allowLoopbackHttp: true,
    });
    await settings.setUrl(SAMPLE_PARTNER.partnerUid, url);
    apiKey = await stack.registry.issueApiKey(SAMPLE_PARTNER.partnerUid);
    await stack.registry.add({
      partnerUid: 'OTHERPARTNER1',
      mode: 'store',
      name: 'another partner',
      notifyUrl: null,
      issuerId: SAMPLE_PARTNER.issuerId,
      key: SAMPLE_PARTNER.key,
    });
    otherKey = await stack.registry.issueApiKey('OTHERPARTNER1');
    await stack.startWorker();
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  const resend = (orderId: string, key = apiKey) =>
    fetch(`${stack.apiUrl}/v1/orders/${encodeURIComponent(orderId)}/reports/resend`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}` },
    });
  const deliveriesOf = (orderId: string) =>
    deliveries.filter((d) => new URLSearchParams(d.body).get('order_id') === orderId);

  it('reports a redemption signed, and sends it again on request under the same webhook-id', async () => {
    const purchase = await paidPurchase(stack, { amount: 1 });
    const request = redeemRequest(purchase.serials);
    expect((await stack.call('vouchertransaction', request)).body).toMatchObject({ code: '250' });
    const [first] = await eventually(() => {
      const found = deliveriesOf(request.order_id);
      return Promise.resolve(found.length === 1 ? found : undefined);
    }, 20_000);
    expect(first!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(verify(stack.reportSecret, first!.headers, first!.body)).toBe(true);

    const answer = await resend(request.order_id);
    expect(answer.status).toBe(202);
    const body = (await answer.json()) as { data: { reports: { id: string; event: string }[] } };
    expect(body.data.reports).toEqual([{ id: first!.headers['webhook-id'], event: 'redemption' }]);
    const again = await eventually(() => {
      const found = deliveriesOf(request.order_id);
      return Promise.resolve(found.length === 2 ? found[1] : undefined);
    }, 20_000);
    expect(again.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    expect(again.body).toBe(first!.body);
    expect(verify(stack.reportSecret, again.headers, again.body)).toBe(true);
  }, 60_000);

  it("refuses another partner's order, an unknown one and one not final yet; needs the API key", async () => {
    const purchase = await paidPurchase(stack, { amount: 1 });
    const request = redeemRequest(purchase.serials);
    expect((await stack.call('vouchertransaction', request)).body).toMatchObject({ code: '250' });
    const other = await resend(request.order_id, otherKey);
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ error: { code: 'ORDER_NOT_FOUND' } });
    const unknown = await resend('NO-SUCH-ORDER');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'ORDER_NOT_FOUND' } });

    // An unpaid purchase has no final outcome, so no report yet.
    const unpaid = purchaseRequest({ amount: 1 });
    expect((await stack.call('voucherservicepurchase', unpaid.request)).body).toMatchObject({ code: '200' });
    const early = await resend(unpaid.request.order_id);
    expect(early.status).toBe(404);
    expect(await early.json()).toMatchObject({ error: { code: 'REPORT_NOT_FOUND' } });

    const anonymous = await fetch(`${stack.apiUrl}/v1/orders/${request.order_id}/reports/resend`, {
      method: 'POST',
    });
    expect(anonymous.status).toBe(401);
  }, 60_000);

  it('documents the resend in OpenAPI', async () => {
    const document = (await (await fetch(`${stack.apiUrl}/docs/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    const operation = document.paths['/v1/orders/{orderId}/reports/resend']?.post;
    expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(['202', '401', '404']));
  });
});
