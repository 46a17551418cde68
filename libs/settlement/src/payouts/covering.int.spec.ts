import { describe, expect, it } from '@jest/globals';
import { groupIdFor, itemIdFor } from './index';
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
 * The covering remittance (seed 004): an S05 batch's failed (C2001) and rejected (C2002) items are remitted
 * again, and a covering whose answer is lost is resolved by a query before anything is sent again.
 */

const world = eachTestWorld();

/**
 * A run paying M1 only (store:A 40, dealer:D1 35, hq:B 7, store:S2 5), sent and approved with dealer:D1
 * failing (C2001) and store:S2 rejected by the approver (C2002): the batch is S05 at the gateway.
 */
async function partlyRemitted(): Promise<{ run: string; groupId: string; d1: string; s2: string }> {
  const run = await world.newRun('2026-11-20');
  await world.clear(run, [VOUCHER.A, VOUCHER.B]);
  const processor = world.processor();
  await processor.build(run);
  expect(await processor.advance(run)).toBe('waiting');
  const groupId = groupIdFor(run, M1);
  const d1 = itemIdFor(run, M1, PARTY.dealerD1);
  const s2 = itemIdFor(run, M1, PARTY.storeS2);
  world.sim.control.setItemOutcomes(groupId, { [d1]: 'C2001', [s2]: 'C2002' });
  expect(world.sim.control.approveBatch(groupId)).toMatchObject({ code: 'S05' });
  return { run, groupId, d1, s2 };
}

/** Commands in the order the simulator received them, from the first covering on. */
function fromFirstCovering(): string[] {
  const commands = world.sim.control.requests().map((r) => r.command ?? '');
  return commands.slice(commands.indexOf('payoffcoveringremittance'));
}

const payoutEntries = async () =>
  (
    await world.rows<{ reference: string }>(`SELECT reference FROM journal_entries WHERE kind = 'payout'`)
  ).map((e) => e.reference);

describe('covering remittance', () => {
  it('re-remits failed and rejected items once, then the batch completes and every item is posted once', async () => {
    const { run, d1, s2 } = await partlyRemitted();
    expect(await world.processor().advance(run)).toBe('done');

    expect(await batchesOfRun(world, run)).toMatchObject([{ state: 'completed', attempts: 1 }]);
    expect(new Set((await itemsOfRun(world, run)).map((i) => i.state))).toEqual(new Set(['remitted']));
    expect(requestsOf(world.sim, 'payoffcoveringremittance')).toBe(1);
    const covering = world.sim.control.requests().filter((r) => r.command === 'payoffcoveringremittance');
    expect(covering[0]).toMatchObject({ code: 'B200', committed: true });
    const entries = await payoutEntries();
    expect(entries).toHaveLength(4);
    expect(entries).toEqual(expect.arrayContaining([d1, s2]));
    expect(await owed(world, PARTY.dealerD1)).toBe(0);
    expect(await owed(world, PARTY.storeS2)).toBe(0);
    expect(await trialBalance(world)).toBe(0);
  });

  it('posts the items remitted at once while the failed ones wait for their covering', async () => {
    const { run, d1 } = await partlyRemitted();
    // A front end refuses the covering (HTTP 403) after the request was written: it may have been processed,
    // so it counts as an attempt and a query settles it (it did not take effect); the next waits its backoff.
    world.sim.control.addFaults({
      command: 'payoffcoveringremittance',
      fault: 'http_status',
      status: 403,
      times: 1,
    });
    let now = new Date('2026-11-21T02:00:00Z');
    const processor = world.processor({ coveringBackoffMs: 60_000, clock: () => now });
    expect(await processor.advance(run)).toBe('waiting');
    const states = Object.fromEntries((await itemsOfRun(world, run)).map((i) => [i.itemId, i.state]));
    expect(states[itemIdFor(run, M1, PARTY.storeA)]).toBe('remitted');
    expect(states[d1]).not.toBe('remitted');
    expect(await payoutEntries()).toHaveLength(2);
    expect(await owed(world, PARTY.storeA)).toBe(0);
    expect(await owed(world, PARTY.dealerD1)).toBe(35);
    expect(await batchesOfRun(world, run)).toMatchObject([{ state: 'partly_remitted', attempts: 1 }]);
    expect(requestsOf(world.sim, 'payoffcoveringremittance')).toBe(1);
    now = new Date(now.getTime() + 60_000);
    expect(await processor.advance(run)).toBe('done');
    expect(await batchesOfRun(world, run)).toMatchObject([{ state: 'completed', attempts: 2 }]);
    expect(await payoutEntries()).toHaveLength(4);
  });
});

describe('a covering whose answer is lost', () => {
  it('is resolved by a query, never by a second covering call', async () => {
    const { run, groupId } = await partlyRemitted();
    world.sim.control.addFaults({ command: 'payoffcoveringremittance', fault: 'commit_then_drop', times: 1 });

    expect(await world.processor().advance(run)).toBe('done');

    expect(fromFirstCovering()).toEqual(['payoffcoveringremittance', 'payoffquery']);
    expect(requestsOf(world.sim, 'payoffcoveringremittance')).toBe(1);
    expect(world.sim.control.batch(groupId)).toMatchObject({ code: 'S04' });
    expect([...world.sim.state.batches.values()].map((b) => b.coverings)).toEqual([1]);
    expect(await batchesOfRun(world, run)).toMatchObject([{ state: 'completed', attempts: 1 }]);
    expect(await payoutEntries()).toHaveLength(4);
    expect(await trialBalance(world)).toBe(0);
  });

  it('is sent again only after the query showed it never took effect', async () => {
    const { run } = await partlyRemitted();
    // The connection is reset before the gateway applies the covering: the client cannot know that.
    world.sim.control.addFaults({ command: 'payoffcoveringremittance', fault: 'reset', times: 1 });

    expect(await world.processor().advance(run)).toBe('done');

    expect(fromFirstCovering()).toEqual([
      'payoffcoveringremittance',
      'payoffquery',
      'payoffcoveringremittance',
    ]);
    expect([...world.sim.state.batches.values()].map((b) => b.coverings)).toEqual([1]);
    // The lost attempt counts: the bound holds whatever the network does.
    expect(await batchesOfRun(world, run)).toMatchObject([{ state: 'completed', attempts: 2 }]);
    expect(await payoutEntries()).toHaveLength(4);
  });

  it('after a worker died during the call, the next worker queries instead of covering again', async () => {
    const { run, groupId } = await partlyRemitted();
    await expect(world.processor({}, crashAfter('payoffCovering')).advance(run)).rejects.toBeInstanceOf(
      WorkerKilled,
    );
    expect(await batchesOfRun(world, run)).toMatchObject([{ state: 'covering', attempts: 1 }]);

    expect(await world.processor().advance(run)).toBe('done');
    expect(requestsOf(world.sim, 'payoffcoveringremittance')).toBe(1);
    expect(world.sim.control.batch(groupId)).toMatchObject({ code: 'S04' });
    expect(await batchesOfRun(world, run)).toMatchObject([{ state: 'completed', attempts: 1 }]);
    expect(await payoutEntries()).toHaveLength(4);
    expect(await trialBalance(world)).toBe(0);
  });
});
