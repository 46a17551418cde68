import { describe, expect, it } from '@jest/globals';
import { groupIdFor, itemIdFor, PayoutErrorCode } from './index';
import {
  ACCOUNT,
  batchesOfRun,
  eachTestWorld,
  itemsOfRun,
  M1,
  M2,
  owed,
  PARTY,
  requestsOf,
  trialBalance,
  VOUCHER,
} from './testing/world';

/* Building a run's pay-off, and a batch that goes through without trouble: S01 → approval → S04. */

const world = eachTestWorld();

/** Run 2026-11-20: two vouchers of A, one of B, one of C, and one whose sales share is zero. */
async function clearedRun(): Promise<string> {
  const run = await world.newRun('2026-11-20');
  await world.clear(run, [
    VOUCHER.A,
    VOUCHER.A,
    VOUCHER.B,
    VOUCHER.C,
    { ...VOUCHER.A, hq: 0, sales: 0, reimbursement: 40, salesParty: 'store:ZERO' },
  ]);
  return run;
}

async function snapshot(run: string) {
  return {
    payables: await world.rows(
      `SELECT id, paying_merchant, party, role, amount::int, item_id, paid_by_item_id FROM payables
        WHERE run_id = $1 ORDER BY party, role`,
      [run],
    ),
    batches: await world.rows(
      `SELECT id, group_id, state FROM payout_batches WHERE run_id = $1 ORDER BY id`,
      [run],
    ),
    items: await world.rows(
      `SELECT i.id, i.item_id, i.party, i.payee_account, i.amount::int, i.state FROM payout_items i
         JOIN payout_batches b ON b.id = i.batch_id WHERE b.run_id = $1 ORDER BY i.id`,
      [run],
    ),
  };
}

describe('build', () => {
  it('owes each party per paying merchant and role, leaves zeros and unpaid headquarters out', async () => {
    const run = await clearedRun();
    await world.processor().build(run);

    const payables = await world.rows<{ merchant: string; party: string; role: string; amount: number }>(
      `SELECT paying_merchant AS merchant, party, role, amount::int AS amount FROM payables
        WHERE run_id = $1 ORDER BY merchant, party, role`,
      [run],
    );
    expect(payables).toEqual([
      { merchant: M1, party: PARTY.dealerD1, role: 'reimbursement', amount: 110 },
      { merchant: M1, party: PARTY.storeA, role: 'reimbursement', amount: 35 },
      { merchant: M1, party: PARTY.storeA, role: 'sales', amount: 10 },
      { merchant: M1, party: PARTY.storeS2, role: 'sales', amount: 5 },
      { merchant: M1, party: PARTY.hqB, role: 'headquarters', amount: 7 },
      // The schedule's issuance fee (1, layer 2) is owed to the partner's headquarters, its collector.
      { merchant: M1, party: PARTY.hqB, role: 'issuance_l2', amount: 1 },
      { merchant: M2, party: PARTY.storeS3, role: 'reimbursement', amount: 35 },
      { merchant: M2, party: PARTY.storeS3, role: 'sales', amount: 5 },
      { merchant: M2, party: PARTY.hqC, role: 'headquarters', amount: 7 },
      { merchant: M2, party: PARTY.hqC, role: 'issuance_l2', amount: 1 },
    ]);
    // Headquarters of A has no payout account: its 14 and the issuance fees it collects (1 for each of its
    // three vouchers) stay on its ledger and fee account, with no payable row.
    expect(await owed(world, PARTY.hqA)).toBe(14 + 3);
  });

  it('makes one batch per paying merchant and one item per payee, with derived ids', async () => {
    const run = await clearedRun();
    await world.processor().build(run);

    const batches = await batchesOfRun(world, run);
    expect(batches).toEqual([
      { groupId: groupIdFor(run, M1), merchant: M1, state: 'draft', attempts: 0 },
      { groupId: groupIdFor(run, M2), merchant: M2, state: 'draft', attempts: 0 },
    ]);
    const items = await itemsOfRun(world, run);
    expect(items.map(({ party, payee, amount, state }) => ({ party, payee, amount, state }))).toEqual([
      { party: PARTY.dealerD1, payee: ACCOUNT[PARTY.dealerD1], amount: 110, state: 'pending' },
      { party: PARTY.storeA, payee: ACCOUNT[PARTY.storeA], amount: 45, state: 'pending' },
      { party: PARTY.storeS2, payee: ACCOUNT[PARTY.storeS2], amount: 5, state: 'pending' },
      { party: PARTY.hqB, payee: ACCOUNT[PARTY.hqB], amount: 7 + 1, state: 'pending' },
      { party: PARTY.storeS3, payee: ACCOUNT[PARTY.storeS3], amount: 40, state: 'pending' },
      { party: PARTY.hqC, payee: ACCOUNT[PARTY.hqC], amount: 7 + 1, state: 'pending' },
    ]);
    for (const item of items) {
      const merchant = item.groupId === groupIdFor(run, M1) ? M1 : M2;
      expect(item.itemId).toBe(itemIdFor(run, merchant, item.party));
    }
    for (const id of [...batches.map((b) => b.groupId), ...items.map((i) => i.itemId)]) {
      expect(id).toMatch(/^[A-Za-z0-9]{1,50}$/);
    }
    // Every payable is linked to the item of its party.
    const unlinked = await world.rows(
      `SELECT p.id FROM payables p LEFT JOIN payout_items i ON i.id = p.item_id
        WHERE p.run_id = $1 AND (i.id IS NULL OR i.party <> p.party)`,
      [run],
    );
    expect(unlinked).toEqual([]);
  });

  it('is idempotent: building again (a rerun after a crash) gives the same rows', async () => {
    const run = await clearedRun();
    await world.processor().build(run);
    const first = await snapshot(run);
    await world.processor().build(run);
    await Promise.all([world.processor().build(run), world.processor().build(run)]);
    expect(await snapshot(run)).toEqual(first);
  });
});

