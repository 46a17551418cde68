import { describe, expect, it } from '@jest/globals';
import { SAMPLE_FEE_SCHEDULE } from '@tixclear/db';
import { FeeScheduleBook } from '@tixclear/fee-engine';
import { pointParty } from '../accounts';
import { loadPayoutAccounts } from '../loaders';
import { SettlementRunner } from '../settlement-runner';
import { writeSyntheticDay } from '../testing/synthetic-day';
import { groupIdFor } from './index';
import {
  B_UID,
  batchesOfRun,
  eachTestWorld,
  itemsOfRun,
  M1,
  M2,
  remittedByAccount,
  trialBalance,
  VOUCHER,
} from './testing/world';

/*
 * Parties belong to a partner: a point is (partner, kind, reference), so two partners' points of one number
 * are two payees, each paid to the account its own partner registered. And one party owed through two
 * merchants in a run is paid by each, rather than stopping the night's build.
 */

const world = eachTestWorld();

describe('two partners with a redemption point of the same number', () => {
  it('are two payees: each is cleared to its own party and paid to its own account', async () => {
    // Partners A and B (both paying through M1) each run their own counter number 7.
    await world.registry.setPoint(M1, {
      kind: 'dealer',
      pointRef: '7',
      name: 'A 7',
      payoutAccount: 'payee-A7',
    });
    await world.registry.setPoint(B_UID, {
      kind: 'dealer',
      pointRef: '7',
      name: 'B 7',
      payoutAccount: 'payee-B7',
    });
    await world.registry.setPoint(B_UID, {
      kind: 'store',
      pointRef: B_UID,
      name: 'B online',
      payoutAccount: 'payee-B',
    });
    for (const [partnerId, vouchers, prefix] of [
      [world.partnerIds.A, 2, 'PA'],
      [world.partnerIds.B, 3, 'PB'],
    ] as const) {
      await writeSyntheticDay(world.db.dataSource, {
        partnerId,
        businessDate: '2026-11-20',
        vouchers,
        prefix,
      });
    }
    await world.rows(`UPDATE redemption_lines SET redemption_point = 'dealer:7'`);
    const runner = new SettlementRunner(world.db.dataSource, {
      feeBook: () => Promise.resolve(new FeeScheduleBook([SAMPLE_FEE_SCHEDULE])),
      payoutAccounts: () => loadPayoutAccounts(world.db.dataSource),
      payouts: world.processor(),
      exports: { export: () => Promise.resolve({ directory: '', files: [] }) },
    });

    const first = await runner.run('2026-11-20', '2026-11-20', { payoutPollMs: 0 });
    expect(first).toMatchObject({ status: 'waiting' });
    const run = first === 'busy' ? '' : first.run.id;
    world.sim.control.approveBatch(groupIdFor(run, M1));
    expect(await runner.run('2026-11-20', '2026-11-20', { payoutPollMs: 0 })).toMatchObject({
      status: 'completed',
    });

    const parties = await world.rows<{ party: string; amount: number }>(
      `SELECT reimbursement_party AS party, sum(reimbursement)::int AS amount FROM clearings GROUP BY 1 ORDER BY 2`,
    );
    expect(parties).toEqual([
      { party: pointParty(M1, 'dealer:7'), amount: 2 * 35 },
      { party: pointParty(B_UID, 'dealer:7'), amount: 3 * 35 },
    ]);
    // Each counter 7 is paid its own partner's share to its own account (A's headquarters is not paid out);
    // B's headquarters its share and the issuance fee it collects (layer 2, 1 a voucher).
    expect(remittedByAccount(world.sim)).toEqual({
      'payee-A7': 2 * 35,
      'payee-B7': 3 * 35,
      [`payee-${M1}`]: 2 * 5,
      'payee-B': 3 * 5,
      'payee-hqB': 3 * (7 + 1),
    });
    expect(await trialBalance(world)).toBe(0);
  });
});

describe('one party owed through two merchants in one run', () => {
  it('keeps both payables: each merchant pays its own, and the build goes on', async () => {
    // store:S3 as an older clearing names it (no partner in the party): owed by A's voucher (paid through M1)
    // and by C's (paid through M2). B, through M1, lists the store too.
    await world.registry.setPoint(B_UID, {
      kind: 'store',
      pointRef: 'S3',
      name: 'S3',
      payoutAccount: 'payee-S3b',
    });
    const run = await world.newRun('2026-11-20');
    await world.clear(run, [
      { ...VOUCHER.A, reimbursementParty: 'store:S3' },
      { ...VOUCHER.C, salesParty: 'store:S3', reimbursementParty: 'store:S3' },
    ]);

    await world.processor().build(run);

    expect(
      await world.rows(
        `SELECT paying_merchant, role, amount::int FROM payables WHERE party = 'store:S3' ORDER BY 1, 2`,
      ),
    ).toEqual([
      { paying_merchant: M1, role: 'reimbursement', amount: 35 },
      { paying_merchant: M2, role: 'reimbursement', amount: 35 },
      { paying_merchant: M2, role: 'sales', amount: 5 },
    ]);
    expect(await world.processor().advance(run)).toBe('waiting');
    world.sim.control.approveBatch(groupIdFor(run, M1));
    world.sim.control.approveBatch(groupIdFor(run, M2));
    expect(await world.processor().advance(run)).toBe('done');
    expect((await batchesOfRun(world, run)).map((b) => b.state)).toEqual(['completed', 'completed']);
    const s3 = (await itemsOfRun(world, run)).filter((i) => i.party === 'store:S3');
    expect(s3.map((i) => [i.payee, i.amount, i.state])).toEqual([
      ['payee-S3b', 35, 'remitted'],
      ['payee-S3', 40, 'remitted'],
    ]);
    expect(await world.rows(`SELECT id FROM payables WHERE paid_by_item_id IS NULL`)).toEqual([]);
    expect(await trialBalance(world)).toBe(0);
  });
});
