import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadFeeBook, loadPayoutAccounts } from '../../loaders';
import {
  B_UID,
  createWorld,
  M1,
  M2,
  startPayoffSimulator,
  type RunningSimulator,
  type World,
} from '../../payouts/testing/world';
import { SettlementRunner } from '../../settlement-runner';
import { writeSyntheticDay } from '../../testing/synthetic-day';
import { ExportWriter, type ExportResult } from '../export-writer';

/** The day the specs settle; the trust register and statements count days from it. */
export const DAY = '2026-11-20';
/** Partner A's vouchers whose line carries the gateway's fee object: equal to ours, and differing. */
export const SAME_SERIAL = 'A20261120X1';
export const DIFFERING_SERIAL = 'A20261120X2';

export interface SettledDay {
  world: World;
  sim: RunningSimulator;
  root: string;
  runId: string;
  result: ExportResult;
  /** Vouchers written per partner uid: redeemed (paid and gift), still issued, refunded. */
  written: Record<string, { redeemed: number; gifts: number; issued: number; refunded: number }>;
  stop(): Promise<void>;
}

/**
 * A settled synthetic day through the real steps, for the register and statement specs: three partners (the
 * payouts world: A the sample store, B a dealer paying through A's merchant, C its own merchant), each with a
 * synthetic day of redeemed vouchers (some gifts), a purchase whose vouchers stay issued (the trust holds them)
 * and one voucher refunded; the settlement runner clears, posts, batches, pays through the simulator (batches
 * approved there) and exports.
 */
export async function settleSyntheticDay(): Promise<SettledDay> {
  const sim = await startPayoffSimulator();
  const world = await createWorld(sim);
  const { registry } = world;
  // The synthetic day redeems at `store:<partner uid>`: give B's and C's own stores a payout account.
  for (const uid of [B_UID, M2]) {
    await registry.setPoint(uid, { kind: 'store', pointRef: uid, name: uid, payoutAccount: `payee-${uid}` });
  }
  const plan: Array<[name: 'A' | 'B' | 'C', uid: string, vouchers: number, giftEvery: number]> = [
    ['A', M1, 12, 5],
    ['B', B_UID, 5, 0],
    ['C', M2, 4, 2],
  ];
  const written: SettledDay['written'] = {};
  for (const [name, uid, vouchers, giftEvery] of plan) {
    const partnerId = world.partnerIds[name];
    await writeSyntheticDay(world.db.dataSource, {
      partnerId,
      businessDate: DAY,
      vouchers,
      giftEvery,
      prefix: `${name}${DAY.replaceAll('-', '')}X`,
    });
    const issued = await sellIssued(world, partnerId, uid, 3);
    const refunded = await refundOne(world, partnerId, uid);
    const gifts = giftEvery > 0 ? Math.floor(vouchers / giftEvery) : 0;
    written[uid] = { redeemed: vouchers, gifts, issued, refunded };
  }

  // Online redemptions carry the gateway's fee object: one agrees with ours; one differs (a malformed part, and
  // a share) — cleared all the same, as after an operator's `--accept ours`.
  await world.rows(
    `UPDATE redemption_lines SET gateway_fee = our_fee WHERE partner_id = $1 AND serial_number = $2`,
    [world.partnerIds.A, SAME_SERIAL],
  );
  await world.rows(
    `UPDATE redemption_lines SET gateway_fee = our_fee || '{"escrow_fee": "1.5", "headquarters": 8}'::jsonb
      WHERE partner_id = $1 AND serial_number = $2`,
    [world.partnerIds.A, DIFFERING_SERIAL],
  );

  const root = await mkdtemp(path.join(tmpdir(), 'tixclear-registers-'));
  const dataSource = world.db.dataSource;
  const runner = new SettlementRunner(dataSource, {
    feeBook: () => loadFeeBook(dataSource),
    payoutAccounts: () => loadPayoutAccounts(dataSource),
    payouts: world.processor(),
    exports: new ExportWriter(dataSource, root),
  });
  const first = await runner.run(DAY, DAY, { payoutWaitMs: 0 });
  if (first === 'busy') throw new Error('busy');
  const batches = await world.rows<{ group_id: string }>(
    `SELECT group_id FROM payout_batches WHERE run_id = $1`,
    [first.run.id],
  );
  for (const batch of batches) sim.control.approveBatch(batch.group_id);
  const done = await runner.run(DAY, DAY, { payoutPollMs: 20, payoutWaitMs: 10_000 });
  if (done === 'busy' || done.status !== 'completed')
    throw new Error(`run not completed: ${JSON.stringify(done)}`);
  const result = await new ExportWriter(dataSource, root).exportRange(DAY, DAY);
  return {
    world,
    sim,
    root,
    runId: done.run.id,
    result,
    written,
    stop: async () => {
      await world.drop();
      await sim.close();
    },
  };
}

