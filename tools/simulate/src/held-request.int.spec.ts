import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DomainError, taiwanBusinessDate } from '@tixclear/domain';
import { GATEWAY_TIMEOUT_MS, World } from './world';

/*
 * A redemption the gateway holds past our client's timeout and applies afterwards (the `latency` fault). Our
 * side marks it unknown; the reconciler's "not found" proves nothing while the gateway still holds it. The
 * simulated clock jumps minutes in milliseconds, so unless the simulation waits for the simulator to finish
 * every request it holds before time moves on, the reconciler's not-found grace passes in simulated time while
 * the request is still held, the operation is failed, and the gateway redeems the voucher after: the `vouchers`
 * invariant broken on seed 2, day 2, under heavy machine load (the load's fixed wait after a slow request was
 * too short there, and a latency rule left by a request refused before the gateway delayed the next one with
 * no wait at all).
 */

const MINUTE = 60_000;
/** Far longer than our client waits, and than the steps below take: the gateway still holds the request. */
const HELD_MS = GATEWAY_TIMEOUT_MS + 2_500;

describe('a request the simulated gateway holds past our timeout', () => {
  let world: World;
  let exportRoot: string;

  beforeAll(async () => {
    exportRoot = mkdtempSync(path.join(tmpdir(), 'tixclear-sim-held-'));
    world = await World.start(
      { seed: 11, partners: 1, serverUrl: process.env.TIXCLEAR_TEST_PG_URL ?? '', crashRate: 0 },
      exportRoot,
    );
  }, 60_000);

  afterAll(async () => {
    await world?.close();
    rmSync(exportRoot, { recursive: true, force: true });
  });

  it('is applied before simulated time moves on: the reconciler then finds it redeemed, never fails it', async () => {
    const store = world.stores[0]!;
    const context = await world.context(store);
    const today = taiwanBusinessDate(world.clock.now()).replace(/-/g, '');
    const purchase = await world.ops.purchases.purchase(context, {
      store_uid: store.uid,
      order_id: 'HELD-P1',
      pfn: '0',
      user_data: { user_id: 'buyer1', ip: '127.0.0.1' },
      cost: 100,
      currency: 'TWD',
      items: [
        {
          id: 'H01',
          name: '用餐券',
          amount: 1,
          price: 100,
          cost: 100,
          total_price: 100,
          total_cost: 100,
          gift_number: 0,
          trust_start_date: today,
          trust_end_date: String(Number(today) + 10_000),
          is_custom_serial: 1,
          serial_numbers: JSON.stringify(['HELDS0']),
          gift_serial_numbers: JSON.stringify([]),
          sharing: { headquarters: '0.15', sales: '0.1', reimbursement: '0.75' },
        },
      ],
      declarations: [{ name: '用餐券', content: '<h6>使用需知</h6>' }],
    });
    world.sim.control.settle(Number(purchase.body.uid), 'pay');
    await world.quiesce();
    const [voucher] = await world.db.dataSource.query<{ item_id: string; state: string }[]>(
      `SELECT item_id, state FROM vouchers WHERE serial_number = 'HELDS0'`,
    );
    expect(voucher?.state).toBe('issued');

    world.sim.control.addFaults([
      { fault: 'latency', ms: HELD_MS, command: 'vouchertransaction', merchant: store.uid, times: 1 },
    ]);
    const redeem = world.ops.redemptions.redeem(context, {
      store_uid: store.uid,
      order_id: 'HELD-R1',
      user_id: 'phper',
      ip: '127.0.0.1',
      items: [{ id: voucher!.item_id, serial_number: 'HELDS0' }],
    });
    await expect(redeem).rejects.toBeInstanceOf(DomainError);

    // What a business day does next: settle down, reconcile, move on a tick, reconcile again.
    await world.quiesce();
    for (let pass = 0; pass < 3; pass += 1) {
      await world.ops.reconciler.runOnce();
      await world.quiesce();
      await world.clock.advance(20 * MINUTE);
    }

    const [operation] = await world.db.dataSource.query<{ state: string }[]>(
      `SELECT state FROM operations WHERE order_id = 'HELD-R1'`,
    );
    // Let a request still held (before the fix) land, then compare with the gateway.
    await Promise.allSettled([...world.sim.simulator.handling]);
    const atGateway = world.sim.state.vouchers.find((v) => v.customSerialNo === 'HELDS0');
    expect(atGateway?.status).toBe('redeemed');
    expect(operation?.state).toBe('succeeded');
  }, 60_000);
});
