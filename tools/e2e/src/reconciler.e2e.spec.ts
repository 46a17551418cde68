import { randomBytes } from 'node:crypto';
import {
  createTestDatabase,
  ensureSamplePartner,
  OperationEntity,
  OperatorItemEntity,
  PartnerNotificationEntity,
  PartnerRegistry,
  SAMPLE_PARTNER,
  VoucherEntity,
  type PartnerContext,
  type TestDatabase,
} from '@tixclear/db';
import { startSimulator, type RunningSimulator } from '@tixclear/gateway-simulator';
import {
  createOperations,
  DEFAULT_RECONCILER_OPTIONS,
  gatewayPort,
  PICK_DUE_SQL,
  type Operations,
} from '@tixclear/operations';
import { purchaseRequest, redeemRequest, refundRequest, uniqueId } from './requests';

/*
 * The reconciler (libs/operations) against a real PostgreSQL and the simulator over HTTP, on a clock the test
 * moves: fair (each operation its own next check; open answers push it back), purchases closed at the payment
 * deadline on the gateway's word, 290 to an operator, and "never arrived" only on the gateway's explicit
 * not-found, never for an offline redemption, with an operator item past the horizon.
 */

const STORE = SAMPLE_PARTNER.partnerUid;
const MINUTE = 60_000;

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ notifyUrl: null, log: () => undefined });
});
afterAll(async () => {
  await sim?.close();
});
afterEach(() => sim.control.clearFaults());

interface World {
  db: TestDatabase;
  registry: PartnerRegistry;
  partner: PartnerContext;
  ops: Operations;
  /** The reconciler's clock; tests move it. */
  clock: { ms: number };
}

async function world(): Promise<World> {
  const db = await createTestDatabase();
  const registry = new PartnerRegistry(db.dataSource, randomBytes(32));
  await ensureSamplePartner(registry);
  await registry.setPoint(STORE, {
    kind: 'store',
    pointRef: '398800730001',
    name: 'till',
    payoutAccount: null,
  });
  const partner = (await registry.context(STORE))!;
  const clock = { ms: Date.now() };
  const ops = createOperations({
    dataSource: db.dataSource,
    registry,
    gateway: gatewayPort({ baseUrl: sim.baseUrl, timeoutMs: 3_000 }),
    clock: { now: () => new Date(clock.ms) },
    random: () => 0.5,
  });
  return { db, registry, partner, ops, clock };
}

const operationOf = (w: World, orderId: string) =>
  w.db.dataSource.getRepository(OperationEntity).findOneByOrFail({ orderId });
const vouchersOf = (w: World, operationId: string) =>
  w.db.dataSource
    .getRepository(VoucherEntity)
    .find({ where: { purchaseOperationId: operationId }, order: { serialNumber: 'ASC' } });
const itemsOf = (w: World, kind: string, reference: string) =>
  w.db.dataSource.getRepository(OperatorItemEntity).findBy({ kind: kind as never, reference });
const reportsOf = (w: World, operationId: string) =>
  w.db.dataSource.getRepository(PartnerNotificationEntity).findBy({ operationId });

/** A purchase opened at the simulator (code 200), not paid; its simulator uid. */
async function openPurchase(w: World, options: { amount?: number; gifts?: number } = {}) {
  const purchase = purchaseRequest({ amount: options.amount ?? 1, gifts: options.gifts });
  const answer = await w.ops.purchases.purchase(w.partner, purchase.request);
  if (answer.body.code !== '200') throw new Error(`purchase refused: ${JSON.stringify(answer.body)}`);
  return { ...purchase, uid: Number(answer.body.uid) };
}

/** A paid purchase whose vouchers we hold as issued (learnt by the partner's query: no reports here). */
async function paidPurchase(w: World, amount = 1) {
  const purchase = await openPurchase(w, { amount });
  sim.control.pay(purchase.uid);
  await w.ops.queries.query(w.partner, 'voucherservicequery', {
    store_uid: STORE,
    order_id: purchase.orderId,
  });
  return purchase;
}

async function unknownRedemption(w: World, fault: 'commit_then_drop' | 'system_error') {
  const purchase = await paidPurchase(w);
  sim.control.addFaults({ command: 'vouchertransaction', fault, times: 1 });
  const request = redeemRequest(purchase.serials);
  await expect(w.ops.redemptions.redeem(w.partner, request)).rejects.toMatchObject({
    code: 'ORDER_IN_PROGRESS',
  });
  return { purchase, request, operation: await operationOf(w, request.order_id) };
}

