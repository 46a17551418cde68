import { describe, expect, it } from '@jest/globals';
import { groupIdFor, itemIdFor, retryParkedBatch } from './index';
import {
  batchesOfRun,
  eachTestWorld,
  M1,
  PARTY,
  remittedByAccount,
  requestsOf,
  trialBalance,
  VOUCHER,
} from './testing/world';

/*
 * Only the gateway's explicit "no such batch" means a batch never arrived. A query refused otherwise (here
 * B500, as a gateway in trouble answers) parks the batch for an operator: it is never resent, rejected or
 * freed by itself, so its payees cannot be paid a second time by a later run.
 */

const world = eachTestWorld();

const openParkedItems = (groupId: string) =>
  world.rows<{ details: { code: string; parkedFrom: string } }>(
    `SELECT details FROM operator_items WHERE kind = 'payout_batch_parked' AND reference = $1 AND state = 'open'`,
    [groupId],
  );

describe('a lost creation answer, then queries the gateway refuses', () => {
  it('parks the batch with an operator item; no payee is paid twice across two runs', async () => {
    const run = await world.newRun('2026-11-20');
    await world.clear(run, [VOUCHER.A, VOUCHER.B]);
    await world.processor().build(run);
    const group = groupIdFor(run, M1);
    // The batch is created but its answer is lost; the next two queries are refused without "not found".
    world.sim.control.addFaults([
      { command: 'payoffremittance', fault: 'commit_then_drop', times: 1 },
      { command: 'payoffquery', fault: 'refuse', code: 'B500', times: 2 },
    ]);

    expect(await world.processor().advance(run)).toBe('waiting');
    expect(await batchesOfRun(world, run)).toMatchObject([{ groupId: group, state: 'parked' }]);
    expect(await openParkedItems(group)).toMatchObject([
      { details: { code: 'B500', parkedFrom: 'submit_unknown' } },
    ]);
    // Parked means left alone: another pass asks and sends nothing, and nothing is freed.
    const requests = world.sim.control.requests().length;
    expect(await world.processor().advance(run)).toBe('waiting');
    expect(world.sim.control.requests()).toHaveLength(requests);
    expect(await world.rows(`SELECT id FROM payables WHERE item_id IS NULL`)).toEqual([]);

    // The operator retries; the query is refused again: parked again, one open item still.
    await retryParkedBatch(world.db.dataSource, group, { by: 'ops' });
    expect(await world.processor().advance(run)).toBe('waiting');
    expect(await batchesOfRun(world, run)).toMatchObject([{ state: 'parked' }]);
    expect(await openParkedItems(group)).toHaveLength(1);

    // Retried once the gateway answers: the batch it holds is adopted, approved and remitted.
    await retryParkedBatch(world.db.dataSource, group, { by: 'ops' });
    world.sim.control.approveBatch(group);
    expect(await world.processor().advance(run)).toBe('done');
    expect(await batchesOfRun(world, run)).toMatchObject([{ state: 'completed' }]);
    expect(await openParkedItems(group)).toEqual([]);

    const next = await world.newRun('2026-11-21');
    await world.clear(next, [VOUCHER.A, VOUCHER.B]);
    await world.processor().build(next);
    expect(await world.processor().advance(next)).toBe('waiting');
    world.sim.control.approveBatch(groupIdFor(next, M1));
    expect(await world.processor().advance(next)).toBe('done');

    // Two runs' worth, once each: store A 5 + 35, D1 35, B's headquarters 7 + its issuance fee 1, S2 5 a run.
    expect(remittedByAccount(world.sim)).toEqual({
      [`payee-${M1}`]: 80,
      'payee-D1': 70,
      'payee-hqB': 16,
      'payee-S2': 10,
    });
    expect(requestsOf(world.sim, 'payoffremittance')).toBe(2);
    expect(await world.rows(`SELECT id FROM payables WHERE paid_by_item_id IS NULL`)).toEqual([]);
    expect(await trialBalance(world)).toBe(0);
  });

  it('a resend refused as a duplicate, then a refused query: parked, not rejected', async () => {
    const run = await world.newRun('2026-11-20');
    await world.clear(run, [VOUCHER.A]);
    await world.processor().build(run);
    const group = groupIdFor(run, M1);
    // Our first request reached the gateway (answer lost) and a first query said, explicitly, "no such
    // batch" (it was still on its way): the resend is then refused as a duplicate, and the query after it too.
    world.sim.control.addFaults([
      { command: 'payoffremittance', fault: 'commit_then_drop', times: 1 },
      { command: 'payoffquery', fault: 'refuse', code: 'B404', times: 1 },
      { command: 'payoffquery', fault: 'refuse', code: '100', times: 1 },
    ]);

    expect(await world.processor().advance(run)).toBe('waiting');

    expect(world.sim.control.requests().map((r) => [r.command, r.code])).toEqual([
      ['payoffremittance', 'B200'],
      ['payoffquery', 'B404'],
      ['payoffremittance', '100'],
      ['payoffquery', '100'],
    ]);
    expect(await batchesOfRun(world, run)).toMatchObject([{ state: 'parked' }]);
    expect(await openParkedItems(group)).toMatchObject([
      { details: { code: '100', parkedFrom: 'submitting' } },
    ]);
    expect(await world.rows(`SELECT id FROM payables WHERE item_id IS NULL`)).toEqual([]);
    expect(await world.rows(`SELECT state FROM payout_items WHERE state <> 'pending'`)).toEqual([]);
  });
});

