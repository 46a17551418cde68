import { randomUUID } from 'node:crypto';
import { encryptJson } from '@tixclear/crypto';
import { SAMPLE_PARTNER } from '@tixclear/db';
import fc from 'fast-check';
import { apiInitCases, notifyCases, refusalCodeOf, restCases, type FuzzCase } from './fuzz-cases';
import { paidPurchase, reportsSettled, rowCounts } from './flows';
import { purchaseRequest, redeemRequest } from './requests';
import { startStack, type Stack } from './stack';

/*
 * Malformed traffic against both doors (tools/e2e/src/fuzz-cases.ts): the API must never fail (no 5xx), always
 * answer /api/init in the gateway's JSON shape with code 100, refuse every broken report without `8888`, and
 * change nothing: no row in any table, no request to the gateway. Generated from a fixed seed, so a failure
 * replays exactly; sent 20 at a time.
 */

const SEED = 20_250_301;
const API_INIT_CASES = 10_000;
const NOTIFY_CASES = 1_500;
const REST_CASES = 400;
const CONCURRENCY = 20;

interface Outcome {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

async function send(apiUrl: string, c: FuzzCase, apiKey?: string): Promise<Outcome> {
  const headers: Record<string, string> = {};
  if (c.contentType !== undefined) headers['content-type'] = c.contentType;
  if (apiKey !== undefined) {
    headers.authorization = `Bearer ${apiKey}`;
    headers['idempotency-key'] = randomUUID();
  }
  const response = await fetch(`${apiUrl}${c.path}`, { method: 'POST', headers, body: c.body });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    text: await response.text(),
  };
}

