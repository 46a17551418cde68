import { encryptJson, KeyRing } from '@tixclear/crypto';
import { twd } from '@tixclear/domain';
import { GatewayClient, type GatewayClientConfig, type RequestOf } from '@tixclear/gateway-client';
import type { SimulatorOptions } from '../config';
import { startSimulator, type RunningSimulator } from '../index';
import { PAYPAGE_STORE_KEY, PAYPAGE_STORE_UID, SAMPLE_STORE_KEY, SAMPLE_STORE_UID } from '../merchants';

/* Shared by the specs: a simulator on port 0, a client for the sample merchant, and ready-made requests. */

export const STORE = SAMPLE_STORE_UID;

export function keyRingOf(secret: string, id = 'test-key'): KeyRing {
  return new KeyRing([
    { id, secret, validFrom: new Date('2000-01-01T00:00:00Z'), validUntil: new Date('2100-01-01T00:00:00Z') },
  ]);
}

/** Tests drive approval and want remittance at once; reports retried quickly. */
export function testOptions(options: SimulatorOptions = {}): SimulatorOptions {
  return {
    notifyUrl: null,
    log: () => undefined,
    ...options,
    payoff: { approval: 'manual', remitDelayMs: 0, ...options.payoff },
    notifications: { backoffMs: [5], timeoutMs: 2_000, ...options.notifications },
  };
}

export async function startTestSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  return startSimulator(testOptions(options));
}

export function clientFor(
  sim: RunningSimulator,
  overrides: Partial<GatewayClientConfig> = {},
  merchant: { mode?: 'store' | 'agent'; uid?: string; key?: string } = {},
): GatewayClient {
  return new GatewayClient({
    baseUrl: sim.baseUrl,
    merchant: {
      mode: merchant.mode ?? 'store',
      uid: merchant.uid ?? STORE,
      keyRing: keyRingOf(merchant.key ?? SAMPLE_STORE_KEY),
    },
    timeoutMs: 5_000,
    // No waiting between retries in tests; the retry decisions themselves are the client's.
    sleep: () => Promise.resolve(),
    ...overrides,
  });
}

/** A purchase of `amount` paid vouchers (serials `<prefix>1..n`) and `gifts` gift vouchers (`<prefix>G1..n`). */
export function purchaseRequest(
  orderId: string,
  options: {
    amount?: number;
    gifts?: number;
    prefix?: string;
    cost?: number;
    itemId?: string;
    userId?: string;
  } = {},
): RequestOf<'voucherservicepurchase'> {
  const amount = options.amount ?? 2;
  const gifts = options.gifts ?? 0;
  const cost = options.cost ?? 50;
  const prefix = options.prefix ?? orderId.replace(/[^A-Za-z0-9]/g, '');
  return {
    store_uid: STORE,
    order_id: orderId,
    pfn: '0',
    user_data: { user_id: options.userId ?? 'phper', ip: '127.0.0.1' },
    cost: twd(cost * amount),
    currency: 'TWD',
    items: [
      {
        id: options.itemId ?? 'H01',
        name: '用餐券',
        amount,
        price: twd(cost),
        cost: twd(cost),
        total_price: twd(cost * amount),
        total_cost: twd(cost * amount),
        gift_number: gifts,
        trust_start_date: '20250101',
        trust_end_date: '20271231',
        is_custom_serial: 1,
        serial_numbers: Array.from({ length: amount }, (_, i) => `${prefix}${i + 1}`),
        gift_serial_numbers: Array.from({ length: gifts }, (_, i) => `${prefix}G${i + 1}`),
        sharing: { headquarters: '0.15', sales: '0.1', reimbursement: '0.75' },
      },
    ],
    declarations: [{ name: '用餐券', content: '<h6>使用需知</h6>' }],
  };
}

/** Buys and pays: the vouchers exist afterwards. Returns the purchase answer. */
export async function buyVouchers(
  sim: RunningSimulator,
  client: GatewayClient,
  orderId: string,
  options: Parameters<typeof purchaseRequest>[1] = {},
) {
  const answer = await client.voucherPurchase(purchaseRequest(orderId, options));
  const paid = sim.control.pay(Number(answer.uid));
  if (!paid.moved) throw new Error(`purchase ${orderId} could not be paid`);
  return answer;
}

export function redeemRequest(
  orderId: string,
  serials: readonly string[],
  itemId = 'H01',
): RequestOf<'vouchertransaction'> {
  return {
    store_uid: STORE,
    order_id: orderId,
    user_id: 'phper',
    ip: '127.0.0.1',
    items: serials.map((serial_number) => ({ id: itemId, serial_number })),
  };
}

/**
 * Posts a request the client would refuse to send (the simulator must refuse it too): the envelope of any
 * payload, form-encoded. Returns the parsed answer.
 */
export async function sendRaw(
  sim: RunningSimulator,
  cmd: string,
  payload: unknown,
  sender: { mode?: 'store' | 'agent'; uid?: string; key?: string } = {},
): Promise<Record<string, unknown>> {
  const key = sender.key ?? SAMPLE_STORE_KEY;
  const body = new URLSearchParams({
    [sender.mode === 'agent' ? 'agent_uid' : 'store_uid']: sender.uid ?? STORE,
    service: encryptJson({ service_name: 'api', cmd }, key),
    encry_data: encryptJson(payload, key),
  });
  const response = await fetch(sim.baseUrl, { method: 'POST', body });
  return (await response.json()) as Record<string, unknown>;
}

/** Seed 001's sample merchant (MYPAY LINK PayPage), registered by default. */
export const PAYPAGE = { uid: PAYPAGE_STORE_UID, key: PAYPAGE_STORE_KEY } as const;

/**
 * A command of the PayPage sample merchant, sent raw (wire JSON in, the answer's JSON text parsed out); `store_uid`
 * added but for the two queries, which have none.
 */
export function sendPaypage(
  sim: RunningSimulator,
  command: string,
  payload: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const inner =
    command === 'queryorder' || command === 'invoice' ? payload : { store_uid: PAYPAGE.uid, ...payload };
  return sendRaw(sim, `api/${command}`, inner, PAYPAGE);
}

/** `api/orders` of the PayPage sample merchant: one item of `cost`, plus whatever `extra` sets. */
export async function openPaypageOrder(
  sim: RunningSimulator,
  orderId: string,
  cost = 100,
  extra: Record<string, unknown> = {},
): Promise<{ uid: number; key: string; url: string }> {
  const answer = await sendPaypage(sim, 'orders', {
    user_id: 'phper',
    order_id: orderId,
    ip: '127.0.0.1',
    cost,
    items: [{ id: '1', name: '倚天劍模型', cost, amount: 1, total: cost }],
    ...extra,
  });
  if (answer.code !== '200') throw new Error(`orders ${orderId}: ${JSON.stringify(answer)}`);
  return answer as unknown as { uid: number; key: string; url: string };
}