describe('a lost creation answer, then a query answered by a failing front end', () => {
  it('waits and asks again (an unreadable page says nothing): not parked, created once', async () => {
    const run = await world.newRun('2026-11-20');
    await world.clear(run, [VOUCHER.A]);
    await world.processor().build(run);
    world.sim.control.addFaults([
      { command: 'payoffremittance', fault: 'commit_then_drop', times: 1 },
      { command: 'payoffquery', fault: 'garbage', times: 1 },
    ]);

    expect(await world.processor().advance(run)).toBe('waiting');
    expect(await batchesOfRun(world, run)).toMatchObject([{ state: 'submit_unknown' }]);
    expect(await world.processor().advance(run)).toBe('waiting');
    expect(await batchesOfRun(world, run)).toMatchObject([{ state: 'awaiting_approval' }]);
    expect(await openParkedItems(groupIdFor(run, M1))).toEqual([]);
    expect(requestsOf(world.sim, 'payoffremittance')).toBe(1);
  });
});

describe('a lost covering answer, then a query the gateway refuses', () => {
  it('parks the batch; no second covering goes until an operator retries and the query settles it', async () => {
    const run = await world.newRun('2026-11-20');
    await world.clear(run, [VOUCHER.A]);
    const processor = world.processor();
    await processor.build(run);
    expect(await processor.advance(run)).toBe('waiting');
    const group = groupIdFor(run, M1);
    const d1 = itemIdFor(run, M1, PARTY.dealerD1);
    world.sim.control.setItemOutcomes(group, { [d1]: 'C2001' });
    expect(world.sim.control.approveBatch(group)).toMatchObject({ code: 'S05' });
    world.sim.control.addFaults({ command: 'payoffcoveringremittance', fault: 'commit_then_drop', times: 1 });
    // The covering's answer is lost, and the gateway then refuses the query that would settle it.
    const refusingAfterCovering = world.processor({}, (client) => ({
      payoffCreate: (...args) => client.payoffCreate(...args),
      payoffQuery: (...args) => client.payoffQuery(...args),
      resolvePayoffCreate: (...args) => client.resolvePayoffCreate(...args),
      resolvePayoffCovering: (...args) => client.resolvePayoffCovering(...args),
      payoffCovering: (...args) => {
        world.sim.control.addFaults({ command: 'payoffquery', fault: 'refuse', code: 'B500', times: 1 });
        return client.payoffCovering(...args);
      },
    }));

    expect(await refusingAfterCovering.advance(run)).toBe('waiting');
    expect(await batchesOfRun(world, run)).toMatchObject([{ state: 'parked', attempts: 1 }]);
    expect(await openParkedItems(group)).toMatchObject([{ details: { parkedFrom: 'covering_unknown' } }]);
    expect(await processor.advance(run)).toBe('waiting');
    expect(requestsOf(world.sim, 'payoffcoveringremittance')).toBe(1);

    expect(await retryParkedBatch(world.db.dataSource, group, { by: 'ops' })).toEqual({
      groupId: group,
      state: 'covering_unknown',
    });
    expect(await processor.advance(run)).toBe('done');
    expect(requestsOf(world.sim, 'payoffcoveringremittance')).toBe(1);
    expect(await batchesOfRun(world, run)).toMatchObject([{ state: 'completed', attempts: 1 }]);
    expect(remittedByAccount(world.sim)).toEqual({ [`payee-${M1}`]: 5, 'payee-D1': 35 });
    expect(await trialBalance(world)).toBe(0);
  });
});

describe('the operator command', () => {
  it('refuses a batch that is not parked, or unknown', async () => {
    const run = await world.newRun('2026-11-20');
    await world.clear(run, [VOUCHER.A]);
    await world.processor().build(run);
    await expect(
      retryParkedBatch(world.db.dataSource, groupIdFor(run, M1), { by: 'ops' }),
    ).rejects.toMatchObject({ code: 'PAYOUT_BATCH_NOT_PARKED', field: 'groupId' });
    await expect(retryParkedBatch(world.db.dataSource, 'PBnone', { by: 'ops' })).rejects.toMatchObject({
      code: 'PAYOUT_BATCH_NOT_FOUND',
    });
  });
});
