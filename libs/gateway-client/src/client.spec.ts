import { KeyRing } from '@tixclear/crypto';
import { twd } from '@tixclear/domain';
import { GatewayClient, type GatewayClientConfig } from './client';
import {
  certainlyNotSent,
  GatewayError,
  GatewayInvalidResponseError,
  GatewayOutcomeUnknownError,
  GatewayRejectedError,
  GatewayRequestInvalidError,
  GatewayUnavailableError,
} from './errors';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { voucherServicePurchaseRequestSchema } from './schemas/voucherservicepurchase';
import { closedPortUrl, FakeGateway } from './testing/fake-gateway';
import { MAX_ANSWER_BYTES } from './http/transport';
import { SAMPLE_STORE_KEY, SAMPLE_STORE_UID, seed000Answers, seed000Requests } from './testing/seed-samples';

/* The client against a local HTTP gateway that opens the envelopes with the sample merchant's key. */

const NOW = new Date('2024-01-05T04:00:00Z');
const keyRing = new KeyRing([
  {
    id: 'k1',
    secret: SAMPLE_STORE_KEY,
    validFrom: new Date('2023-06-01T00:00:00Z'),
    validUntil: new Date('2024-06-01T00:00:00Z'),
  },
]);

const gateway = new FakeGateway(SAMPLE_STORE_KEY);
let sleeps: number[] = [];

function client(overrides: Partial<GatewayClientConfig> = {}): GatewayClient {
  return new GatewayClient({
    baseUrl: gateway.url,
    merchant: { mode: 'store', uid: SAMPLE_STORE_UID, keyRing },
    timeoutMs: 2_000,
    retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100 },
    clock: () => NOW,
    random: () => 0.5,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    ...overrides,
  });
}

const redemption = {
  store_uid: SAMPLE_STORE_UID,
  order_id: 'VT20210917114023',
  user_id: 'phper',
  ip: '127.0.0.1',
  items: [
    { id: 'H01', serial_number: 'A00021' },
    { id: 'H01', serial_number: 'A00022' },
  ],
};
const redemptionQuery = { store_uid: SAMPLE_STORE_UID, order_id: 'VT20210917134815' };
const redemptionAnswer = JSON.parse(seed000Answers.redemptionResponse) as unknown;

beforeAll(async () => {
  await gateway.start();
});
afterAll(async () => {
  await gateway.stop();
});
beforeEach(() => {
  gateway.reset();
  sleeps = [];
});

