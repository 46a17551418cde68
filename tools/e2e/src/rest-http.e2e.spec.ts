import { randomUUID } from 'node:crypto';
import { OperationEntity, SAMPLE_PARTNER } from '@tixclear/db';
import { purchaseRequest } from './requests';
import { stackForSuite } from './suite';

interface RestResult {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** A valid REST purchase body (the API key names the store). */
function purchaseBody() {
  const { store_uid: _store, ...body } = purchaseRequest().request;
  return body;
}

describe('the REST door over HTTP: auth, idempotency, errors, docs, request ids, metrics', () => {
  const stack = stackForSuite();
  let apiKey: string;
  beforeAll(async () => {
    apiKey = await stack.registry.issueApiKey(SAMPLE_PARTNER.partnerUid);
  });

  async function send(
    path: string,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ): Promise<RestResult> {
    const response = await fetch(`${stack.apiUrl}${path}`, { method: init.method ?? 'GET', ...init });
    const text = await response.text();
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    return {
      status: response.status,
      headers: response.headers,
      body: JSON.parse(text) as Record<string, unknown>,
    };
  }

  function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<RestResult> {
    return send(path, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${apiKey}`,
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
        ...headers,
      },
      body: JSON.stringify(body),
    });
  }

  async function operationsOf(orderId: string): Promise<number> {
    return stack.db.dataSource.getRepository(OperationEntity).countBy({ orderId });
  }

  describe('authentication', () => {
    it.each([
      ['no Authorization header', {}],
      ['an unknown key', { authorization: 'Bearer tix_not_a_key_of_anyone_at_all' }],
      ['another scheme', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }],
      ['a malformed key', { authorization: 'Bearer not a key!' }],
    ])(
      'answers 401 UNAUTHENTICATED to %s, on GETs and POSTs',
      async (_case, headers: Record<string, string>) => {
        const read = await send('/v1/purchases/ANY', { headers });
        expect(read.status).toBe(401);
        expect(read.body).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
        expect(read.headers.get('www-authenticate')).toBe('Bearer');
        const body = purchaseBody();
        const write = await post('/v1/purchases', body, { authorization: '', ...headers });
        expect(write.status).toBe(401);
        expect(await operationsOf(body.order_id)).toBe(0);
      },
    );
  });

  describe('idempotency keys', () => {
    it('requires a key of 1–100 printable characters on every POST', async () => {
      for (const path of ['/v1/purchases', '/v1/redemptions', '/v1/redemptions/offline', '/v1/refunds']) {
        const response = await send(path, {
          method: 'POST',
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
          body: '{}',
        });
        expect(response.status).toBe(400);
        expect(response.body).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REQUIRED' } });
      }
      const tooLong = await post('/v1/purchases', purchaseBody(), { 'idempotency-key': 'k'.repeat(101) });
      expect(tooLong.status).toBe(400);
      expect(tooLong.body).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_INVALID' } });
    });

    it('replays the stored status and body to the same key and body, without a second operation', async () => {
      const body = purchaseBody();
      const key = randomUUID();
      const first = await post('/v1/purchases', body, { 'idempotency-key': key });
      expect(first.status).toBe(201);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      // The same JSON with its fields in another order is the same request.
      const reordered = Object.fromEntries(Object.entries(body).reverse());
      const repeat = await post('/v1/purchases', reordered, { 'idempotency-key': key });
      expect(repeat.status).toBe(201);
      expect(repeat.headers.get('idempotent-replayed')).toBe('true');
      expect(repeat.headers.get('location')).toBe(first.headers.get('location'));
      expect(repeat.body).toEqual(first.body);
      expect(await operationsOf(body.order_id)).toBe(1);
    });

    it('refuses the same key with another body (409 IDEMPOTENCY_KEY_REUSED) and changes nothing', async () => {
      const key = randomUUID();
      expect((await post('/v1/purchases', purchaseBody(), { 'idempotency-key': key })).status).toBe(201);
      const other = purchaseBody();
      const reused = await post('/v1/purchases', other, { 'idempotency-key': key });
      expect(reused.status).toBe(409);
      expect(reused.body).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REUSED' } });
      expect(await operationsOf(other.order_id)).toBe(0);
    });

    it('answers 409 IDEMPOTENCY_KEY_IN_PROGRESS while the same key is being answered', async () => {
      stack.sim.control.addFaults({
        command: 'voucherservicepurchase',
        fault: 'latency',
        ms: 1500,
        times: 1,
      });
      const body = purchaseBody();
      const key = randomUUID();
      const slow = post('/v1/purchases', body, { 'idempotency-key': key });
      await new Promise((resolve) => setTimeout(resolve, 400));
      const concurrent = await post('/v1/purchases', body, { 'idempotency-key': key });
      expect(concurrent.status).toBe(409);
      expect(concurrent.body).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_IN_PROGRESS' } });
      expect((await slow).status).toBe(201);
    });

    it('keeps no answer of an outage: the same key works once the gateway is back', async () => {
      const body = purchaseBody();
      const key = randomUUID();
      // The gateway down: refused connections, certainly not sent.
      await stack.sim.offline();
      let outage;
      try {
        outage = await post('/v1/purchases', body, { 'idempotency-key': key });
      } finally {
        await stack.sim.online();
      }
      expect(outage.status).toBe(503);
      expect(outage.body).toMatchObject({ error: { code: 'GATEWAY_UNAVAILABLE' } });
      expect(await operationsOf(body.order_id)).toBe(0);
      const retry = await post('/v1/purchases', body, { 'idempotency-key': key });
      expect(retry.status).toBe(201);
      expect(retry.headers.get('idempotent-replayed')).toBeNull();
    });
  });

  describe('no input gets a 5xx or an HTML page', () => {
    const auth = () => ({ authorization: `Bearer ${apiKey}`, 'idempotency-key': randomUUID() });

    it('malformed JSON → 400 BODY_INVALID', async () => {
      const response = await send('/v1/purchases', {
        method: 'POST',
        headers: { ...auth(), 'content-type': 'application/json' },
        body: '{"order_id": ',
      });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: { code: 'BODY_INVALID' } });
    });

    it('JSON that is not an object → 400 BODY_INVALID', async () => {
      for (const body of ['[1,2]', '"text"', '42', 'null']) {
        const response = await send('/v1/redemptions', {
          method: 'POST',
          headers: { ...auth(), 'content-type': 'application/json' },
          body,
        });
        expect(response.status).toBe(400);
        expect(response.body).toMatchObject({ error: { code: 'BODY_INVALID' } });
      }
    });

    it('other content types → 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
        const response = await send('/v1/refunds', {
          method: 'POST',
          headers: { ...auth(), 'content-type': type },
          body: 'order_id=1',
        });
        expect(response.status).toBe(415);
        expect(response.body).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
      }
    });

    it('a body over the limit → 413 BODY_TOO_LARGE', async () => {
      const response = await send('/v1/purchases', {
        method: 'POST',
        headers: { ...auth(), 'content-type': 'application/json' },
        body: JSON.stringify({ order_id: 'x'.repeat(2 * 1024 * 1024) }),
      });
      expect(response.status).toBe(413);
      expect(response.body).toMatchObject({ error: { code: 'BODY_TOO_LARGE' } });
    });

    it('unknown routes and methods → 404 NOT_FOUND; undecodable URLs → 400 BAD_REQUEST', async () => {
      for (const [method, path, status, code] of [
        ['GET', '/v1/nothing', 404, 'NOT_FOUND'],
        ['DELETE', '/v1/purchases/X', 404, 'NOT_FOUND'],
        ['GET', '/v1/redemptions', 404, 'NOT_FOUND'],
        ['GET', '/%', 400, 'BAD_REQUEST'],
        ['GET', '/v1/purchases/%E0%A4%A', 400, 'BAD_REQUEST'],
      ] as const) {
        const response = await send(path, { method, headers: { authorization: `Bearer ${apiKey}` } });
        expect(response.status).toBe(status);
        expect(response.body).toEqual({ error: { code, message: expect.any(String) } });
        expect(response.headers.get('x-request-id')).toBeTruthy();
      }
    });

    it('POST /api/init answers JSON in the gateway shape to malformed or oversized bodies', async () => {
      const malformed = await send('/api/init', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"store_uid":',
      });
      expect(malformed.status).toBe(400);
      expect(malformed.body).toMatchObject({ code: '100', error_code: 'BODY_INVALID' });
      const wrongType = await send('/api/init', {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: 'a,b',
      });
      expect(wrongType.status).toBe(415);
      expect(wrongType.body).toMatchObject({ code: '100', error_code: 'UNSUPPORTED_MEDIA_TYPE' });
      const oversized = await send('/api/init', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `encry_data=${'A'.repeat(2 * 1024 * 1024)}`,
      });
      expect(oversized.status).toBe(413);
      expect(oversized.body).toMatchObject({ code: '100', error_code: 'BODY_TOO_LARGE' });
      // Read and dropped, not cut off: a client still writing the body then reads the answer, never a reset.
      expect(oversized.headers.get('connection')).not.toBe('close');
    });
  });

  describe('OpenAPI', () => {
    it('serves Swagger UI at /docs and the document at /docs/openapi.json', async () => {
      const ui = await fetch(`${stack.apiUrl}/docs`);
      expect(ui.status).toBe(200);
      expect(ui.headers.get('content-type')).toMatch(/^text\/html/);

      const document = await send('/docs/openapi.json');
      expect(document.status).toBe(200);
      const paths = document.body.paths as Record<string, Record<string, unknown>>;
      expect(Object.keys(paths)).toEqual(
        expect.arrayContaining([
          '/v1/purchases',
          '/v1/purchases/{orderId}',
          '/v1/redemptions',
          '/v1/redemptions/offline',
          '/v1/redemptions/{orderId}',
          '/v1/refunds',
          '/v1/refunds/{orderId}',
        ]),
      );
      const components = document.body.components as {
        schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }>;
        securitySchemes: Record<string, unknown>;
      };
      expect(components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
      const purchase = components.schemas.PurchaseRequest;
      expect(purchase?.properties).toHaveProperty('order_id');
      expect(purchase?.properties).not.toHaveProperty('store_uid');
      expect(purchase?.required).toEqual(expect.arrayContaining(['order_id', 'items']));
      const create = paths['/v1/purchases']?.post as { parameters: { name: string; required: boolean }[] };
      expect(create.parameters).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'Idempotency-Key', required: true })]),
      );
    });
  });

  describe('request ids and metrics', () => {
    it('gives every response an X-Request-Id, keeping a sane incoming one', async () => {
      const fresh = await fetch(`${stack.apiUrl}/health`);
      expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const kept = await fetch(`${stack.apiUrl}/health`, { headers: { 'x-request-id': 'trace-123.abc' } });
      expect(kept.headers.get('x-request-id')).toBe('trace-123.abc');
      const replaced = await fetch(`${stack.apiUrl}/v1/purchases/X`, {
        headers: { 'x-request-id': '<script>' },
      });
      expect(replaced.status).toBe(401);
      expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const notFound = await fetch(`${stack.apiUrl}/nowhere`);
      expect(notFound.headers.get('x-request-id')).toBeTruthy();
    });

    it('counts requests by route and status, operations by outcome, and undecryptable envelopes', async () => {
      expect((await post('/v1/purchases', purchaseBody())).status).toBe(201);
      await fetch(`${stack.apiUrl}/v1/purchases/X`);
      await stack.call('vouchertransaction', {}, { json: true }).catch(() => undefined);
      await fetch(`${stack.apiUrl}/api/init`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ store_uid: SAMPLE_PARTNER.partnerUid, service: 'junk', encry_data: 'junk' }),
      });

      const response = await fetch(`${stack.apiUrl}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await response.text();
      const value = (series: string) =>
        Number(
          text
            .split('\n')
            .find((line) => line.startsWith(`${series} `))
            ?.split(' ')[1],
        );
      expect(
        value('tixclear_http_requests_total{method="POST",route="/v1/purchases",status="201"}'),
      ).toBeGreaterThanOrEqual(1);
      expect(
        value('tixclear_http_requests_total{method="GET",route="/v1/purchases/:orderId",status="401"}'),
      ).toBeGreaterThanOrEqual(1);
      expect(
        value('tixclear_operations_total{door="rest",command="voucherservicepurchase",outcome="succeeded"}'),
      ).toBeGreaterThanOrEqual(1);
      expect(
        value(
          'tixclear_operations_total{door="envelope",command="vouchertransaction",outcome="REQUEST_INVALID"}',
        ),
      ).toBe(1);
      expect(value('tixclear_envelope_decrypt_failures_total')).toBeGreaterThanOrEqual(1);
      expect(text).toMatch(
        /^tixclear_http_request_duration_seconds_bucket\{le="\+Inf",method="POST",route="\/v1\/purchases"\} \d+$/m,
      );
      expect(value('process_resident_memory_bytes')).toBeGreaterThan(0);
      // Route patterns only: no order ids, keys or raw URLs in the labels.
      expect(text).not.toContain(apiKey);
      expect(text).not.toContain('/v1/purchases/X');
    });
  });
});