/** Runs every case, `CONCURRENCY` at a time; returns the problems found (the check's message per case). */
async function runAll(
  apiUrl: string,
  cases: readonly FuzzCase[],
  check: (outcome: Outcome, c: FuzzCase) => string | undefined,
  apiKey?: string,
): Promise<{ problems: string[]; codes: Map<string, number> }> {
  const problems: string[] = [];
  const codes = new Map<string, number>();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < cases.length; i = next++) {
      const c = cases[i]!;
      const outcome = await send(apiUrl, c, apiKey).catch((error: unknown): Outcome => ({
        status: 0,
        contentType: '',
        text: String(error),
      }));
      const problem = check(outcome, c);
      const label = `${outcome.status} ${summary(outcome)}`;
      codes.set(label, (codes.get(label) ?? 0) + 1);
      if (problem)
        problems.push(`#${i} ${c.kind}: ${problem} (${outcome.status} ${outcome.text.slice(0, 160)})`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { problems, codes };
}

function summary(outcome: Outcome): string {
  try {
    const body = JSON.parse(outcome.text) as Record<string, unknown>;
    return String(body.error_code ?? body.code ?? (body.error as { code?: unknown } | undefined)?.code);
  } catch {
    return outcome.text.slice(0, 24);
  }
}

/** /api/init: a 4xx or 200 JSON answer in the gateway's shape, `100` (esvcrefund: `B500`), whatever came in. */
function checkApiInit(outcome: Outcome, c: FuzzCase): string | undefined {
  if (outcome.status === 0) return 'no answer';
  if (outcome.status >= 500) return 'a server error';
  if (!outcome.contentType.startsWith('application/json')) return `content type ${outcome.contentType}`;
  let body: unknown;
  try {
    body = JSON.parse(outcome.text);
  } catch {
    return 'not JSON';
  }
  const code = (body as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return 'no code';
  if (code !== refusalCodeOf(c.kind)) return `code ${code}`;
  return undefined;
}

/** The REST door: a 4xx JSON answer `{ error: { code } }`. */
function checkRest(outcome: Outcome): string | undefined {
  if (outcome.status === 0) return 'no answer';
  if (outcome.status >= 500) return 'a server error';
  if (outcome.status < 400) return `status ${outcome.status}`;
  if (!outcome.contentType.startsWith('application/json')) return `content type ${outcome.contentType}`;
  try {
    const body = JSON.parse(outcome.text) as { error?: { code?: unknown } };
    return typeof body.error?.code === 'string' ? undefined : 'no code';
  } catch {
    return 'not JSON';
  }
}

/** /gateway/notify: refused (a 4xx, so the gateway sends it again), never acknowledged. */
function checkNotify(outcome: Outcome): string | undefined {
  if (outcome.status === 0) return 'no answer';
  if (outcome.status >= 500) return 'a server error';
  if (outcome.text.trim() === '8888') return 'acknowledged';
  if (outcome.status < 400) return `status ${outcome.status}`;
  return undefined;
}

describe('fuzzing both doors with malformed requests', () => {
  let stack: Stack;
  beforeAll(async () => {
    // The limit on undecryptable envelopes would answer 429 to most of this traffic; its own test is below.
    stack = await startStack({ env: { ENVELOPE_FAILURES_PER_MINUTE: '1000000' } });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it(`answers ${API_INIT_CASES} malformed /api/init, ${NOTIFY_CASES} malformed report and ${REST_CASES} REST requests, changing nothing`, async () => {
    const apiKey = await stack.registry.issueApiKey(SAMPLE_PARTNER.partnerUid);
    // Something to leave untouched: issued vouchers, a redemption, the partner reports they made.
    const purchase = await paidPurchase(stack, { amount: 2 });
    expect((await stack.call('vouchertransaction', redeemRequest([purchase.serials[0]!]))).body.code).toBe(
      '250',
    );
    await reportsSettled(stack);
    const before = await rowCounts(stack);
    const gatewayRequests = stack.sim.state.requests.length;

    const apiCases = fc.sample(apiInitCases, { seed: SEED, numRuns: API_INIT_CASES });
    const api = await runAll(stack.apiUrl, apiCases, checkApiInit);
    const notifyCasesList = fc.sample(notifyCases, { seed: SEED + 1, numRuns: NOTIFY_CASES });
    const notify = await runAll(stack.apiUrl, notifyCasesList, checkNotify);
    const restCasesList = fc.sample(restCases, { seed: SEED + 2, numRuns: REST_CASES });
    const rest = await runAll(stack.apiUrl, restCasesList, checkRest, apiKey);

    expect(api.problems.slice(0, 20)).toEqual([]);
    expect(notify.problems.slice(0, 20)).toEqual([]);
    expect(rest.problems.slice(0, 20)).toEqual([]);
    const restSeen = [...rest.codes.keys()].join(' ');
    for (const code of ['400 BODY_INVALID', '400 REQUEST_INVALID']) expect(restSeen).toContain(code);
    expect(await rowCounts(stack)).toEqual(before);
    expect(stack.sim.state.requests.length).toBe(gatewayRequests);
    // The breadth of what was exercised: most refusals are of the envelope and of the request itself.
    const seen = [...api.codes.keys()].join(' ');
    for (const code of ['ENVELOPE_INVALID', 'REQUEST_INVALID', 'ORDER_NOT_FOUND'])
      expect(seen).toContain(code);

    // And the API still serves its partner.
    const redeemed = await stack.call('vouchertransaction', redeemRequest([purchase.serials[1]!]));
    expect(redeemed.body.code).toBe('250');
  }, 180_000);
});

describe('the limit on undecryptable envelopes', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers 429 in the gateway’s JSON shape after 20 failures a minute (the default)', async () => {
    const junk = (uid: string) =>
      fetch(`${stack.apiUrl}/api/init`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          store_uid: uid,
          service: encryptJson({ service_name: 'api', cmd: 'api/voucherquery' }, SAMPLE_PARTNER.key),
          encry_data: encryptJson({ order_id: 'X' }, 'Zq3mT0pLx8VbN2cR5wY7aE1uK4dH6jG9'),
        }).toString(),
      });
    for (let i = 0; i < 20; i += 1) {
      const response = await junk(SAMPLE_PARTNER.partnerUid);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ code: '100', error_code: 'ENVELOPE_INVALID' });
    }
    const limited = await junk(SAMPLE_PARTNER.partnerUid);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await limited.json()).toMatchObject({ code: '100', error_code: 'RATE_LIMITED' });
    // Counted per partner uid: another uid is not limited by the first one's failures.
    const other = await junk('398800730001');
    expect(other.status).toBe(200);
  });

  it('serves a readable envelope with the partner’s key whatever junk came from the same address', async () => {
    const junk = () =>
      fetch(`${stack.apiUrl}/api/init`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          store_uid: SAMPLE_PARTNER.partnerUid,
          service: 'not an envelope',
          encry_data: 'not an envelope either',
        }).toString(),
      });
    // A flood from 127.0.0.1 (the partner's own address here) until, and past, the limit.
    for (let i = 0; i < 50; i += 1) await junk();
    expect((await junk()).status).toBe(429);
    // The partner's next request, from that same address, is served: a purchase the gateway accepts.
    const purchase = await stack.call('voucherservicepurchase', purchaseRequest().request);
    expect(purchase.status).toBe(200);
    expect(purchase.body).toMatchObject({ code: '200' });
    // And junk stays limited.
    expect((await junk()).status).toBe(429);
  });
});