describe('GatewayClient: the envelope', () => {
  it('posts a form body with store_uid, the encrypted service and the encrypted request', async () => {
    gateway.script = () => ({ json: redemptionAnswer });
    const answer = await client().voucherRedeem(redemption);
    expect(gateway.received).toHaveLength(1);
    const [sent] = gateway.received;
    expect(sent?.contentType).toBe('application/x-www-form-urlencoded');
    expect(Object.keys(sent?.fields ?? {})).toEqual(['store_uid', 'service', 'encry_data']);
    expect(sent?.fields.store_uid).toBe(SAMPLE_STORE_UID);
    expect(sent?.service).toEqual({ service_name: 'api', cmd: 'api/vouchertransaction' });
    expect(sent?.data).toEqual(redemption);
    expect(answer.items[0]?.fee?.reimbursement).toBe(35);
    expect(answer.reimbursement_date.toISOString()).toBe('2021-09-17T05:48:15.000Z');
  });

  it('sends JSON when asked, as the Node.js sample does', async () => {
    gateway.script = () => ({ json: redemptionAnswer });
    await client({ bodyEncoding: 'json' }).voucherRedeem(redemption);
    expect(gateway.received[0]?.contentType).toBe('application/json');
    expect(gateway.received[0]?.data).toEqual(redemption);
  });

  it('encodes a normalised purchase to exactly the seed sample wire request', async () => {
    gateway.script = () => ({ json: JSON.parse(seed000Answers.purchaseResponse) });
    const request = voucherServicePurchaseRequestSchema.parse(seed000Requests.purchaseRequest);
    const answer = await client().voucherPurchase(request);
    expect(gateway.received[0]?.data).toEqual(seed000Requests.purchaseRequest);
    expect(answer.url).toBe('https://pay.usecase.cc/voucher/93.html');
  });

  it('sends agent_uid in dealer mode and refuses store-only commands there', async () => {
    gateway.script = () => ({
      json: {
        code: 'B200',
        msg: 'ok',
        content: { uid: '1', key: 'k', order_id: 'OFF-1', code: '250', msg: 'ok' },
      },
    });
    const dealer = client({ merchant: { mode: 'agent', uid: 'A123', keyRing } });
    const offline = await dealer.voucherOffline({
      reimbursement_store_uid: SAMPLE_STORE_UID,
      pay_token: 'MYTIX12345678ABCDEFGH',
      order_id: 'OFF-1',
    });
    expect(offline.content?.code).toBe('250');
    expect(gateway.received[0]?.fields.agent_uid).toBe('A123');
    expect(gateway.received[0]?.fields.store_uid).toBeUndefined();
    await expect(dealer.voucherRedeem(redemption)).rejects.toMatchObject({
      code: 'GATEWAY_REQUEST_INVALID',
      reason: 'mode_not_supported',
    });
    expect(gateway.received).toHaveLength(1);
  });

  it('uses the configured name of the pay-off creation command', async () => {
    const batch = {
      uid: '9',
      key: 'k',
      code: 'S01',
      msg: '',
      store_uid: SAMPLE_STORE_UID,
      group_id: 'G1',
      items: [{ id: 'P1', user_id: 'u', money: 100, finished_date: '', code: 'C0001', msg: '' }],
    };
    gateway.script = () => ({ json: { code: 'B200', msg: 'ok', content: batch } });
    const answer = await client({ commandNames: { payoffremittance: 'api/payoffbatch' } }).payoffCreate({
      store_uid: SAMPLE_STORE_UID,
      group_id: 'G1',
      items: [{ id: 'P1', user_id: 'u', money: twd(100) }],
    });
    expect(gateway.received[0]?.service).toEqual({ service_name: 'api', cmd: 'api/payoffbatch' });
    expect(answer.content?.items[0]?.finished_date).toBeNull();
  });

  it('refuses an invalid request before anything is sent, naming the field', async () => {
    const error: unknown = await client()
      .voucherRedeem({ ...redemption, items: [] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayRequestInvalidError);
    expect(error).toMatchObject({ code: 'GATEWAY_REQUEST_INVALID', field: 'items', mayHaveCommitted: false });
    expect(gateway.received).toHaveLength(0);
  });

  it('fails before sending when no key is valid at the moment', async () => {
    const late = client({ clock: () => new Date('2030-01-01T00:00:00Z') });
    await expect(late.voucherRedeemQuery(redemptionQuery)).rejects.toMatchObject({
      reason: 'encryption_failed',
    });
    expect(gateway.received).toHaveLength(0);
  });
});

describe('GatewayClient: answers', () => {
  it.each([
    ['outer 100', { code: '100', msg: '資料不正確' }, '100'],
    ['B500', { code: 'B500', msg: '執行失敗' }, 'B500'],
    ['redemption 300', { code: '300', msg: '核銷失敗' }, '300'],
  ])('%s is a rejection with the gateway code, not retried', async (_name, json, code) => {
    gateway.script = () => ({ json });
    const error: unknown = await client()
      .voucherRedeem(redemption)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayRejectedError);
    expect(error).toMatchObject({ code: 'GATEWAY_REJECTED', gatewayCode: code, mayHaveCommitted: false });
    expect(gateway.received).toHaveLength(1);
  });

  it('reads an inner failure (offline content.code 300) as a rejection', async () => {
    gateway.script = () => ({
      json: {
        code: 'B200',
        msg: 'ok',
        content: { uid: '1', key: 'k', order_id: 'OFF-1', code: '300', msg: '核銷失敗' },
      },
    });
    await expect(
      client().voucherOffline({
        reimbursement_store_uid: SAMPLE_STORE_UID,
        pay_token: 'MYTIX12345678ABCDEFGH',
        order_id: 'OFF-1',
      }),
    ).rejects.toMatchObject({ code: 'GATEWAY_REJECTED', gatewayCode: '300', gatewayMessage: '核銷失敗' });
  });

  it('outer 400 on a mutating command: unavailable, may have committed, not retried', async () => {
    gateway.script = () => ({ json: { code: '400', msg: '系統錯誤' } });
    const error: unknown = await client()
      .voucherRedeem(redemption)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayUnavailableError);
    expect(error).toMatchObject({ reason: 'system_error', mayHaveCommitted: true });
    expect(gateway.received).toHaveLength(1);
  });

  it('outer 400 on a query: retried', async () => {
    gateway.script = (_r, i) =>
      i === 0
        ? { json: { code: '400', msg: '系統錯誤' } }
        : { json: JSON.parse(seed000Answers.redemptionQueryResponse) };
    const answer = await client().voucherRedeemQuery(redemptionQuery);
    expect(answer.content?.code).toBe('250');
    expect(gateway.received).toHaveLength(2);
    expect(sleeps).toEqual([5]);
  });

  it('an answer that is not JSON, or not the schema, is an invalid response', async () => {
    gateway.script = () => ({ text: '<html>oops</html>' });
    await expect(client().voucherRedeem(redemption)).rejects.toBeInstanceOf(GatewayInvalidResponseError);
    gateway.script = () => ({ json: { code: '250', msg: 'ok', uid: '1', key: 'k', order_id: 'x' } });
    await expect(client().voucherRedeem(redemption)).rejects.toMatchObject({
      code: 'GATEWAY_INVALID_RESPONSE',
      reason: 'schema_mismatch',
      mayHaveCommitted: true,
    });
  });
});