describe('a batch without trouble', () => {
  it('is sent once, approved, remitted, and each item posted exactly once', async () => {
    const run = await clearedRun();
    const processor = world.processor();
    await processor.build(run);

    expect(await processor.advance(run)).toBe('waiting');
    expect((await batchesOfRun(world, run)).map((b) => b.state)).toEqual([
      'awaiting_approval',
      'awaiting_approval',
    ]);
    expect(new Set((await itemsOfRun(world, run)).map((i) => i.state))).toEqual(
      new Set(['awaiting_approval']),
    );
    // Still waiting for the approver: nothing moves, nothing is sent again.
    expect(await processor.advance(run)).toBe('waiting');

    world.sim.control.approveBatch(groupIdFor(run, M1));
    world.sim.control.approveBatch(groupIdFor(run, M2), { storeUid: M2 });
    expect(await processor.advance(run)).toBe('done');
    expect(await processor.advance(run)).toBe('done');

    expect((await batchesOfRun(world, run)).map((b) => b.state)).toEqual(['completed', 'completed']);
    const items = await itemsOfRun(world, run);
    expect(new Set(items.map((i) => i.state))).toEqual(new Set(['remitted']));
    expect(requestsOf(world.sim, 'payoffremittance')).toBe(2);

    const entries = await world.rows<{ reference: string; lines: number; balance: number; credit: number }>(
      `SELECT e.reference, count(*)::int AS lines, sum(l.amount)::int AS balance,
              sum(l.amount) FILTER (WHERE l.account = 'gateway_receivable')::int AS credit
         FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id
        WHERE e.kind = 'payout' GROUP BY e.reference ORDER BY e.reference`,
    );
    expect(entries.map((e) => e.reference)).toEqual(items.map((i) => i.itemId).sort());
    for (const entry of entries) {
      const item = items.find((i) => i.itemId === entry.reference);
      expect(entry).toMatchObject({ balance: 0, credit: -(item?.amount ?? 0) });
    }
    // store:A is owed in two roles: one entry, one debit per role.
    expect(entries.find((e) => e.reference === itemIdFor(run, M1, PARTY.storeA))?.lines).toBe(3);

    expect(await trialBalance(world)).toBe(0);
    for (const party of [PARTY.storeA, PARTY.dealerD1, PARTY.hqB, PARTY.storeS2, PARTY.hqC, PARTY.storeS3]) {
      expect(await owed(world, party)).toBe(0);
    }
    expect(await owed(world, PARTY.hqA)).toBe(14 + 3);
    const unpaid = await world.rows(
      `SELECT id FROM payables WHERE paid_by_item_id IS NULL OR paid_by_item_id <> item_id`,
    );
    expect(unpaid).toEqual([]);
    const { receivable } = await world.one<{ receivable: number }>(
      `SELECT sum(amount)::int AS receivable FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
        WHERE e.kind = 'payout' AND l.account = 'gateway_receivable'`,
    );
    expect(receivable).toBe(-(110 + 8 + 45 + 5 + 8 + 40));
  });

  it('one merchant without credentials does not hold back the other merchant’s batch', async () => {
    const run = await clearedRun();
    const processor = world.processor();
    await processor.build(run);
    // Nobody speaks for M2 any more: its batch cannot be sent (and stays a draft: nothing left).
    await world.rows(`UPDATE partners SET upstream_uid = 'GONE' WHERE upstream_uid = $1`, [M2]);

    await expect(processor.advance(run)).rejects.toMatchObject({
      code: PayoutErrorCode.NoMerchantCredentials,
    });
    expect((await batchesOfRun(world, run)).map((b) => [b.merchant, b.state])).toEqual([
      [M1, 'awaiting_approval'],
      [M2, 'draft'],
    ]);
    expect(requestsOf(world.sim, 'payoffremittance')).toBe(1);
  });

  it('a run with nothing to pay is done at once', async () => {
    const run = await world.newRun('2026-11-21');
    const processor = world.processor();
    await processor.build(run);
    expect(await batchesOfRun(world, run)).toEqual([]);
    expect(await processor.advance(run)).toBe('done');
  });
});
