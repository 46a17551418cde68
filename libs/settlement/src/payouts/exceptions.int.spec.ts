import { beforeEach, describe, expect, it } from '@jest/globals';
import { KeyRing } from '@tixclear/crypto';
import { SAMPLE_PARTNER } from '@tixclear/db';
import { GatewayClient } from '@tixclear/gateway-client';
import { groupIdFor, itemIdFor, listExceptions, PayoutErrorCode } from './index';
import {
  batchesOfRun,
  eachTestWorld,
  itemsOfRun,
  M1,
  owed,
  PARTY,
  requestsOf,
  trialBalance,
  VOUCHER,
} from './testing/world';

/*
 * Items that keep failing: bounded covering attempts with exponential backoff, then `exception`, and the
 * operator's two ways out (re-include in a later run's batch, or settle outside the gateway).
 */

const world = eachTestWorld();
let now: Date;
const clock = () => now;
const at = (ms: number) => new Date(Date.parse('2026-11-21T02:00:00Z') + ms);

beforeEach(() => {
  now = at(0);
});

const processorOf = (maxCoveringAttempts = 3) =>
  world.processor({ clock, coveringBackoffMs: 1_000, maxCoveringAttempts });

/** A run paying M1 whose dealer:D1 item fails at remittance, and keeps failing whenever it is covered. */
async function failingRun(date: string, maxCoveringAttempts = 3): Promise<{ run: string; d1: string }> {
  const run = await world.newRun(date);
  await world.clear(run, [VOUCHER.A]);
  const processor = processorOf(maxCoveringAttempts);
  await processor.build(run);
  expect(await processor.advance(run)).toBe('waiting');
  const d1 = itemIdFor(run, M1, PARTY.dealerD1);
  world.sim.control.setItemOutcomes(groupIdFor(run, M1), { [d1]: 'C2001' });
  expect(world.sim.control.approveBatch(groupIdFor(run, M1))).toMatchObject({ code: 'S05' });
  // Only covered items are remitted from here on, and every one of them fails.
  world.sim.control.setPayoffItemRates({ C2001: 1 });
  return { run, d1 };
}

const coverings = () => requestsOf(world.sim, 'payoffcoveringremittance');

