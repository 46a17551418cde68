import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createTestDatabase,
  ensureSamplePartner,
  PartnerRegistry,
  SAMPLE_PARTNER,
  type PartnerContext,
  type TestDatabase,
} from '@tixclear/db';
// eslint-disable-next-line @nx/enforce-module-boundaries -- spec support only: the engine makes the records
import { createOperations, gatewayPort, type GatewayPort, type Operations } from '@tixclear/operations';
// eslint-disable-next-line @nx/enforce-module-boundaries -- spec support only: the simulator plays the gateway
import { ManualClock, startSimulator, type RunningSimulator } from '@tixclear/gateway-simulator';

/*
 * A day of PayPage payments, money refunds and an e-ticket refund, made through the engine's own services
 * (createOperations) against the gateway simulator over real HTTP and a real PostgreSQL: the records the
 * payments ledger and its reconciliation read are the ones production writes.
 */

export const STORE = SAMPLE_PARTNER.partnerUid;
export const DATE = '2026-12-05';
export const NOON = new Date(`${DATE}T12:00:00+08:00`);

export interface PaymentsStack {
  db: TestDatabase;
  sim: RunningSimulator;
  clock: ManualClock;
  ops: Operations;
  partner: PartnerContext;
  registry: PartnerRegistry;
  /** Our authenticated channel to the simulator, as the worker wires it. */
  gateway: GatewayPort;
  close(): Promise<void>;
}

/**
 * With `reports`, the simulator's reports reach the engine's intake over HTTP, as apps/api's /gateway/notify
 * takes them (8888 once stored); without, it sends none.
 */