describe('no starvation', () => {
  let w: World;
  beforeAll(async () => {
    w = await world();
  });
  afterAll(async () => {
    await w?.db.drop();
  });

  it('150 unpaid purchases due before it do not keep an unknown redemption from being settled in two passes', async () => {
    const unpaid: string[] = [];
    for (let batch = 0; batch < 15; batch += 1) {
      const opened = await Promise.all(Array.from({ length: 10 }, () => openPurchase(w)));
      unpaid.push(...opened.map((p) => p.orderId));
    }
    await w.ops.reconciler.runOnce(); // first sight: each gets its own first check
    w.clock.ms += DEFAULT_RECONCILER_OPTIONS.awaitingPaymentMs + MINUTE; // every purchase is due now

    const { request, operation } = await unknownRedemption(w, 'commit_then_drop');
    expect(operation.state).toBe('outcome_unknown');

    const first = await w.ops.reconciler.runOnce();
    expect(first).toMatchObject({ examined: 100, stillOpen: 100 });
    const second = await w.ops.reconciler.runOnce();
    expect(second.settled).toBeGreaterThanOrEqual(1);
    expect((await operationOf(w, request.order_id)).state).toBe('succeeded');

    // Every open answer pushed its purchase back: nothing of them is due now.
    const purchases = await w.db.dataSource
      .getRepository(OperationEntity)
      .findBy({ command: 'voucherservicepurchase', state: 'awaiting_payment' });
    expect(purchases).toHaveLength(150);
    for (const p of purchases) expect(p.nextCheckAt!.getTime()).toBeGreaterThan(w.clock.ms);
    expect((await w.ops.reconciler.runOnce()).examined).toBe(0);
  }, 120_000);

  it('takes the due ones through the partial index of open operations', async () => {
    const plan = await w.db.dataSource.transaction(async (tx) => {
      await tx.query('SET LOCAL enable_seqscan = off');
      return tx.query<{ 'QUERY PLAN': string }[]>(`EXPLAIN ${PICK_DUE_SQL}`, [new Date(w.clock.ms), 100]);
    });
    expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toContain('operations_next_check_idx');
  });
});

describe('the payment deadline', () => {
  let w: World;
  beforeAll(async () => {
    w = await world();
  });
  afterAll(async () => {
    await w?.db.drop();
  });
  const { paymentDeadlineMs } = DEFAULT_RECONCILER_OPTIONS;

  it('closes a purchase still unpaid at the deadline as failed: vouchers void, the partner told', async () => {
    const never = await openPurchase(w, { amount: 2 });
    const expired = await openPurchase(w, { amount: 1 });
    const late = await openPurchase(w, { amount: 1 });
    await w.ops.reconciler.runOnce();
    sim.control.endDeferred(expired.uid, 'expire');
    sim.control.pay(late.uid); // paid, but its report never came

    // Before the deadline the gateway's 380 moves it to `expired`, which is not final (seed 001: 380 → 290).
    w.clock.ms += DEFAULT_RECONCILER_OPTIONS.awaitingPaymentMs + MINUTE;
    await w.ops.reconciler.runOnce();
    expect((await operationOf(w, expired.orderId)).state).toBe('expired');
    expect((await operationOf(w, late.orderId)).state).toBe('paid');
    expect((await operationOf(w, never.orderId)).state).toBe('awaiting_payment');

    w.clock.ms += paymentDeadlineMs;
    await w.ops.reconciler.runOnce();
    for (const [purchase, code] of [
      [never, '200'],
      [expired, '380'],
    ] as const) {
      const operation = await operationOf(w, purchase.orderId);
      expect(operation).toMatchObject({ state: 'failed', gatewayCode: code });
      expect((await vouchersOf(w, operation.id)).map((v) => v.state)).toEqual(
        purchase.serials.map(() => 'void'),
      );
      expect(await reportsOf(w, operation.id)).toHaveLength(1);
    }
  });

  it('leaves a deferred payment the gateway still collects open past the deadline; the money arriving pays it', async () => {
    const purchase = await openPurchase(w, { amount: 1 });
    // The buyer takes a convenience-store code (260): the gateway waits for the money, for days.
    expect(sim.control.pay(purchase.uid, { pfn: 'CSTORECODE' }).code).toBe('260');
    await w.ops.reconciler.runOnce();
    w.clock.ms += paymentDeadlineMs + MINUTE;
    await w.ops.reconciler.runOnce();
    const waiting = await operationOf(w, purchase.orderId);
    expect(waiting.state).toBe('awaiting_payment');
    expect((await vouchersOf(w, waiting.id))[0]?.state).not.toBe('void');

    sim.control.pay(purchase.uid); // the money arrives at the store after our deadline
    w.clock.ms += DEFAULT_RECONCILER_OPTIONS.awaitingPaymentMs + MINUTE;
    await w.ops.reconciler.runOnce();
    const operation = await operationOf(w, purchase.orderId);
    expect(operation.state).toBe('paid');
    expect((await vouchersOf(w, operation.id))[0]?.state).toBe('issued');
  });

  it('asks before closing: paid at the gateway by the deadline, it is applied as paid', async () => {
    const purchase = await openPurchase(w, { amount: 1 });
    await w.ops.reconciler.runOnce();
    w.clock.ms += paymentDeadlineMs + MINUTE;
    sim.control.pay(purchase.uid);
    await w.ops.reconciler.runOnce();
    const operation = await operationOf(w, purchase.orderId);
    expect(operation.state).toBe('paid');
    expect((await vouchersOf(w, operation.id))[0]?.state).toBe('issued');
  });
});

