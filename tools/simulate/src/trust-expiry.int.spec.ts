import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { reconcileBooks, simulatorSource } from '@tixclear/settlement';
import { World } from './world';

/*
 * A paid voucher whose trust ends unused (docs/protocol.md §7): the trust releases its value to the issuing
 * merchant, so the gateway no longer holds it, and our books credit gateway_receivable on the day after the
 * trust's last. The books' reconciliation with the simulator's holdings must agree on that day, voucher by
 * voucher, and on the days around it.
 */

const FIRST = '2026-03-02';
/** The trust's last day (a trust covers a year at least), and the day after, when it is released. */
const LAST = '20270301';
const RELEASED = '2027-03-02';

describe("the end of a voucher's trust, reconciled with the simulated gateway", () => {
  let world: World;
  let exportRoot: string;

  beforeAll(async () => {
    exportRoot = mkdtempSync(path.join(tmpdir(), 'tixclear-sim-expiry-'));
    world = await World.start(
      { seed: 13, partners: 1, serverUrl: process.env.TIXCLEAR_TEST_PG_URL ?? '', crashRate: 0 },
      exportRoot,
    );
    // The partner's keys outlive the year this spec spans (the world's are valid for a year).
    await world.db.dataSource.query(`UPDATE partner_keys SET valid_until = '2030-01-01T00:00:00Z'`);
  }, 60_000);

  afterAll(async () => {
    await world?.close();
    rmSync(exportRoot, { recursive: true, force: true });
  });

  /** The night's run of `from`..`to`, driven to completion (every pay-off batch approved at the gateway). */
  async function settle(from: string, to = from): Promise<void> {
    for (let pass = 0; pass < 20; pass += 1) {
      const result = await world.settlement.runner.run(from, to, { payoutPollMs: 0, lanes: 1 });
      if (result !== 'busy' && result.status === 'completed') return;
      for (const batch of world.sim.state.batches.values())
        if (batch.code === 'S01') world.sim.control.approveBatch(batch.groupId, { storeUid: batch.storeUid });
    }
    throw new Error(`the run of ${from}..${to} did not complete`);
  }

  async function differences(date: string): Promise<string[]> {
    const result = await reconcileBooks(world.db.dataSource, simulatorSource(world.sim.url), date);
    return result.merchants.flatMap((m) => m.differences.map((d) => `${m.merchantUid}: ${d.reason}`));
  }

  it('releases an unused paid voucher at the end of its last day: both sides move it the day after', async () => {
    const store = world.stores[0]!;
    const context = await world.context(store);
    // Three paid vouchers of 120 and a gift, trusted for a year.
    const purchase = await world.ops.purchases.purchase(context, {
      store_uid: store.uid,
      order_id: 'EXP-P1',
      pfn: '0',
      user_data: { user_id: 'buyer1', ip: '127.0.0.1' },
      cost: 360,
      currency: 'TWD',
      items: [
        {
          id: 'H01',
          name: '用餐券',
          amount: 3,
          price: 120,
          cost: 120,
          total_price: 360,
          total_cost: 360,
          gift_number: 1,
          trust_start_date: '20260302',
          trust_end_date: LAST,
          is_custom_serial: 1,
          serial_numbers: JSON.stringify(['EXPA', 'EXPB', 'EXPC']),
          gift_serial_numbers: JSON.stringify(['EXPG']),
          sharing: { headquarters: '0.15', sales: '0.1', reimbursement: '0.75' },
        },
      ],
      declarations: [{ name: '用餐券', content: '<h6>使用需知</h6>' }],
    });
    world.sim.control.settle(Number(purchase.body.uid), 'pay');
    await world.quiesce();
    // One is redeemed on the trust's last day, so only two are still unused when it ends.
    await world.clock.set(new Date('2027-03-01T21:00:00+08:00'));
    const redeemed = await world.ops.redemptions.redeem(context, {
      store_uid: store.uid,
      order_id: 'EXP-R1',
      user_id: 'phper',
      ip: '127.0.0.1',
      items: [{ id: 'H01', serial_number: 'EXPA' }],
    });
    expect(redeemed.body).toMatchObject({ code: '250' });
    await world.quiesce();

    // The night after the trust's last day: the period up to it is settled, then the day after it, which
    // expires the two unused paid vouchers (and the gift, with nothing booked).
    await world.clock.set(new Date('2027-03-02T00:30:00+08:00'));
    await settle(FIRST, '2027-03-01');
    expect(await differences('2027-03-01')).toEqual([]);
    await world.clock.set(new Date('2027-03-03T00:30:00+08:00'));
    await settle(RELEASED);
    const expired = await world.db.dataSource.query<{ serial_number: string; state: string }[]>(
      `SELECT serial_number, state FROM vouchers WHERE serial_number LIKE 'EXP%' ORDER BY 1`,
    );
    expect(expired).toEqual([
      { serial_number: 'EXPA', state: 'redeemed' },
      { serial_number: 'EXPB', state: 'expired' },
      { serial_number: 'EXPC', state: 'expired' },
      { serial_number: 'EXPG', state: 'expired' },
    ]);
    expect(await differences(RELEASED)).toEqual([]);
    const released = world.sim.control
      .holdingMovements(store.uid)
      .filter((m) => m.kind === 'trust_expiry')
      .map((m) => [m.ref, m.amount, m.at.toISOString()]);
    expect(released).toEqual([
      ['EXPB', -120, '2027-03-01T16:00:00.000Z'],
      ['EXPC', -120, '2027-03-01T16:00:00.000Z'],
    ]);
    const result = await reconcileBooks(world.db.dataSource, simulatorSource(world.sim.url), RELEASED);
    const merchant = result.merchants.find((m) => m.merchantUid === store.uid);
    expect(merchant?.kinds.expiry).toMatchObject({
      booked: 2,
      gateway: 2,
      bookedAmount: -240,
      gatewayAmount: -240,
    });
    // The last day itself still held them.
    expect(world.sim.control.holdings(store.uid, LAST).byKind.trust_expiry).toBe(0);
  }, 90_000);
});