describe('GatewayClient: failures and retries', () => {
  it('a gateway that never answers: a mutating command times out as an unknown outcome, once', async () => {
    gateway.script = () => 'hang';
    const error: unknown = await client({ timeoutMs: 150 })
      .voucherRedeem(redemption)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayOutcomeUnknownError);
    expect(error).toMatchObject({
      code: 'GATEWAY_OUTCOME_UNKNOWN',
      reason: 'timeout',
      mayHaveCommitted: true,
    });
    expect(gateway.received).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('a query that times out is retried, then reported unavailable', async () => {
    gateway.script = () => 'hang';
    const error: unknown = await client()
      .voucherRedeemQuery(redemptionQuery, { timeoutMs: 100 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayUnavailableError);
    expect(error).toMatchObject({ reason: 'timeout', attempt: 3 });
    expect(gateway.received).toHaveLength(3);
    expect(sleeps).toEqual([5, 10]);
  });

  it('HTTP 429 on a mutating command may have been processed: not retried, resolved by query', async () => {
    gateway.script = () => ({ status: 429, text: 'slow down', headers: { 'retry-after': '0' } });
    const error: unknown = await client()
      .voucherRedeem(redemption)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'GATEWAY_UNAVAILABLE',
      reason: 'rate_limited',
      mayHaveCommitted: true,
    });
    expect(certainlyNotSent(error as GatewayError)).toBe(false);
    expect(gateway.received).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('HTTP 429 on a query is retried, honouring Retry-After', async () => {
    const queryAnswer = JSON.parse(seed000Answers.redemptionQueryResponse) as unknown;
    gateway.script = (_r, i) =>
      i === 0 ? { status: 429, text: '', headers: { 'retry-after': '1' } } : { json: queryAnswer };
    await client({ retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 5_000 } }).voucherRedeemQuery(
      redemptionQuery,
    );
    expect(gateway.received).toHaveLength(2);
    expect(sleeps).toEqual([1_000]);
  });

  it.each([
    [403, {}],
    [400, {}],
    [302, {}],
    [300, { location: '/elsewhere' }],
  ])(
    'HTTP %i after the request was written: a front end may have forwarded it, so unknown, never retried',
    async (status, headers) => {
      gateway.script = () => ({ status, text: '<html>no</html>', headers });
      const error: unknown = await client()
        .voucherRedeem(redemption)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ reason: 'http_status', httpStatus: status, mayHaveCommitted: true });
      expect(certainlyNotSent(error as GatewayError)).toBe(false);
      expect(gateway.received).toHaveLength(1);
    },
  );

  it('HTTP 5xx: a mutating command is not retried, a query is', async () => {
    gateway.script = () => ({ status: 502, text: 'bad gateway' });
    await expect(client().voucherRedeem(redemption)).rejects.toMatchObject({
      reason: 'http_5xx',
      mayHaveCommitted: true,
    });
    expect(gateway.received).toHaveLength(1);
    gateway.reset();
    gateway.script = (_r, i) =>
      i === 0 ? { status: 503, text: '' } : { json: JSON.parse(seed000Answers.redemptionQueryResponse) };
    await client().voucherRedeemQuery(redemptionQuery);
    expect(gateway.received).toHaveLength(2);
  });

  it.each([301, 302, 303, 307, 308])(
    'HTTP %i with a Location is never followed, by either transport: an unknown outcome, the POST not repeated',
    async (status) => {
      for (const overrides of [{}, { fetch: globalThis.fetch.bind(globalThis) }]) {
        gateway.reset();
        gateway.script = (_r, i) =>
          i === 0 ? { status, text: '', headers: { location: gateway.url } } : { json: redemptionAnswer };
        const error: unknown = await client(overrides)
          .voucherRedeem(redemption)
          .catch((e: unknown) => e);
        expect(error).toMatchObject({ reason: 'http_status', httpStatus: status, mayHaveCommitted: true });
        expect(gateway.received).toHaveLength(1);
      }
    },
  );

  it('both transports read the same answer: node:http by default, an injected fetch when given', async () => {
    gateway.script = () => ({ status: 429, text: '', headers: { 'retry-after': '7' } });
    for (const overrides of [{}, { fetch: globalThis.fetch.bind(globalThis) }]) {
      await expect(client(overrides).voucherRedeem(redemption, { maxAttempts: 1 })).rejects.toMatchObject({
        reason: 'rate_limited',
        retryAfterMs: 7_000,
      });
    }
  });

  it('a reset on a reused keep-alive connection is an unknown outcome, not retried', async () => {
    const queryAnswer = JSON.parse(seed000Answers.redemptionQueryResponse) as unknown;
    gateway.script = (_r, i) => (i === 0 ? { json: queryAnswer } : 'reset');
    await client().voucherRedeemQuery(redemptionQuery);
    const error: unknown = await client()
      .voucherRedeem(redemption)
      .catch((e: unknown) => e);
    // The second request came on the first one's connection: it was open before anything was written.
    expect(gateway.connections).toEqual([gateway.connections[0], gateway.connections[0]]);
    expect(error).toBeInstanceOf(GatewayOutcomeUnknownError);
    expect(error).toMatchObject({ reason: 'connection_lost', mayHaveCommitted: true });
    expect(gateway.received).toHaveLength(2);
  });

  it('a TLS handshake cut before it completed: no request bytes left, so not sent and retried', async () => {
    const cutter = createNetServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => cutter.listen(0, '127.0.0.1', resolve));
    const { port } = cutter.address() as AddressInfo;
    try {
      const error: unknown = await client({ baseUrl: `https://127.0.0.1:${port}/api/init` })
        .voucherRedeem(redemption)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ reason: 'connect_failed', mayHaveCommitted: false, attempt: 3 });
      expect(certainlyNotSent(error as GatewayError)).toBe(true);
    } finally {
      await new Promise<void>((resolve) => cutter.close(() => resolve()));
    }
  });

  it('a timeout before the TLS handshake completed: no request bytes left, so a connect timeout, retried', async () => {
    const held: Socket[] = [];
    const silent = createNetServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const error: unknown = await client({ baseUrl: `https://127.0.0.1:${port}/api/init`, timeoutMs: 100 })
        .voucherRedeem(redemption)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ reason: 'connect_timeout', mayHaveCommitted: false, attempt: 3 });
      expect(held).toHaveLength(3);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('a refusal on a retry (the order id an earlier attempt may have delivered) is unknown, not a failure', async () => {
    const url = await closedPortUrl();
    const late = new FakeGateway(SAMPLE_STORE_KEY);
    late.script = () => ({ json: { code: '100', msg: 'order_id duplicate' } });
    // The first attempt finds the port closed (not sent, so retried); the gateway is there for the second.
    const error: unknown = await client({
      baseUrl: url,
      sleep: () => late.start(Number(new URL(url).port)),
    })
      .voucherRedeem(redemption)
      .catch((e: unknown) => e);
    await late.stop();
    expect(late.received).toHaveLength(1);
    expect(error).toBeInstanceOf(GatewayOutcomeUnknownError);
    expect(error).toMatchObject({ reason: 'refused_on_retry', gatewayCode: '100', mayHaveCommitted: true });
  });

  it('a connection dropped after the request was written is an unknown outcome, not retried', async () => {
    gateway.script = () => 'reset';
    await expect(client().voucherRedeem(redemption)).rejects.toMatchObject({
      code: 'GATEWAY_OUTCOME_UNKNOWN',
      reason: 'connection_lost',
    });
    expect(gateway.received).toHaveLength(1);
  });

  it('an answer larger than any the protocol gives is not read, by either transport: an unknown outcome', async () => {
    for (const overrides of [{}, { fetch: globalThis.fetch.bind(globalThis) }]) {
      gateway.reset();
      gateway.script = () => ({ text: ' '.repeat(MAX_ANSWER_BYTES + 1) });
      await expect(client(overrides).voucherRedeem(redemption)).rejects.toMatchObject({
        code: 'GATEWAY_OUTCOME_UNKNOWN',
        reason: 'connection_lost',
      });
      expect(gateway.received).toHaveLength(1);
    }
  });

  it('connection refused: certainly not sent, so even a mutating command is retried', async () => {
    const error: unknown = await client({ baseUrl: await closedPortUrl() })
      .voucherRedeem(redemption)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayUnavailableError);
    expect(error).toMatchObject({ reason: 'connection_refused', mayHaveCommitted: false, attempt: 3 });
    expect(sleeps).toEqual([5, 10]);
  });

  it('the caller can cap attempts per call', async () => {
    await expect(
      client({ baseUrl: await closedPortUrl() }).voucherRedeem(redemption, { maxAttempts: 1 }),
    ).rejects.toMatchObject({ reason: 'connection_refused', attempt: 1 });
    expect(sleeps).toEqual([]);
  });

  it('a call aborted before it starts sends nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(client().voucherRedeem(redemption, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(gateway.received).toHaveLength(0);
  });

  it("the caller's abort after sending is an unknown outcome for a mutating command", async () => {
    gateway.script = () => 'hang';
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(client().voucherRedeem(redemption, { signal: controller.signal })).rejects.toMatchObject({
      code: 'GATEWAY_OUTCOME_UNKNOWN',
      reason: 'aborted',
    });
  });
});