describe('paid with a mismatch (290)', () => {
  let w: World;
  beforeAll(async () => {
    w = await world();
  });
  afterAll(async () => {
    await w?.db.drop();
  });

  async function mismatched(options: { amount?: number; gifts?: number } = {}) {
    const purchase = await openPurchase(w, options);
    await w.ops.reconciler.runOnce();
    sim.control.endDeferred(purchase.uid, 'mismatch');
    w.clock.ms += DEFAULT_RECONCILER_OPTIONS.awaitingPaymentMs + MINUTE;
    await w.ops.reconciler.runOnce();
    const operation = await operationOf(w, purchase.orderId);
    expect(operation.state).toBe('paid_mismatch');
    const items = await itemsOf(w, 'paid_mismatch', operation.id);
    expect(items).toEqual([expect.objectContaining({ state: 'open', partnerId: operation.partnerId })]);
    return { purchase, operation };
  }

  it('goes to the operators; accepting issues the vouchers and tells the partner', async () => {
    const { operation } = await mismatched({ amount: 2 });
    expect(await reportsOf(w, operation.id)).toHaveLength(0);
    expect(await w.ops.paidMismatch.accept(operation.id, 'ops@tixclear')).toEqual({ action: 'accepted' });
    expect((await operationOf(w, operation.orderId)).state).toBe('paid');
    expect((await vouchersOf(w, operation.id)).map((v) => v.state)).toEqual(['issued', 'issued']);
    expect(await itemsOf(w, 'paid_mismatch', operation.id)).toEqual([
      expect.objectContaining({ state: 'resolved', resolution: 'accepted', resolvedBy: 'ops@tixclear' }),
    ]);
    expect(await reportsOf(w, operation.id)).toHaveLength(1);
    await expect(w.ops.paidMismatch.accept(operation.id, 'ops@tixclear')).rejects.toMatchObject({
      code: 'ORDER_NOT_FOUND',
    });
  });

  it('refunding refunds the paid vouchers through voucherrefund, once', async () => {
    const { operation, purchase } = await mismatched({ amount: 2, gifts: 1 });
    const outcome = await w.ops.paidMismatch.refund(operation.id, 'ops@tixclear');
    expect(outcome).toMatchObject({ action: 'refund_sent', answer: { body: { code: '230' } } });
    const refund = await operationOf(w, outcome.action === 'refund_sent' ? outcome.refundOrderId : '');
    expect(refund).toMatchObject({ command: 'voucherrefund', state: 'succeeded' });
    const states = Object.fromEntries(
      (await vouchersOf(w, operation.id)).map((v) => [v.serialNumber, v.state]),
    );
    expect(states).toEqual({
      [purchase.serials[0]!]: 'refunded',
      [purchase.serials[1]!]: 'refunded',
      [purchase.giftSerials[0]!]: 'issued',
    });
    const simRefunded = sim.state.vouchers.filter(
      (v) => v.purchaseOrderId === operation.upstreamOrderId && v.status === 'refunded',
    );
    expect(simRefunded).toHaveLength(2);
    expect(await itemsOf(w, 'paid_mismatch', operation.id)).toEqual([
      expect.objectContaining({ state: 'resolved', resolution: 'refunded' }),
    ]);
    await expect(w.ops.paidMismatch.refund(operation.id, 'ops@tixclear')).rejects.toMatchObject({
      code: 'ORDER_NOT_FOUND',
    });
    expect(sim.state.requests.filter((r) => r.command === 'voucherrefund')).toHaveLength(1);
  });

  it('a refund the gateway did not take leaves the item open, and the money can then be kept after all', async () => {
    const { operation } = await mismatched({ amount: 1 });
    // The gateway down: every attempt is a refused connection, certainly not sent.
    await sim.offline();
    try {
      await expect(w.ops.paidMismatch.refund(operation.id, 'ops@tixclear')).rejects.toMatchObject({
        code: 'GATEWAY_UNAVAILABLE',
      });
    } finally {
      await sim.online();
    }
    expect((await operationOf(w, operation.orderId)).state).toBe('paid');
    expect(await itemsOf(w, 'paid_mismatch', operation.id)).toEqual([
      expect.objectContaining({ state: 'open' }),
    ]);
    expect(await w.ops.paidMismatch.accept(operation.id, 'ops@tixclear')).toEqual({ action: 'accepted' });
    expect((await vouchersOf(w, operation.id))[0]?.state).toBe('issued');
    expect(await reportsOf(w, operation.id)).toHaveLength(1);
  });
});