/** A paid purchase on the day whose `count` vouchers (value 80) stay issued. */
async function sellIssued(world: World, partnerId: string, uid: string, count: number): Promise<number> {
  const purchase = await paidPurchase(world, partnerId, `${uid}-OPEN`, '10:00');
  await world.rows(
    `INSERT INTO vouchers (partner_id, purchase_operation_id, item_id, item_name, serial_number, is_paid, price, cost,
                           sharing_headquarters, sharing_sales, sharing_reimbursement, trust_end_date,
                           validity_end_date, sales_point, state)
     SELECT $1, $2, 'H02', '電影票 "雙人", 套票', $3 || g, true, 80, 80, 0.15, 0.1, 0.75,
            $4::date + 10 * g, $4::date + 364, $5, 'issued'
       FROM generate_series(1, $6) AS g`,
    [partnerId, purchase, `O${uid}X`, DAY, uid, count],
  );
  return count;
}

/** A paid purchase of two vouchers (value 30), one refunded the same day by a refund operation. */
async function refundOne(world: World, partnerId: string, uid: string): Promise<number> {
  const purchase = await paidPurchase(world, partnerId, `${uid}-REF`, '10:30');
  const [refund] = await world.rows<{ id: string }>(
    `INSERT INTO operations (partner_id, order_id, upstream_order_id, kind, command, request_hash, request, state,
                             gateway_code, gateway_uid, completed_at)
     VALUES ($1, $2::text, $2::text || 'U', 'refund', 'voucherrefund', 'spec', '{}'::jsonb, 'succeeded', '230', $2::text || 'G',
             ($3::date + time '11:00') AT TIME ZONE 'Asia/Taipei')
     RETURNING id`,
    [partnerId, `${uid}-RF`, DAY],
  );
  await world.rows(
    `INSERT INTO vouchers (partner_id, purchase_operation_id, item_id, item_name, serial_number, is_paid, price, cost,
                           sharing_headquarters, sharing_sales, sharing_reimbursement, trust_end_date,
                           validity_end_date, sales_point, state, holder_operation_id)
     SELECT $1, $2, 'H03', '=SUM(A1)', $3 || g, true, 30, 30, 0.15, 0.1, 0.75, $4::date + 364, $4::date + 364, $5,
            CASE WHEN g = 1 THEN 'refunded' ELSE 'issued' END, CASE WHEN g = 1 THEN $6::uuid END
       FROM generate_series(1, 2) AS g`,
    [partnerId, purchase, `R${uid}X`, DAY, uid, refund?.id],
  );
  return 1;
}

async function paidPurchase(world: World, partnerId: string, orderId: string, at: string): Promise<string> {
  const [purchase] = await world.rows<{ id: string }>(
    `INSERT INTO operations (partner_id, order_id, upstream_order_id, kind, command, request_hash, request, state,
                             gateway_code, gateway_uid, completed_at)
     VALUES ($1, $2::text, $2::text || 'U', 'purchase', 'voucherservicepurchase', 'spec', '{}'::jsonb, 'paid', '250', $2::text || 'G',
             ($3::date + $4::time) AT TIME ZONE 'Asia/Taipei')
     RETURNING id`,
    [partnerId, orderId, DAY, at],
  );
  return purchase!.id;
}
