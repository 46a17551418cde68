import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  certainlyNotSent,
  GatewayOutcomeUnknownError,
  GatewayUnavailableError,
  type GatewayClient,
  type GatewayError,
} from '@tixclear/gateway-client';
import { createServer, type AddressInfo } from 'node:net';
import type { RunningSimulator } from './index';
import { buyVouchers, clientFor, redeemRequest, startTestSimulator, STORE } from './testing/harness';

/*
 * The failure the engine is built around: the gateway commits a redemption and the answer is lost. The client
 * must report an unknown outcome (never "failed", never a silent retry), and the query must find the redemption.
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

/** A port nothing listens on: bound, then released. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/api/init`;
}

describe('a redemption committed whose answer is lost', () => {
  it('is an unknown outcome, resolved by voucherquery, with exactly one redemption at the gateway', async () => {
    await buyVouchers(sim, client, 'VS-LOST', { prefix: 'L' });
    sim.control.addFaults({ command: 'vouchertransaction', fault: 'commit_then_drop', times: 1 });

    const attempt = client.voucherRedeem(redeemRequest('VT-LOST', ['L1', 'L2']));
    await expect(attempt).rejects.toBeInstanceOf(GatewayOutcomeUnknownError);
    await expect(attempt).rejects.toMatchObject({ code: 'GATEWAY_OUTCOME_UNKNOWN', mayHaveCommitted: true });

    const resolution = await client.resolveVoucherRedeem('VT-LOST');
    expect(resolution.status).toBe('committed');
    if (resolution.status !== 'committed') return;
    expect(resolution.result.items?.map((i) => i.serial_number)).toEqual(['L1', 'L2']);

    // One request for the redemption (no blind retry), one redemption, both vouchers used once.
    const redemptionRequests = sim.control.requests().filter((r) => r.command === 'vouchertransaction');
    expect(redemptionRequests).toHaveLength(1);
    expect(redemptionRequests[0]).toMatchObject({ committed: true, fault: 'commit_then_drop' });
    expect(redemptionRequests[0]?.httpStatus).toBeUndefined();
    expect(sim.state.redemptions.size).toBe(1);
    expect(sim.state.vouchers.filter((v) => v.status === 'redeemed').map((v) => v.customSerialNo)).toEqual([
      'L1',
      'L2',
    ]);
    expect(sim.control.faults().rules[0]?.remaining).toBe(0);
  });

  it('a reset before processing leaves nothing to find: the query says not found', async () => {
    await buyVouchers(sim, client, 'VS-RESET', { prefix: 'R' });
    sim.control.addFaults({ command: 'vouchertransaction', fault: 'reset', times: 1 });
    await expect(client.voucherRedeem(redeemRequest('VT-RESET', ['R1']))).rejects.toBeInstanceOf(
      GatewayOutcomeUnknownError,
    );
    await expect(client.resolveVoucherRedeem('VT-RESET')).resolves.toEqual({ status: 'not_found' });
    expect(sim.state.redemptions.size).toBe(0);
  });

  it('an outer 400 after the commit is a may-have-committed failure, also resolved by the query', async () => {
    await buyVouchers(sim, client, 'VS-400', { prefix: 'S' });
    sim.control.addFaults({ command: 'vouchertransaction', fault: 'commit_then_error', times: 1 });
    const attempt = client.voucherRedeem(redeemRequest('VT-400', ['S1']));
    await expect(attempt).rejects.toBeInstanceOf(GatewayUnavailableError);
    await expect(attempt).rejects.toMatchObject({ reason: 'system_error', mayHaveCommitted: true });
    await expect(client.resolveVoucherRedeem('VT-400')).resolves.toMatchObject({ status: 'committed' });
    expect(sim.control.requests().filter((r) => r.command === 'vouchertransaction')).toHaveLength(1);
  });

  it.each([403, 400, 302])(
    'an HTTP %i after the gateway applied it (a front end that forwarded it) is unknown, resolved by the query',
    async (status) => {
      await buyVouchers(sim, client, `VS-${status}`, { prefix: `F${status}X` });
      sim.control.addFaults({ command: 'vouchertransaction', fault: 'commit_then_status', status, times: 1 });
      const attempt = client.voucherRedeem(redeemRequest(`VT-${status}`, [`F${status}X1`]));
      await expect(attempt).rejects.toMatchObject({
        reason: 'http_status',
        httpStatus: status,
        mayHaveCommitted: true,
      });
      expect(certainlyNotSent((await attempt.catch((e: unknown) => e)) as GatewayError)).toBe(false);
      await expect(client.resolveVoucherRedeem(`VT-${status}`)).resolves.toMatchObject({
        status: 'committed',
      });
      expect(sim.control.requests().filter((r) => r.command === 'vouchertransaction')).toHaveLength(1);
      expect(sim.state.redemptions.size).toBe(1);
    },
  );

  it('a reset on a reused keep-alive connection, after the gateway applied it, is unknown: the query finds it', async () => {
    await buyVouchers(sim, client, 'VS-KEEP', { prefix: 'K' });
    sim.control.addFaults({
      command: 'vouchertransaction',
      fault: 'commit_then_drop',
      reusedConnection: true,
      times: 1,
    });
    // The purchase and its query opened the connection; the redemption is written on it.
    const attempt = client.voucherRedeem(redeemRequest('VT-KEEP', ['K1']));
    await expect(attempt).rejects.toBeInstanceOf(GatewayOutcomeUnknownError);
    await expect(attempt).rejects.toMatchObject({ reason: 'connection_lost', attempt: 1 });
    expect(sim.control.faults().fired.map((f) => f.fault)).toEqual(['commit_then_drop']);
    await expect(client.resolveVoucherRedeem('VT-KEEP')).resolves.toMatchObject({ status: 'committed' });
    expect(sim.control.requests().filter((r) => r.command === 'vouchertransaction')).toHaveLength(1);
  });

  it('a refused connection is certainly not sent: retried, and nothing reached the gateway', async () => {
    const closed = clientFor(sim, { baseUrl: await closedPortUrl(), retry: { maxAttempts: 2 } });
    const attempt = closed.voucherRedeem(redeemRequest('VT-REFUSED', ['X1']));
    await expect(attempt).rejects.toMatchObject({ reason: 'connection_refused', attempt: 2 });
    expect(certainlyNotSent((await attempt.catch((e: unknown) => e)) as GatewayError)).toBe(true);
  });

  it('a query that loses its connection is retried by the client (queries change nothing)', async () => {
    await buyVouchers(sim, client, 'VS-Q', { prefix: 'Q' });
    await client.voucherRedeem(redeemRequest('VT-Q', ['Q1']));
    sim.control.addFaults({ command: 'voucherquery', fault: 'reset', times: 1 });
    const answer = await client.voucherRedeemQuery({ store_uid: STORE, order_id: 'VT-Q' });
    expect(answer.content?.code).toBe('250');
    expect(sim.control.requests().filter((r) => r.command === 'voucherquery')).toHaveLength(2);
  });
});