describe('"never arrived" only on evidence', () => {
  let w: World;
  beforeAll(async () => {
    w = await world();
  });
  afterAll(async () => {
    await w?.db.drop();
  });
  const { notFoundGraceMs, horizonMs } = DEFAULT_RECONCILER_OPTIONS;

  it('fails a redemption the gateway explicitly does not know, only after the grace', async () => {
    const { request, purchase } = await unknownRedemption(w, 'system_error');
    await w.ops.reconciler.runOnce();
    w.clock.ms += notFoundGraceMs - 1_000;
    await w.ops.reconciler.runOnce();
    expect((await operationOf(w, request.order_id)).state).toBe('outcome_unknown');
    w.clock.ms += 2_000;
    await w.ops.reconciler.runOnce();
    expect(await operationOf(w, request.order_id)).toMatchObject({ state: 'failed', gatewayCode: 'B500' });
    const voucher = await w.db.dataSource
      .getRepository(VoucherEntity)
      .findOneByOrFail({ serialNumber: purchase.serials[0]! });
    expect(voucher.state).toBe('issued');
  });

  it('never fails an offline redemption the query does not see: past its horizon, an operator item', async () => {
    const purchase = await paidPurchase(w);
    const token = sim.state.vouchers.find((v) => v.customSerialNo === purchase.serials[0])!.payToken;
    sim.control.addFaults({ command: 'voucheroffline', fault: 'system_error', times: 1 });
    const orderId = uniqueId('VO');
    await expect(
      w.ops.offline.redeem(w.partner, {
        order_id: orderId,
        pos_trade_time: '20250301120000',
        pos_id: 'POS01',
        clerk_no: 'C07',
        reimbursement_from_type: 1,
        reimbursement_store_uid: '398800730001',
        pay_token: token,
      }),
    ).rejects.toMatchObject({ code: 'ORDER_IN_PROGRESS' });
    const operation = await operationOf(w, orderId);

    await w.ops.reconciler.runOnce();
    w.clock.ms += notFoundGraceMs + MINUTE;
    await w.ops.reconciler.runOnce();
    expect((await operationOf(w, orderId)).state).toBe('outcome_unknown');
    expect(await itemsOf(w, 'operation_overdue', operation.id)).toHaveLength(0);

    w.clock.ms += horizonMs;
    const report = await w.ops.reconciler.runOnce();
    expect(report.overdue).toBe(1);
    expect((await operationOf(w, orderId)).state).toBe('outcome_unknown');
    expect(await itemsOf(w, 'operation_overdue', operation.id)).toEqual([
      expect.objectContaining({ state: 'open', partnerId: operation.partnerId }),
    ]);
    // Once per operation.
    w.clock.ms += horizonMs;
    await w.ops.reconciler.runOnce();
    expect(await itemsOf(w, 'operation_overdue', operation.id)).toHaveLength(1);
  });

  it('a refused query (100: our request refused) is no evidence: the refund stays unknown, then overdue', async () => {
    const purchase = await paidPurchase(w);
    sim.control.addFaults({ command: 'voucherrefund', fault: 'system_error', times: 1 });
    const request = refundRequest(purchase.serials);
    await expect(w.ops.refunds.refund(w.partner, request)).rejects.toMatchObject({
      code: 'ORDER_IN_PROGRESS',
    });
    // From now on the gateway refuses our queries with 100 (a merchant it does not know: a misconfiguration).
    await w.db.dataSource.query(`UPDATE partners SET upstream_uid = '999999999999' WHERE partner_uid = $1`, [
      STORE,
    ]);

    await w.ops.reconciler.runOnce();
    w.clock.ms += notFoundGraceMs + horizonMs + MINUTE;
    const report = await w.ops.reconciler.runOnce();
    expect(report.failedToAsk).toBeGreaterThanOrEqual(1);
    const operation = await operationOf(w, request.order_id);
    expect(operation.state).toBe('outcome_unknown');
    expect(await itemsOf(w, 'operation_overdue', operation.id)).toHaveLength(1);
    const voucher = await w.db.dataSource
      .getRepository(VoucherEntity)
      .findOneByOrFail({ serialNumber: purchase.serials[0]! });
    expect(voucher.state).toBe('refund_unknown');
  });
});