export async function paymentsStack(options: { reports?: boolean } = {}): Promise<PaymentsStack> {
  const db = await createTestDatabase();
  const registry = new PartnerRegistry(db.dataSource, randomBytes(32));
  await ensureSamplePartner(registry);
  const clock = new ManualClock(NOON);
  const late: { ops?: Operations } = {};
  let receiver: Server | undefined;
  let notifyUrl: string | null = null;
  if (options.reports === true) {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        void (late.ops?.notifications.receive(body, request.headers['content-type']) ?? Promise.resolve(null))
          .then((result) => response.end(result?.ack === true ? '8888' : 'refused'))
          .catch(() => response.end('error'));
      });
    });
    await new Promise<void>((resolve) => receiver?.listen(0, '127.0.0.1', resolve));
    notifyUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/gateway/notify`;
  }
  const sim = await startSimulator({
    clock,
    notifyUrl,
    log: () => undefined,
    notifications: { backoffMs: [5], timeoutMs: 5_000 },
  });
  const gateway = gatewayPort({ baseUrl: sim.baseUrl, timeoutMs: 5_000 });
  const ops = createOperations({ dataSource: db.dataSource, registry, gateway, clock });
  late.ops = ops;
  const partner = await registry.context(STORE);
  if (!partner) throw new Error('no sample partner');
  return {
    db,
    sim,
    clock,
    ops,
    partner,
    registry,
    gateway,
    close: async () => {
      await sim.close();
      receiver?.closeAllConnections();
      await new Promise((resolve) => receiver?.close(resolve) ?? resolve(undefined));
      await db.drop();
    },
  };
}

let counter = 0;
const uniqueId = (prefix: string) =>
  `${prefix}${Date.now().toString(36)}${(counter += 1)}${randomUUID().slice(0, 6)}`;

/** A payment of `cost` opened through the engine, paid on the simulator, settled by our own queryorder. */
export async function paidPayment(stack: PaymentsStack, cost: number) {
  const half = cost / 2;
  const opened = await stack.ops.payments.open(stack.partner, {
    store_uid: STORE,
    user_id: 'phper',
    cost,
    currency: 'TWD',
    order_id: uniqueId('PO'),
    ip: '127.0.0.1',
    pfn: 'CREDITCARD',
    items: [
      { id: 'P01', name: '演唱會門票', cost: half, amount: 1, total: half },
      { id: 'P02', name: '周邊商品', cost: half, amount: 1, total: half },
    ],
  });
  const order = { uid: String(opened.body.uid), key: String(opened.body.key) };
  if (!stack.sim.control.pay(Number(order.uid)).moved)
    throw new Error('the simulator did not take the payment');
  await stack.ops.payments.query(stack.partner, order);
  return order;
}

/** A purchase of `count` paid vouchers of `cost`, paid on the simulator and settled by our query. */
export function paidPurchase(stack: PaymentsStack, count: number, cost: number) {
  return paidPurchaseOf(
    stack,
    Array.from({ length: count }, () => cost),
  );
}

/**
 * A purchase of paid vouchers worth `costs` (one item per distinct value, serials in the order given), paid on
 * the simulator and settled by our query.
 */
export async function paidPurchaseOf(stack: PaymentsStack, costs: readonly number[]) {
  const orderId = uniqueId('VS');
  const serials = costs.map((_, i) => `${orderId.slice(2, 26)}P${i}`);
  const ymd = (d: Date) => d.toISOString().slice(0, 10).replaceAll('-', '');
  const values = [...new Set(costs)];
  const items = values.map((cost, n) => {
    const mine = serials.filter((_, i) => costs[i] === cost);
    return {
      id: `H0${n + 1}`,
      name: `用餐券${n + 1}`,
      amount: mine.length,
      price: cost,
      cost,
      total_price: cost * mine.length,
      total_cost: cost * mine.length,
      gift_number: 0,
      trust_start_date: ymd(new Date(NOON.getTime() - 86_400_000)),
      trust_end_date: ymd(new Date(NOON.getTime() + 364 * 86_400_000)),
      is_custom_serial: 1,
      serial_numbers: JSON.stringify(mine),
      gift_serial_numbers: '[]',
      sharing: { headquarters: '0.15', sales: '0.1', reimbursement: '0.75' },
    };
  });
  const opened = await stack.ops.purchases.purchase(stack.partner, {
    store_uid: STORE,
    order_id: orderId,
    pfn: '0',
    user_data: { user_id: 'phper', user_name: '金城武', ip: '127.0.0.1' },
    cost: costs.reduce((a, b) => a + b, 0),
    currency: 'TWD',
    items,
    declarations: items.map((item) => ({ name: item.name, content: '<h6>使用需知</h6>' })),
  });
  const order = { uid: String(opened.body.uid), key: String(opened.body.key) };
  if (!stack.sim.control.pay(Number(order.uid)).moved)
    throw new Error('the simulator did not take the purchase');
  await stack.ops.queries.query(stack.partner, 'voucherservicequery', {
    store_uid: STORE,
    order_id: orderId,
  });
  return { ...order, orderId, serials };
}

/** A recurring agreement (`regular`, seed 001 定期定額) of `cost` a period, paid (its first charge) and settled by our query. */
export async function paidAgreement(stack: PaymentsStack, cost: number, regular: 'W' | 'M' = 'M') {
  const orderId = uniqueId('RA');
  const opened = await stack.ops.payments.open(stack.partner, {
    store_uid: STORE,
    user_id: 'phper',
    cost,
    currency: 'TWD',
    order_id: orderId,
    ip: '127.0.0.1',
    pfn: 'CREDITCARD',
    regular,
    regular_total: '0',
    items: [{ id: 'S01', name: '月費', cost, amount: 1, total: cost }],
  });
  const order = { uid: String(opened.body.uid), key: String(opened.body.key) };
  if (!stack.sim.control.pay(Number(order.uid)).moved)
    throw new Error('the simulator did not take the payment');
  await stack.ops.payments.query(stack.partner, order);
  return { ...order, orderId };
}

export function refund(stack: PaymentsStack, order: { uid: string; key: string }, cost: number) {
  return stack.ops.moneyRefunds.refund(stack.partner, {
    store_uid: STORE,
    uid: order.uid,
    key: order.key,
    cost,
  });
}

export function esvcRefund(stack: PaymentsStack, order: { uid: string; key: string }, cost: number) {
  return stack.ops.moneyRefunds.esvcRefund(stack.partner, {
    store_uid: STORE,
    uid: order.uid,
    key: order.key,
    cost,
    device_id: 'POS01',
  });
}

export function cancelRefund(stack: PaymentsStack, refundUid: string, key: string) {
  return stack.ops.paymentActions.run(stack.partner, 'refundcancel', {
    store_uid: STORE,
    uid: refundUid,
    key,
  });
}
