import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { twd } from '@tixclear/domain';
import { GatewayRejectedError, PAYOFF_NOT_FOUND_CODE, type GatewayClient } from '@tixclear/gateway-client';
import type { RunningSimulator } from './index';
import { clientFor, startTestSimulator, STORE } from './testing/harness';

/*
 * Pay-off batches: S01 → approval → S03 → S04/S05, item outcomes forced or drawn from seeded rates, and the
 * covering remittance of seed 004 (only an S05 batch, only C2001/C2002 items).
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

const create = (groupId: string, count = 3) =>
  client.payoffCreate({
    store_uid: STORE,
    group_id: groupId,
    items: Array.from({ length: count }, (_, i) => ({
      id: `P${i + 1}`,
      user_id: `payee${i + 1}`,
      money: twd(100 * (i + 1)),
    })),
  });

const codes = (batch: { items: readonly { id: string; code: string }[] } | undefined) =>
  Object.fromEntries((batch?.items ?? []).map((item) => [item.id, item.code]));

describe('a pay-off batch', () => {
  it('goes S01 → approve → S05 with forced C2001/C2002 items → covering → S04', async () => {
    const created = await create('G-LIFE');
    expect(created.content?.code).toBe('S01');
    expect(codes(created.content)).toEqual({ P1: 'C0001', P2: 'C0001', P3: 'C0001' });

    sim.control.setItemOutcomes('G-LIFE', { P2: 'C2001', P3: 'C2002' });
    sim.control.approveBatch('G-LIFE');
    const partly = await client.payoffQuery({ store_uid: STORE, group_id: 'G-LIFE' });
    expect(partly.content?.code).toBe('S05');
    expect(codes(partly.content)).toEqual({ P1: 'C1001', P2: 'C2001', P3: 'C2002' });
    expect(partly.content?.items[0]?.finished_date).toBeInstanceOf(Date);
    expect(partly.content?.items[1]?.finished_date).toBeNull();

    const covered = await client.payoffCovering({
      store_uid: STORE,
      group_id: 'G-LIFE',
      items: [{ id: 'P2' }, { id: 'P3' }],
    });
    expect(covered.content?.code).toBe('S04');
    expect(codes(covered.content)).toEqual({ P1: 'C1001', P2: 'C1001', P3: 'C1001' });
    expect(sim.state.batches.values().next().value?.coverings).toBe(1);
  });

  it('shows S03 while remitting when approval holds the remittance back', async () => {
    await create('G-HOLD', 1);
    expect(sim.control.approveBatch('G-HOLD', { hold: true })).toMatchObject({ code: 'S03' });
    expect((await client.payoffQuery({ store_uid: STORE, group_id: 'G-HOLD' })).content?.code).toBe('S03');
    expect(sim.control.completeBatch('G-HOLD')).toMatchObject({ code: 'S04' });
  });

  it('a covering puts the batch back to S03, then S05 when an item fails again', async () => {
    // A slow bank: remittance results only when the test says so.
    const slow = await startTestSimulator({ payoff: { remitDelayMs: 600_000 } });
    try {
      const slowClient = clientFor(slow);
      await slowClient.payoffCreate({
        store_uid: STORE,
        group_id: 'G-AGAIN',
        items: [
          { id: 'P1', user_id: 'u1', money: twd(10) },
          { id: 'P2', user_id: 'u2', money: twd(20) },
        ],
      });
      slow.control.setItemOutcomes('G-AGAIN', { P1: 'C2001' });
      expect(slow.control.approveBatch('G-AGAIN')).toMatchObject({ code: 'S03' });
      expect(slow.control.completeBatch('G-AGAIN')).toMatchObject({ code: 'S05' });
      slow.control.setItemOutcomes('G-AGAIN', { P1: 'C2001' });
      const covered = await slowClient.payoffCovering({
        store_uid: STORE,
        group_id: 'G-AGAIN',
        items: [{ id: 'P1' }],
      });
      expect(covered.content?.code).toBe('S03');
      expect(codes(covered.content)).toEqual({ P1: 'C0001', P2: 'C1001' });
      expect(slow.control.completeBatch('G-AGAIN')).toMatchObject({ code: 'S05' });
      expect(
        codes((await slowClient.payoffQuery({ store_uid: STORE, group_id: 'G-AGAIN' })).content),
      ).toEqual({ P1: 'C2001', P2: 'C1001' });
    } finally {
      await slow.close();
    }
  });

  it('is approved automatically after the configured delay', async () => {
    // Windows wide enough to observe each state from a polling loop on a busy machine.
    const auto = await startTestSimulator({
      payoff: { approval: 'auto', approvalDelayMs: 100, remitDelayMs: 300 },
    });
    try {
      const autoClient = clientFor(auto);
      await autoClient.payoffCreate({
        store_uid: STORE,
        group_id: 'G-AUTO',
        items: [{ id: 'P1', user_id: 'u', money: twd(10) }],
      });
      const seen: string[] = [];
      const deadline = Date.now() + 5_000;
      while (seen.at(-1) !== 'S04' && Date.now() < deadline) {
        const code =
          (await autoClient.payoffQuery({ store_uid: STORE, group_id: 'G-AUTO' })).content?.code ?? '';
        if (seen.at(-1) !== code) seen.push(code);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(seen).toEqual(['S01', 'S03', 'S04']);
    } finally {
      await auto.close();
    }
  });

  it('draws item outcomes from the seeded rates, the same way for the same seed', async () => {
    const run = async () => {
      sim.control.reset({ seed: 42 });
      sim.control.setPayoffItemRates({ C2001: 0.3, C2002: 0.2 });
      await create('G-RATES', 20);
      return codes(sim.control.approveBatch('G-RATES') as { items: { id: string; code: string }[] });
    };
    const first = await run();
    expect(await run()).toEqual(first);
    const outcomes = new Set(Object.values(first));
    expect(outcomes).toEqual(new Set(['C1001', 'C2001', 'C2002']));
  });
});

describe('the covering remittance is refused (B500, batch unchanged)', () => {
  it('for a batch that is not S05', async () => {
    await create('G-S01', 1);
    const attempt = client.payoffCovering({ store_uid: STORE, group_id: 'G-S01', items: [{ id: 'P1' }] });
    await expect(attempt).rejects.toBeInstanceOf(GatewayRejectedError);
    await expect(attempt).rejects.toMatchObject({ gatewayCode: 'B500' });
    expect((await client.payoffQuery({ store_uid: STORE, group_id: 'G-S01' })).content?.code).toBe('S01');
  });

  it('for an item that was remitted (C1001)', async () => {
    await create('G-C1001', 2);
    sim.control.setItemOutcomes('G-C1001', { P2: 'C2001' });
    sim.control.approveBatch('G-C1001');
    const attempt = client.payoffCovering({
      store_uid: STORE,
      group_id: 'G-C1001',
      items: [{ id: 'P1' }, { id: 'P2' }],
    });
    await expect(attempt).rejects.toMatchObject({ code: 'GATEWAY_REJECTED', gatewayCode: 'B500' });
    const batch = await client.payoffQuery({ store_uid: STORE, group_id: 'G-C1001' });
    expect(batch.content?.code).toBe('S05');
    expect(codes(batch.content)).toEqual({ P1: 'C1001', P2: 'C2001' });
  });

  it('for an unknown batch or item', async () => {
    await expect(
      client.payoffCovering({ store_uid: STORE, group_id: 'nope', items: [{ id: 'P1' }] }),
    ).rejects.toMatchObject({ gatewayCode: 'B500' });
    await create('G-ITEM', 1);
    sim.control.setItemOutcomes('G-ITEM', { P1: 'C2002' });
    sim.control.approveBatch('G-ITEM');
    await expect(
      client.payoffCovering({ store_uid: STORE, group_id: 'G-ITEM', items: [{ id: 'P9' }] }),
    ).rejects.toMatchObject({ gatewayCode: 'B500' });
  });

  it('and a repeated group_id is refused with 100', async () => {
    await create('G-DUP', 1);
    await expect(create('G-DUP', 1)).rejects.toMatchObject({ gatewayCode: '100' });
    expect(sim.state.batches.size).toBe(1);
  });
});

describe('the batch query', () => {
  it('answers an unknown group_id with the explicit not-found code, which the client reads as not found', async () => {
    await expect(client.payoffQuery({ store_uid: STORE, group_id: 'G-NONE' })).rejects.toMatchObject({
      code: 'GATEWAY_REJECTED',
      gatewayCode: PAYOFF_NOT_FOUND_CODE,
    });
    expect(await client.resolvePayoffCreate('G-NONE', { storeUid: STORE })).toEqual({ status: 'not_found' });
  });
});

describe('configurable command names', () => {
  it('serves creation and query under the configured cmd', async () => {
    const names = { payoffremittance: 'api/payoffbatch', payoffquery: 'api/payoffbatchquery' };
    const renamed = await startTestSimulator({ commandNames: names });
    try {
      const renamedClient = clientFor(renamed, { commandNames: names });
      await renamedClient.payoffCreate({
        store_uid: STORE,
        group_id: 'G-R',
        items: [{ id: 'P1', user_id: 'u', money: twd(1) }],
      });
      expect((await renamedClient.payoffQuery({ store_uid: STORE, group_id: 'G-R' })).content?.code).toBe(
        'S01',
      );
      // The default name is then unknown to the simulator.
      await expect(
        clientFor(renamed).payoffQuery({ store_uid: STORE, group_id: 'G-R' }),
      ).rejects.toMatchObject({ gatewayCode: '100' });
    } finally {
      await renamed.close();
    }
  });
});