describe('an item that keeps failing', () => {
  it('is covered a bounded number of times, with exponential backoff, then becomes an exception', async () => {
    const { run, d1 } = await failingRun('2026-11-20');
    const processor = processorOf();

    expect(await processor.advance(run)).toBe('waiting'); // attempt 1 at once
    expect(coverings()).toBe(1);
    now = at(999);
    expect(await processor.advance(run)).toBe('waiting'); // backoff 1 s not over
    expect(coverings()).toBe(1);
    now = at(1_000);
    expect(await processor.advance(run)).toBe('waiting'); // attempt 2
    expect(coverings()).toBe(2);
    expect(await batchesOfRun(world, run)).toMatchObject([{ state: 'partly_remitted', attempts: 2 }]);
    now = at(2_999);
    // A restart keeps the count and the schedule: they are in the database.
    expect(await processorOf().advance(run)).toBe('waiting');
    expect(coverings()).toBe(2);
    now = at(3_000);
    expect(await processorOf().advance(run)).toBe('done'); // attempt 3, the last: exception, batch closed
    expect(coverings()).toBe(3);
    now = at(60_000);
    expect(await processor.advance(run)).toBe('done');
    expect(coverings()).toBe(3);

    expect(await batchesOfRun(world, run)).toEqual([
      expect.objectContaining({ state: 'closed', attempts: 3 }),
    ]);
    const states = Object.fromEntries((await itemsOfRun(world, run)).map((i) => [i.party, i.state]));
    expect(states).toEqual({ [PARTY.dealerD1]: 'exception', [PARTY.storeA]: 'remitted' });
    expect(await listExceptions(world.db.dataSource)).toEqual([
      expect.objectContaining({
        itemId: d1,
        party: PARTY.dealerD1,
        payeeAccount: 'payee-D1',
        amount: 35,
        gatewayCode: 'C2001',
        groupId: groupIdFor(run, M1),
        runId: run,
        payingMerchant: M1,
      }),
    ]);
    expect(await owed(world, PARTY.dealerD1)).toBe(35);
    expect(await owed(world, PARTY.storeA)).toBe(0);
    expect(await trialBalance(world)).toBe(0);
  });

  it('re-included, is paid in the next run’s batch together with what that run owes, and never twice', async () => {
    const { run, d1 } = await failingRun('2026-11-20');
    const processor = processorOf();
    for (const ms of [0, 1_000, 3_000]) {
      now = at(ms);
      await processor.advance(run);
    }
    expect((await listExceptions(world.db.dataSource)).map((e) => e.itemId)).toEqual([d1]);

    await expect(processor.reincludeException(itemIdFor(run, M1, PARTY.storeA))).rejects.toMatchObject({
      code: PayoutErrorCode.ItemNotException,
    });
    expect(await processor.reincludeException(d1)).toEqual({
      itemId: d1,
      party: PARTY.dealerD1,
      amount: 35,
      state: 'reincluded',
    });
    await expect(processor.reincludeException(d1)).rejects.toMatchObject({
      code: PayoutErrorCode.ItemNotException,
    });
    await expect(processor.settleExceptionOutside(d1, 'paid by hand')).rejects.toMatchObject({
      code: PayoutErrorCode.ItemNotException,
    });
    expect(await listExceptions(world.db.dataSource)).toEqual([]);

    // The next run: the bank account is fixed, D1 is owed 35 more.
    world.sim.control.setPayoffItemRates({ C2001: 0 });
    const next = await world.newRun('2026-11-21');
    await world.clear(next, [VOUCHER.A]);
    await processor.build(next);
    const d1Next = itemIdFor(next, M1, PARTY.dealerD1);
    expect((await itemsOfRun(world, next)).find((i) => i.party === PARTY.dealerD1)).toMatchObject({
      itemId: d1Next,
      amount: 70,
    });
    expect(await processor.advance(next)).toBe('waiting');
    world.sim.control.approveBatch(groupIdFor(next, M1));
    expect(await processor.advance(next)).toBe('done');

    const payables = await world.rows<{ run_id: string; paid_by: string }>(
      `SELECT p.run_id, i.item_id AS paid_by FROM payables p JOIN payout_items i ON i.id = p.paid_by_item_id
        WHERE p.party = $1 ORDER BY p.run_id = $2 DESC`,
      [PARTY.dealerD1, run],
    );
    expect(payables).toEqual([
      { run_id: run, paid_by: d1Next },
      { run_id: next, paid_by: d1Next },
    ]);
    const entries = await world.rows<{ reference: string }>(
      `SELECT e.reference FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id
        WHERE e.kind = 'payout' AND l.party = $1`,
      [PARTY.dealerD1],
    );
    expect(entries).toEqual([{ reference: d1Next }]);
    expect(await owed(world, PARTY.dealerD1)).toBe(0);
    expect(await trialBalance(world)).toBe(0);

    // A third run owes D1 nothing: nothing of it is paid again.
    const third = await world.newRun('2026-11-22');
    await world.clear(third, [VOUCHER.B]);
    await processor.build(third);
    expect((await itemsOfRun(world, third)).map((i) => i.party)).not.toContain(PARTY.dealerD1);
  });

  it('settled outside the gateway, is posted against paid_outside and never batched again', async () => {
    const { run, d1 } = await failingRun('2026-11-20', 1);
    const processor = processorOf(1);
    expect(await processor.advance(run)).toBe('done');
    expect(await batchesOfRun(world, run)).toMatchObject([{ state: 'closed', attempts: 1 }]);

    await expect(processor.settleExceptionOutside(d1, '  ')).rejects.toMatchObject({
      code: PayoutErrorCode.NoteRequired,
      field: 'note',
    });
    await expect(processor.settleExceptionOutside('PInosuchitem', 'cash')).rejects.toMatchObject({
      code: PayoutErrorCode.ItemNotFound,
    });
    expect(await processor.settleExceptionOutside(d1, 'bank transfer 2026-11-22 ref 991')).toEqual({
      itemId: d1,
      party: PARTY.dealerD1,
      amount: 35,
      state: 'settled_outside',
    });
    await expect(processor.settleExceptionOutside(d1, 'again')).rejects.toMatchObject({
      code: PayoutErrorCode.ItemNotException,
    });
    await expect(processor.reincludeException(d1)).rejects.toMatchObject({
      code: PayoutErrorCode.ItemNotException,
    });

    const lines = await world.rows<{ account: string; party: string | null; amount: number }>(
      `SELECT l.account, l.party, l.amount::int AS amount FROM journal_entries e
         JOIN journal_lines l ON l.entry_id = e.id
        WHERE e.kind = 'settled_outside' AND e.reference = $1 ORDER BY l.amount DESC`,
      [d1],
    );
    expect(lines).toEqual([
      { account: 'payable_reimbursement', party: PARTY.dealerD1, amount: 35 },
      { account: 'paid_outside', party: null, amount: -35 },
    ]);
    expect(await owed(world, PARTY.dealerD1)).toBe(0);
    expect(await trialBalance(world)).toBe(0);
    expect(
      await world.rows(`SELECT id FROM payables WHERE party = $1 AND paid_by_item_id IS NULL`, [
        PARTY.dealerD1,
      ]),
    ).toEqual([]);

    world.sim.control.setPayoffItemRates({ C2001: 0 });
    const next = await world.newRun('2026-11-21');
    await world.clear(next, [VOUCHER.B]);
    await processor.build(next);
    expect((await itemsOfRun(world, next)).map((i) => i.party)).not.toContain(PARTY.dealerD1);
  });
});

