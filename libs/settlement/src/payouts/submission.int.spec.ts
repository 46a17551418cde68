import { describe, expect, it } from '@jest/globals';
import { twd } from '@tixclear/domain';
import { GatewayClient } from '@tixclear/gateway-client';
import { KeyRing } from '@tixclear/crypto';
import { SAMPLE_PARTNER } from '@tixclear/db';
import { groupIdFor } from './index';
import {
  batchesOfRun,
  eachTestWorld,
  crashAfter,
  itemsOfRun,
  M1,
  owed,
  PARTY,
  requestsOf,
  trialBalance,
  VOUCHER,
  WorkerKilled,
} from './testing/world';

/*
 * Sending a batch when things go wrong: a lost answer, a request that never arrived, a late original, a worker
 * killed mid-call, a refusal. Whatever happens, the gateway holds the batch once, and nothing is sent again
 * before a query by group_id said it is not there.
 */

const world = eachTestWorld();

/** A built run paying M1 only (store:A 40, dealer:D1 35, hq:B 7, store:S2 5). */
async function builtRun(date = '2026-11-20'): Promise<string> {
  const run = await world.newRun(date);
  await world.clear(run, [VOUCHER.A, VOUCHER.B]);
  await world.processor().build(run);
  return run;
}

const creates = () => requestsOf(world.sim, 'payoffremittance');
const simBatches = () => [...world.sim.state.batches.values()].map((b) => b.groupId);

/** Approves the run's M1 batch and finishes it: the result every path below must end in. */
async function finish(run: string): Promise<void> {
  world.sim.control.approveBatch(groupIdFor(run, M1));
  expect(await world.processor().advance(run)).toBe('done');
  expect(await batchesOfRun(world, run)).toMatchObject([{ state: 'completed' }]);
  expect(new Set((await itemsOfRun(world, run)).map((i) => i.state))).toEqual(new Set(['remitted']));
  const entries = await world.rows(`SELECT id FROM journal_entries WHERE kind = 'payout'`);
  expect(entries).toHaveLength(4);
  expect(await owed(world, PARTY.dealerD1)).toBe(0);
  expect(await trialBalance(world)).toBe(0);
}

describe('a creation whose answer is lost', () => {
  it('is resolved by a query: the batch is not created twice', async () => {
    const run = await builtRun();
    world.sim.control.addFaults({ command: 'payoffremittance', fault: 'commit_then_drop', times: 1 });

    expect(await world.processor().advance(run)).toBe('waiting');

    expect(creates()).toBe(1);
    // The lost answer is followed by a query, never by a second creation.
    expect(world.sim.control.requests().map((r) => r.command)).toEqual([
      'payoffremittance',
      'payoffquery',
      'payoffquery', // following the batch now it is known to be S01
    ]);
    expect(simBatches()).toEqual([groupIdFor(run, M1)]);
    expect(await batchesOfRun(world, run)).toMatchObject([{ state: 'awaiting_approval' }]);
    await finish(run);
    expect(creates()).toBe(1);
  });

  it('that never arrived is sent again with the same group_id, after the grace and a query', async () => {
    const run = await builtRun();
    world.sim.control.addFaults({ command: 'payoffremittance', fault: 'reset', times: 1 });
    let now = new Date('2026-11-21T02:00:00Z');
    const processor = world.processor({ submitGraceMs: 30_000, clock: () => now });

    expect(await processor.advance(run)).toBe('waiting');
    expect(await batchesOfRun(world, run)).toMatchObject([{ state: 'submit_unknown' }]);
    expect(creates()).toBe(1);
    now = new Date(now.getTime() + 29_999);
    expect(await processor.advance(run)).toBe('waiting');
    expect(creates()).toBe(1);
    now = new Date(now.getTime() + 1);
    expect(await processor.advance(run)).toBe('waiting');

    expect(creates()).toBe(2);
    const commands = world.sim.control.requests().map((r) => r.command);
    const resent = commands.lastIndexOf('payoffremittance');
    expect(commands.slice(resent - 1, resent + 1)).toEqual(['payoffquery', 'payoffremittance']);
    expect(simBatches()).toEqual([groupIdFor(run, M1)]);
    expect(await batchesOfRun(world, run)).toMatchObject([{ state: 'awaiting_approval' }]);
    await finish(run);
  });

  it('meets a late original: the duplicate group_id is refused and the existing batch adopted', async () => {
    const run = await builtRun();
    // Our earlier request (same group_id, same items) reaches the gateway only now.
    const late = new GatewayClient({
      baseUrl: world.sim.baseUrl,
      merchant: {
        mode: 'store',
        uid: M1,
        keyRing: new KeyRing([
          {
            id: 'k',
            secret: SAMPLE_PARTNER.key,
            validFrom: new Date('2000-01-01'),
            validUntil: new Date('2100-01-01'),
          },
        ]),
      },
    });
    const items = await itemsOfRun(world, run);
    await late.payoffCreate({
      store_uid: M1,
      group_id: groupIdFor(run, M1),
      items: items.map((i) => ({ id: i.itemId, user_id: i.payee, money: twd(i.amount) })),
    });

    expect(await world.processor().advance(run)).toBe('waiting');

    const refused = world.sim.control.requests().filter((r) => r.command === 'payoffremittance');
    expect(refused.map((r) => r.code)).toEqual(['B200', '100']);
    expect(simBatches()).toEqual([groupIdFor(run, M1)]);
    expect(await batchesOfRun(world, run)).toMatchObject([{ state: 'awaiting_approval' }]);
    await finish(run);
  });
});

