import { describe, expect, it } from '@jest/globals';
import { SAMPLE_FEE_SCHEDULE } from '@tixclear/db';
import { FeeScheduleBook } from '@tixclear/fee-engine';
import { pointParty } from '../accounts';
import { SettlementRunner } from '../settlement-runner';
import { summarizeRun } from '../summary';
import { writeSyntheticDay } from '../testing/synthetic-day';
import { groupIdFor } from './index';
import { eachTestWorld, M1, owed, PARTY, requestsOf } from './testing/world';

/* The pay-off step inside a settlement run: cleared vouchers → payables → a batch → remitted → posted. */

const world = eachTestWorld();

/** The sample store's own point, as a party of its partner (the clearing names parties so). */
const storeA = pointParty(M1, `store:${M1}`);

describe('a settlement run', () => {
  it('waits for the approver, then completes with every payee paid and the books balanced', async () => {
    await writeSyntheticDay(world.db.dataSource, {
      partnerId: world.partnerIds.A,
      businessDate: '2026-11-20',
      vouchers: 10,
      giftEvery: 5,
    });
    const runner = new SettlementRunner(world.db.dataSource, {
      feeBook: () => Promise.resolve(new FeeScheduleBook([SAMPLE_FEE_SCHEDULE])),
      payoutAccounts: () => Promise.resolve(new Map([[storeA, `payee-${M1}`]])),
      payouts: world.processor(),
      exports: { export: () => Promise.resolve({ directory: '', files: [] }) },
    });

    const first = await runner.run('2026-11-20', '2026-11-20', { payoutPollMs: 0 });
    expect(first).toMatchObject({ status: 'waiting', run: { state: 'paying' } });
    const runId = first === 'busy' ? '' : first.run.id;
    world.sim.control.approveBatch(groupIdFor(runId, M1));
    const second = await runner.run('2026-11-20', '2026-11-20', { payoutPollMs: 0 });
    expect(second).toMatchObject({ status: 'completed' });

    const summary = await summarizeRun(world.db.dataSource, runId);
    expect(summary).toMatchObject({
      vouchersCleared: 10,
      batches: { completed: 1 },
      itemsByStatus: { remitted: 1 },
      trialBalance: 0,
    });
    // Eight paid vouchers: the store is paid sales 5 + reimbursement 35 each; headquarters (7 each) is not paid out.
    const [item] = await world.rows<{ amount: number }>(`SELECT amount::int AS amount FROM payout_items`);
    expect(item?.amount).toBe(8 * 40);
    expect(await owed(world, storeA)).toBe(0);
    expect(await owed(world, PARTY.hqA)).toBe(8 * (7 + 1));
    expect(requestsOf(world.sim, 'payoffremittance')).toBe(1);
  });
});
