import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { encryptJson } from '@tixclear/crypto';
import {
  GatewayInvalidResponseError,
  GatewayOutcomeUnknownError,
  type GatewayClient,
} from '@tixclear/gateway-client';
import type { RunningSimulator } from './index';
import { ManualClock } from './ports';
import {
  buyVouchers,
  clientFor,
  purchaseRequest,
  sendRaw,
  startTestSimulator,
  STORE,
} from './testing/harness';

/*
 * The envelope endpoint: who may speak, how bodies are read, one answer for every broken envelope, key rotation,
 * and the request faults as the client experiences them.
 */

let sim: RunningSimulator;
let client: GatewayClient;

beforeAll(async () => {
  sim = await startTestSimulator();
  client = clientFor(sim);
});

afterAll(async () => {
  await sim.close();
});

beforeEach(() => sim.control.reset());

const post = async (body: string, contentType = 'application/x-www-form-urlencoded') => {
  const response = await fetch(sim.baseUrl, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  return { status: response.status, text: await response.text() };
};
const query = { store_uid: STORE, order_id: 'nothing' };

describe('the envelope', () => {
  it('gives one and the same 100 answer for a wrong key, bad base64 and missing fields', async () => {
    const service = encryptJson(
      { service_name: 'api', cmd: 'api/voucherquery' },
      'g4LxEvWTz4ftVrsjei9zIaJLnjXo1QG0',
    );
    const wrongKey = new URLSearchParams({
      store_uid: STORE,
      service,
      encry_data: encryptJson(query, 'X'.repeat(32)),
    });
    const badBase64 = new URLSearchParams({ store_uid: STORE, service, encry_data: '%%%not base64' });
    const missing = new URLSearchParams({ store_uid: STORE, service });
    const answers = await Promise.all([wrongKey, badBase64, missing].map((b) => post(b.toString())));
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(JSON.parse(answers[0]?.text ?? '')).toMatchObject({ code: '100' });
  });

  it('refuses an unknown merchant, both uids or none, and an unknown command with 100', async () => {
    expect(await sendRaw(sim, 'api/voucherquery', query, { uid: '999' })).toMatchObject({ code: '100' });
    expect(await sendRaw(sim, 'api/open', { uid: '1', key: 'k' })).toMatchObject({ code: '100' });
    expect(JSON.parse((await post('service=x&encry_data=y')).text)).toMatchObject({ code: '100' });
    expect(
      JSON.parse((await post(`store_uid=${STORE}&agent_uid=A&service=x&encry_data=y`)).text),
    ).toMatchObject({ code: '100' });
  });

  it('reads a `+` that arrived as a space (unescaped base64 in a form)', async () => {
    await client.voucherPurchase(purchaseRequest('VS1'));
    const key = 'g4LxEvWTz4ftVrsjei9zIaJLnjXo1QG0';
    let service = '';
    let data = '';
    // Envelopes with a '+' inside and one at the very start (the case a careless trim() breaks), sent raw so
    // that the form decoder turns each '+' into a space.
    while (!service.includes('+') || !data.startsWith('+')) {
      service = encryptJson({ service_name: 'api', cmd: 'api/voucherservicequery' }, key);
      data = encryptJson({ store_uid: STORE, order_id: 'VS1' }, key);
    }
    const answer = JSON.parse(
      (await post(`store_uid=${STORE}&service=${service}&encry_data=${data}`)).text,
    ) as { code: string };
    expect(answer.code).toBe('B200');
  });

  it('answers only POST', async () => {
    const response = await fetch(sim.baseUrl);
    expect(response.status).toBe(405);
  });

  it('refuses a store-mode command in dealer mode (100)', async () => {
    sim.control.addMerchant({
      uid: 'A1',
      mode: 'agent',
      key: 'AgentKeyAgentKeyAgentKeyAgentKey',
      feeSchedules: [{ escrowRate: '0', gatewayRate: '0', issuanceFee: 0, issuanceLayer: 1 }],
    });
    const answer = await sendRaw(sim, 'api/voucherquery', query, {
      mode: 'agent',
      uid: 'A1',
      key: 'AgentKeyAgentKeyAgentKeyAgentKey',
    });
    expect(answer).toMatchObject({ code: '100' });
  });
});

describe('key rotation', () => {
  it('accepts either key during the 7-day overlap and only the new one after the old expires', async () => {
    const clock = new ManualClock('2024-12-28T12:00:00+08:00');
    const oldKey = 'OldKeyOldKeyOldKeyOldKeyOldKey12';
    const newKey = 'NewKeyNewKeyNewKeyNewKeyNewKey12';
    const rotating = await startTestSimulator({
      clock,
      sampleMerchant: false,
      merchants: [
        {
          uid: 'R1',
          keys: [
            {
              id: 'old',
              secret: oldKey,
              validFrom: '2024-01-01T00:00:00+08:00',
              validUntil: '2025-01-01T00:00:00+08:00',
            },
            {
              id: 'new',
              secret: newKey,
              validFrom: '2024-12-25T00:00:00+08:00',
              validUntil: '2025-12-25T00:00:00+08:00',
            },
          ],
          feeSchedules: [{ escrowRate: '0', gatewayRate: '0', issuanceFee: 0, issuanceLayer: 3 }],
        },
      ],
    });
    try {
      const ask = (secret: string) =>
        clientFor(rotating, { clock: () => clock.now() }, { uid: 'R1', key: secret }).voucherRedeemQuery({
          store_uid: 'R1',
          order_id: 'x',
        });
      // B500 "no such redemption" means the envelope was opened.
      await expect(ask(oldKey)).rejects.toMatchObject({ gatewayCode: 'B500' });
      await expect(ask(newKey)).rejects.toMatchObject({ gatewayCode: 'B500' });
      clock.set('2025-01-01T00:00:00+08:00');
      await expect(ask(oldKey)).rejects.toMatchObject({ gatewayCode: '100' });
      await expect(ask(newKey)).rejects.toMatchObject({ gatewayCode: 'B500' });
    } finally {
      await rotating.close();
    }
  });
});

describe('request faults as the client sees them', () => {
  it('http_429 on a purchase: the seeds never say "not processed", so no retry: unknown, settled by query', async () => {
    sim.control.addFaults({
      command: 'voucherservicepurchase',
      fault: 'http_429',
      times: 1,
      retryAfterSeconds: 0,
    });
    await expect(client.voucherPurchase(purchaseRequest('VS429'))).rejects.toMatchObject({
      reason: 'rate_limited',
      mayHaveCommitted: true,
    });
    expect(sim.control.requests().map((r) => r.httpStatus)).toEqual([429]);
    await expect(client.resolveVoucherPurchase('VS429')).resolves.toEqual({ status: 'not_found' });
  });

  it('http_429 on a query is retried after Retry-After', async () => {
    sim.control.addFaults({ command: 'voucherquery', fault: 'http_429', times: 1, retryAfterSeconds: 0 });
    await expect(client.voucherRedeemQuery(query)).rejects.toMatchObject({ gatewayCode: 'B500' });
    expect(sim.control.requests().map((r) => r.httpStatus)).toEqual([429, 200]);
  });

  it('http_status 503 on a query is retried', async () => {
    await buyVouchers(sim, client, 'VS503');
    sim.control.addFaults({ command: 'voucherservicequery', fault: 'http_status', status: 503, times: 2 });
    await expect(client.voucherPurchaseQuery({ store_uid: STORE, order_id: 'VS503' })).resolves.toMatchObject(
      { code: 'B200' },
    );
    expect(
      sim.control
        .requests()
        .filter((r) => r.command === 'voucherservicequery')
        .map((r) => r.httpStatus),
    ).toEqual([503, 503, 200]);
  });

  it('system_error (outer 400 before processing) leaves nothing behind', async () => {
    sim.control.addFaults({ command: 'voucherservicepurchase', fault: 'system_error', times: 1 });
    await expect(client.voucherPurchase(purchaseRequest('VS400'))).rejects.toMatchObject({
      reason: 'system_error',
      mayHaveCommitted: true,
    });
    expect(sim.state.purchases.size).toBe(0);
    await expect(client.resolveVoucherPurchase('VS400')).resolves.toEqual({ status: 'not_found' });
  });

  it('garbage is an invalid answer', async () => {
    sim.control.addFaults({ fault: 'garbage', times: 1 });
    await expect(client.voucherPurchaseQuery({ store_uid: STORE, order_id: 'x' })).rejects.toBeInstanceOf(
      GatewayInvalidResponseError,
    );
  });

  it('latency beyond the client timeout: an unknown outcome, and the gateway did commit', async () => {
    sim.control.addFaults({ command: 'voucherservicepurchase', fault: 'latency', ms: 300, times: 1 });
    const slowClient = clientFor(sim, { timeoutMs: 100 });
    await expect(slowClient.voucherPurchase(purchaseRequest('VS-SLOW'))).rejects.toBeInstanceOf(
      GatewayOutcomeUnknownError,
    );
    await new Promise((resolve) => setTimeout(resolve, 400));
    await expect(client.resolveVoucherPurchase('VS-SLOW')).resolves.toMatchObject({
      status: 'pending',
      result: { code: '200' },
    });
  });

  it('targets merchants: a rule for another merchant does not fire', async () => {
    sim.control.addFaults({ fault: 'reset', merchant: 'someone-else' });
    await expect(client.voucherPurchaseQuery({ store_uid: STORE, order_id: 'x' })).rejects.toMatchObject({
      gatewayCode: 'B500',
    });
  });

  it('is deterministic under a seed: the same seed gives the same faults', async () => {
    const run = async (seed: number) => {
      sim.control.reset({ seed });
      sim.control.addFaults({ command: 'voucherquery', fault: 'system_error', probability: 0.5 });
      const once = clientFor(sim, { retry: { maxAttempts: 1 } });
      const outcomes: string[] = [];
      for (let i = 0; i < 16; i += 1) {
        outcomes.push(
          await once.voucherRedeemQuery(query).then(
            () => 'ok',
            (error: { gatewayCode?: string }) => error.gatewayCode ?? '?',
          ),
        );
      }
      return outcomes.join('');
    };
    const first = await run(7);
    expect(await run(7)).toBe(first);
    expect(first).toMatch(/400/);
    expect(first).toMatch(/B500/);
    expect(await run(8)).not.toBe(first);
    // Ids come from their own stream: the same seed gives the same keys whatever faults ran.
    sim.control.reset({ seed: 7 });
    const a = await client.voucherPurchase(purchaseRequest('VS-ID'));
    sim.control.reset({ seed: 7 });
    sim.control.addFaults({ fault: 'latency', ms: 1, probability: 0.5 });
    const b = await client.voucherPurchase(purchaseRequest('VS-ID'));
    expect(b.key).toBe(a.key);
  });
});
