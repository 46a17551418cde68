import { describe, expect, it } from '@jest/globals';
import {
  batchesOfRun,
  eachTestWorld,
  itemsOfRun,
  M1,
  M2,
  owed,
  PARTY,
  remittedByAccount,
  requestsOf,
  trialBalance,
  VOUCHER,
} from './testing/world';

/*
 * A gateway that refuses a whole creation (outer `100`) because one item's payee account is not one it accepts,
 * without naming the item. Its batch is searched out one revision at a time, each confirmed absent before the
 * next: the refused payee becomes an exception for an operator and every other payee is paid, once.
 */

const world = eachTestWorld();

/** M1's batch of three payees (partner B's voucher): hq:B 7, store:S2 5, store:A 35. */
const PAYEES = { 'payee-hqB': PARTY.hqB, 'payee-S2': PARTY.storeS2, [`payee-${M1}`]: PARTY.storeA };
/** What each is paid: B's headquarters its share 7 and the issuance fee it collects (layer 2), 1. */
const AMOUNT: Record<string, number> = { 'payee-hqB': 7 + 1, 'payee-S2': 5, [`payee-${M1}`]: 35 };

const commands = () => world.sim.control.requests();

/** Advances until nothing moves without the approver, approves what the gateway holds, and finishes. */
async function payOut(run: string): Promise<void> {
  expect(await world.processor().advance(run)).toBe('waiting');
  for (const batch of await batchesOfRun(world, run)) {
    if (batch.state === 'awaiting_approval') world.sim.control.approveBatch(batch.groupId);
  }
  expect(await world.processor().advance(run)).toBe('done');
}

/** Every refused creation is followed by a query of its group_id before anything else is sent. */
function expectEachRefusalQueried(): void {
  const log = commands();
  log.forEach((request, i) => {
    if (request.command === 'payoffremittance' && request.code !== 'B200') {
      expect(log[i + 1]?.command).toBe('payoffquery');
    }
  });
}

describe('a creation refused for one payee account, naming no item', () => {
  it.each(Object.keys(PAYEES))(
    'refusing %s: it becomes an exception with an operator item; the others are paid exactly once',
    async (bad) => {
      const run = await world.newRun('2026-11-20');
      await world.clear(run, [VOUCHER.B]);
      await world.processor().build(run);
      world.sim.control.addFaults({ command: 'payoffremittance', fault: 'refuse', code: '100', userId: bad });

      await payOut(run);

      const paid = Object.fromEntries(
        Object.keys(PAYEES)
          .filter((a) => a !== bad)
          .map((a) => [a, AMOUNT[a]]),
      );
      expect(remittedByAccount(world.sim)).toEqual(paid);
      // The gateway holds one batch, the accepted one, and never an item of the refused payee.
      const held = [...world.sim.state.batches.values()];
      expect(held).toHaveLength(1);
      expect(held[0]?.items.map((i) => i.userId)).not.toContain(bad);
      expectEachRefusalQueried();

      const items = await itemsOfRun(world, run);
      expect(items.map((i) => [i.payee, i.state]).sort()).toEqual(
        Object.keys(PAYEES)
          .map((a) => [a, a === bad ? 'exception' : 'remitted'])
          .sort(),
      );
      const refused = items.find((i) => i.payee === bad);
      const open = await world.rows<{ reference: string }>(
        `SELECT reference FROM operator_items WHERE kind = 'payout_item_refused' AND state = 'open'`,
      );
      expect(open).toEqual([{ reference: refused?.itemId }]);
      expect((await world.processor().listExceptions()).map((e) => [e.payeeAccount, e.amount])).toEqual([
        [bad, AMOUNT[bad]],
      ]);
      for (const [account, party] of Object.entries(PAYEES)) {
        expect(await owed(world, party)).toBe(account === bad ? AMOUNT[bad] : 0);
      }
      expect(await trialBalance(world)).toBe(0);

      // The next run pays nobody again and leaves the refused payee to the operator: nothing to send.
      const creates = requestsOf(world.sim, 'payoffremittance');
      const next = await world.newRun('2026-11-21');
      await world.processor().build(next);
      expect(await world.processor().advance(next)).toBe('done');
      expect(await itemsOfRun(world, next)).toEqual([]);
      expect(requestsOf(world.sim, 'payoffremittance')).toBe(creates);
      expect(remittedByAccount(world.sim)).toEqual(paid);

      // The operator settles it outside: the gateway is asked first (the accepted batch does not hold it).
      const outcome = await world.processor().settleExceptionOutside(refused?.itemId ?? '', 'bank transfer');
      expect(outcome.state).toBe('settled_outside');
      expect(await world.rows(`SELECT 1 FROM operator_items WHERE state = 'open'`)).toEqual([]);
      expect(await owed(world, PAYEES[bad] ?? '')).toBe(0);
      expect(await trialBalance(world)).toBe(0);
    },
  );

  it('every payee refused (each lone item too): all become exceptions, the batch is rejected, nothing is freed', async () => {
    const run = await world.newRun('2026-11-20');
    await world.clear(run, [VOUCHER.C]); // M2: hq:C 7, store:S3 40
    await world.processor().build(run);
    world.sim.control.addFaults([
      { command: 'payoffremittance', fault: 'refuse', code: '100', userId: 'payee-hqC' },
      { command: 'payoffremittance', fault: 'refuse', code: '100', userId: 'payee-S3' },
    ]);

    expect(await world.processor().advance(run)).toBe('done');

    expect(await batchesOfRun(world, run)).toMatchObject([{ merchant: M2, state: 'rejected' }]);
    expect((await itemsOfRun(world, run)).map((i) => i.state)).toEqual(['exception', 'exception']);
    // The whole batch, then each payee alone: three creations, each refused and confirmed absent.
    expect(requestsOf(world.sim, 'payoffremittance')).toBe(3);
    expect(world.sim.state.batches.size).toBe(0);
    expectEachRefusalQueried();
    const open = await world.rows(`SELECT 1 FROM operator_items WHERE kind = 'payout_item_refused'`);
    expect(open).toHaveLength(2);

    const next = await world.newRun('2026-11-21');
    await world.processor().build(next);
    expect(await itemsOfRun(world, next)).toEqual([]);
    expect(await owed(world, PARTY.storeS3)).toBe(40);
    expect(await trialBalance(world)).toBe(0);
  });
});