describe('crash safety', () => {
  it('a worker killed after the creation reached the gateway: the next one queries, and ends as if nothing happened', async () => {
    const run = await builtRun();
    await expect(world.processor({}, crashAfter('payoffCreate')).advance(run)).rejects.toBeInstanceOf(
      WorkerKilled,
    );
    expect(await batchesOfRun(world, run)).toMatchObject([{ state: 'submitting' }]);

    await world.processor().build(run); // a resumed run builds again: nothing changes
    expect(await world.processor().advance(run)).toBe('waiting');
    expect(creates()).toBe(1);
    expect(await batchesOfRun(world, run)).toMatchObject([{ state: 'awaiting_approval' }]);
    await finish(run);
  });

  it('a worker killed after recording `submitting` but before sending: found missing, sent once', async () => {
    const run = await builtRun();
    await world.rows(`UPDATE payout_batches SET state = 'submitting' WHERE run_id = $1`, [run]);

    expect(await world.processor().advance(run)).toBe('waiting');
    expect(world.sim.control.requests().map((r) => r.command)).toEqual([
      'payoffquery', // is it there? no:
      'payoffremittance',
      'payoffquery',
    ]);
    await finish(run);
    expect(creates()).toBe(1);
  });
});

describe('a refused payee account', () => {
  it('becomes an exception; the other items go under the next derived group_id and are paid', async () => {
    const run = await builtRun();
    // A payee account the request rules refuse: the client does not even send it.
    await world.rows(`UPDATE payout_items SET payee_account = '' WHERE party = $1`, [PARTY.storeS2]);

    expect(await world.processor().advance(run)).toBe('waiting');

    const regrouped = groupIdFor(run, M1, 1);
    expect(await batchesOfRun(world, run)).toMatchObject([
      { groupId: regrouped, state: 'awaiting_approval' },
    ]);
    expect((await itemsOfRun(world, run)).map((i) => [i.party, i.state])).toEqual([
      [PARTY.dealerD1, 'awaiting_approval'],
      [PARTY.storeA, 'awaiting_approval'],
      [PARTY.storeS2, 'exception'],
      [PARTY.hqB, 'awaiting_approval'],
    ]);
    // The refused request never left; the query of the first group_id said "no such batch".
    expect(creates()).toBe(1);
    expect(simBatches()).toEqual([regrouped]);
    const [sent] = [...world.sim.state.batches.values()];
    expect(sent?.items.map((i) => i.userId).sort()).toEqual([`payee-${M1}`, 'payee-D1', 'payee-hqB']);

    world.sim.control.approveBatch(regrouped);
    expect(await world.processor().advance(run)).toBe('done');
    expect(await batchesOfRun(world, run)).toMatchObject([{ state: 'completed' }]);
    expect(await owed(world, PARTY.dealerD1)).toBe(0);
    expect(await owed(world, PARTY.storeA)).toBe(0);
    expect(await owed(world, PARTY.storeS2)).toBe(5);
    expect((await world.processor().listExceptions()).map((e) => [e.party, e.amount, e.gatewayCode])).toEqual(
      [[PARTY.storeS2, 5, '100']],
    );
    expect(await trialBalance(world)).toBe(0);
  });

  it('when every item is refused, the batch is rejected and each item waits for an operator', async () => {
    const run = await builtRun();
    await world.rows(`UPDATE payout_items SET payee_account = ''`);

    expect(await world.processor().advance(run)).toBe('done');

    expect(await batchesOfRun(world, run)).toMatchObject([{ state: 'rejected' }]);
    expect(new Set((await itemsOfRun(world, run)).map((i) => i.state))).toEqual(new Set(['exception']));
    expect(creates()).toBe(0);
    // Still owed, still linked to their items: the next run does not pay them until an operator acts.
    const next = await world.newRun('2026-11-21');
    await world.processor().build(next);
    expect(await itemsOfRun(world, next)).toEqual([]);
  });
});
