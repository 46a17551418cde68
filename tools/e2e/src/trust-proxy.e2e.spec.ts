import { encryptJson } from '@tixclear/crypto';
import { SAMPLE_PARTNER } from '@tixclear/db';
import { eventually, type Stack } from './stack';
import { stackForSuite } from './suite';

/*
 * TRUST_PROXY (issue 18): the client address the envelope limiter, the report allow-list and the request logs
 * use. Off by default: X-Forwarded-For is ignored, so a client cannot pick its own address. With the proxy
 * listed (here the test itself, on 127.0.0.1, plays the proxy), the address it forwarded is the client's.
 */

const LIMIT = 3;

/** An envelope the sample partner's key cannot open, sent with the given X-Forwarded-For. */
function junk(stack: Stack, forwardedFor?: string): Promise<Response> {
  return fetch(`${stack.apiUrl}/api/init`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }),
    },
    body: new URLSearchParams({
      store_uid: SAMPLE_PARTNER.partnerUid,
      service: encryptJson({ service_name: 'api', cmd: 'api/voucherquery' }, SAMPLE_PARTNER.key),
      encry_data: encryptJson({ order_id: 'X' }, 'Zq3mT0pLx8VbN2cR5wY7aE1uK4dH6jG9'),
    }).toString(),
  });
}

async function report(stack: Stack, forwardedFor: string): Promise<{ status: number; code?: string }> {
  const response = await fetch(`${stack.apiUrl}/gateway/notify`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': forwardedFor },
    body: 'not=a-report',
  });
  const text = await response.text();
  return { status: response.status, code: text.startsWith('{') ? JSON.parse(text).error?.code : text };
}

/** The API's request log lines (JSON) for one route. */
function requestLines(output: string, route: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.msg === 'request' && line.route === route);
}

/**
 * A stack for the suite with the envelope limiter at LIMIT and 203.0.113.7 allowed to report; its API logs
 * requests into `log.output`. `env` adds to (or overrides) that.
 */
function loggedStack(env: Record<string, string> = {}) {
  const log = { output: '' };
  const stack = stackForSuite({
    env: {
      ENVELOPE_FAILURES_PER_MINUTE: String(LIMIT),
      NOTIFY_ALLOWED_SOURCES: '203.0.113.7',
      LOG_LEVEL: 'info',
      ...env,
    },
    apiOutput: (chunk) => (log.output += chunk),
  });
  return { stack, log };
}

describe('TRUST_PROXY off (the default)', () => {
  const { stack, log } = loggedStack();

  it('ignores a forged X-Forwarded-For: the limiter keys on the connection’s address', async () => {
    for (let i = 0; i < LIMIT; i += 1) expect((await junk(stack, `198.51.100.${i + 1}`)).status).toBe(200);
    // A fresh forged address each time changes nothing: the partner's key at 127.0.0.1 is at its limit.
    expect((await junk(stack, '198.51.100.200')).status).toBe(429);
    expect((await junk(stack)).status).toBe(429);
    // Each request's log line is written once its answer is sent: wait for all of them.
    const lines = await eventually(() => {
      const found = requestLines(log.output, '/api/init');
      return Promise.resolve(found.length >= LIMIT + 2 ? found : undefined);
    });
    for (const line of lines) expect(line.client_address).toBe('127.0.0.1');
  });

  it('ignores it at /gateway/notify too: an allow-listed address named in the header is refused', async () => {
    expect(await report(stack, '203.0.113.7')).toEqual({ status: 403, code: 'SOURCE_NOT_ALLOWED' });
  });
});

describe('TRUST_PROXY naming the proxy', () => {
  const { stack, log } = loggedStack({ TRUST_PROXY: '127.0.0.1, ::1' });

  it('limits two clients behind the same proxy separately', async () => {
    for (let i = 0; i < LIMIT; i += 1) expect((await junk(stack, '198.51.100.1')).status).toBe(200);
    expect((await junk(stack, '198.51.100.1')).status).toBe(429);
    // The other client behind the proxy, same partner uid, is not locked out by the first one's junk.
    const other = await junk(stack, '198.51.100.2');
    expect(other.status).toBe(200);
    expect(await other.json()).toMatchObject({ code: '100', error_code: 'ENVELOPE_INVALID' });
    // A client that forges its own header still gets the address the proxy appended for it.
    expect((await junk(stack, '203.0.113.99, 198.51.100.1')).status).toBe(429);
    const lines = await eventually(() => {
      const found = requestLines(log.output, '/api/init');
      return Promise.resolve(found.length >= LIMIT + 3 ? found : undefined);
    });
    const clients = lines.map((line) => line.client_address);
    expect(clients).toContain('198.51.100.1');
    expect(clients).toContain('198.51.100.2');
    expect(clients).not.toContain('127.0.0.1');
    expect(clients).not.toContain('203.0.113.99');
  });

  it('never keys the limiter on header text: an entry that is not an address falls back to the proxy’s', async () => {
    // A proxy passing a client's header on unchecked: each request names a fresh non-address.
    for (let i = 0; i < LIMIT; i += 1)
      expect((await junk(stack, `junk-${i}-${'x'.repeat(2000)}`)).status).toBe(200);
    expect((await junk(stack, 'junk-last')).status).toBe(429);
    // Behind the proxy, the real clients are still counted apart from it.
    expect((await junk(stack, '198.51.100.3')).status).toBe(200);
  });

  it('judges /gateway/notify by the same address: the forwarded client, not the proxy', async () => {
    // Allowed through: refused only as an invalid report, after the source check.
    expect(await report(stack, '203.0.113.7')).toEqual({ status: 400, code: 'REPORT_INVALID' });
    expect(await report(stack, '198.51.100.9')).toEqual({ status: 403, code: 'SOURCE_NOT_ALLOWED' });
  });
});