describe('an exception the gateway remitted after all', () => {
  /** Someone re-remits the item at the gateway itself (its portal), outside our engine, and it succeeds. */
  async function remitAtTheGateway(run: string, itemId: string): Promise<void> {
    world.sim.control.setPayoffItemRates({ C2001: 0 });
    const portal = new GatewayClient({
      baseUrl: world.sim.baseUrl,
      merchant: {
        mode: 'store',
        uid: M1,
        keyRing: new KeyRing([
          { id: 'k', secret: SAMPLE_PARTNER.key, validFrom: new Date(0), validUntil: new Date('2100-01-01') },
        ]),
      },
    });
    const covered = await portal.payoffCovering({
      store_uid: M1,
      group_id: groupIdFor(run, M1),
      items: [{ id: itemId }],
    });
    expect(covered.content?.items.find((i) => i.id === itemId)?.code).toBe('C1001');
  }

  it('is posted as remitted when an operator re-includes it, and the next run does not pay it again', async () => {
    const { run, d1 } = await failingRun('2026-11-20', 1);
    const processor = processorOf(1);
    expect(await processor.advance(run)).toBe('done');
    await remitAtTheGateway(run, d1);

    expect(await processor.reincludeException(d1)).toEqual({
      itemId: d1,
      party: PARTY.dealerD1,
      amount: 35,
      state: 'remitted',
    });
    expect((await itemsOfRun(world, run)).find((i) => i.itemId === d1)?.state).toBe('remitted');
    expect(await owed(world, PARTY.dealerD1)).toBe(0);
    expect(await trialBalance(world)).toBe(0);
    expect(await world.rows(`SELECT id FROM payables WHERE paid_by_item_id IS NULL`)).toEqual([]);
    expect(
      await world.rows(`SELECT reference FROM journal_entries WHERE kind = 'payout' AND reference = $1`, [
        d1,
      ]),
    ).toEqual([{ reference: d1 }]);

    const next = await world.newRun('2026-11-21');
    await world.clear(next, [VOUCHER.B]);
    await processor.build(next);
    expect((await itemsOfRun(world, next)).map((i) => i.party)).not.toContain(PARTY.dealerD1);
  });

  it('is posted as remitted, not settled outside, when an operator settles it', async () => {
    const { run, d1 } = await failingRun('2026-11-20', 1);
    const processor = processorOf(1);
    expect(await processor.advance(run)).toBe('done');
    await remitAtTheGateway(run, d1);

    expect(await processor.settleExceptionOutside(d1, 'bank transfer')).toMatchObject({ state: 'remitted' });
    expect(await world.rows(`SELECT id FROM journal_entries WHERE kind = 'settled_outside'`)).toEqual([]);
    expect(await owed(world, PARTY.dealerD1)).toBe(0);
    expect(await trialBalance(world)).toBe(0);
  });

  it('is left alone while the gateway cannot say', async () => {
    const { run, d1 } = await failingRun('2026-11-20', 1);
    const processor = processorOf(1);
    expect(await processor.advance(run)).toBe('done');
    world.sim.control.addFaults({ command: 'payoffquery', fault: 'refuse', code: 'B500', times: 1 });

    await expect(processor.reincludeException(d1)).rejects.toMatchObject({
      code: PayoutErrorCode.GatewayUnsure,
    });
    expect((await listExceptions(world.db.dataSource)).map((e) => e.itemId)).toEqual([d1]);
    expect(await processor.reincludeException(d1)).toMatchObject({ state: 'reincluded' });
  });
});
