import { DomainError } from '@tixclear/domain';
import type { FaultRuleInput } from '@tixclear/gateway-simulator';
import { SimulatedCrash } from './crashes';
import type { FaultClass } from './load';
import { Rng } from './random';
import { RecurringLoad } from './recurring-load';
import { explain, GATEWAY_TIMEOUT_MS, type World } from './world';

/** Longer than our client waits: the answer is lost to a timeout, the gateway applies the request after. */
const LATENCY_MS = GATEWAY_TIMEOUT_MS + 200;
const COSTS = [300, 500, 1000, 1990];
const MINUTE = 60_000;
/** The gateway's own limit for a deferred payment when the order names none (`limit_pay_days`, 7 days). */
const DEFERRED_LIMIT_MS = 7 * 86_400_000;

/** A buyer's next step: at a tick of the day (`tick`), or, for a deferred payment, at an instant (`at`, ms). */
interface Buyer {
  uid: number;
  tick: number;
  at?: number;
  action: 'pay' | 'cancel' | 'expire';
  pfn: string;
}

/**
 * The PayPage store's day (`World.paypage`): payments opened (api/orders), paid by their buyers on the
 * simulator's page, cancelled or left open; partial refunds (api/refund), some for more than is left, and
 * identical refunds repeated; refunds cancelled before their upload (refundcancel). Its own seeded stream, so
 * that the voucher load draws what it drew before; the same fault classes (answers lost after the gateway
 * committed, timeouts, 5xx, crashes) around its calls.
 */
export class PaypageLoad {
  readonly #rng: Rng;
  readonly #buyers: Buyer[] = [];
  readonly #recurring: RecurringLoad;
  #seq = 0;

  constructor(
    private readonly world: World,
    private readonly faults: ReadonlySet<FaultClass>,
    private readonly outcomes: Map<string, number>,
    private readonly stats: { requests: number; crashes: number },
  ) {
    this.#rng = new Rng(world.options.seed ^ 0x0bad_9a9e);
    this.#recurring = new RecurringLoad(world, this, faults, outcomes);
  }

  async tick(tick: number): Promise<void> {
    const rng = this.#rng;
    if (rng.chance(0.6)) await this.#open(tick);
    if (rng.chance(0.35)) await this.#refund();
    if (rng.chance(0.15)) await this.#cancelRefund();
    if (rng.chance(0.25)) await this.#esvcRefund();
    const now = this.world.clock.now().getTime();
    for (const buyer of this.#buyers.filter((b) => (b.at === undefined ? b.tick <= tick : b.at <= now))) {
      this.#buyers.splice(this.#buyers.indexOf(buyer), 1);
      this.#settle(buyer, tick);
    }
    await this.#recurring.tick(tick);
  }

  /**
   * The buyer on the page. With a deferred tool (ATM 270, convenience store 260) paying only opens the wait, as
   * long as the gateway keeps the code payable (its deadline, 7 days by default): the money arrives at any time
   * before it (a second pay, 250; at the first tick after that instant, nights and later days included), or
   * never, and the gateway expires the code at its deadline (380). Our own payment deadline is shorter and does
   * not close such a payment (the reconciler leaves 260/270/280 to the gateway): it waits, overdue for an
   * operator past its horizon, until the gateway's word settles it.
   */
  #settle(buyer: Buyer, tick: number): void {
    const control = this.world.sim.control;
    if (buyer.action === 'expire') {
      control.endDeferred(buyer.uid, 'expire');
      return;
    }
    const { code } = control.settle(buyer.uid, buyer.action, { pfn: buyer.pfn });
    if (buyer.action === 'pay' && (code === '260' || code === '270')) {
      const now = this.world.clock.now().getTime();
      const deadline =
        this.world.sim.state.orders.get(buyer.uid)?.deferred?.expiresAt.getTime() ?? now + DEFERRED_LIMIT_MS;
      const pays = this.#rng.chance(0.7);
      // Paid a minute after the code is given at the earliest, a minute before the deadline at the latest.
      const minutes = Math.max(1, Math.floor((deadline - now) / MINUTE) - 1);
      this.#buyers.push({
        uid: buyer.uid,
        tick,
        at: pays ? now + this.#rng.between(1, minutes) * MINUTE : deadline,
        action: pays ? 'pay' : 'expire',
        pfn: buyer.pfn,
      });
    }
  }

  async #open(tick: number): Promise<void> {
    const partner = this.world.paypage;
    this.#seq += 1;
    const cost = this.#rng.pick(COSTS)!;
    const half = Math.floor(cost / 2);
    const pfn = this.#rng.chance(0.25)
      ? this.#rng.pick(['E_COLLECTION', 'CSTORECODE'] as const)!
      : 'CREDITCARD';
    const wire = {
      store_uid: partner.uid,
      user_id: `payer${this.#rng.int(20)}`,
      user_name: '金城武',
      cost,
      currency: 'TWD',
      order_id: `Y${this.world.options.seed}X${this.#seq}`,
      ip: '127.0.0.1',
      pfn,
      items: [
        { id: 'P01', name: '演唱會門票', cost: half, amount: 1, total: half },
        { id: 'P02', name: '周邊商品', cost: cost - half, amount: 1, total: cost - half },
      ],
    };
    const body = await this.send('orders', async () => {
      const answer = await this.world.ops.payments.open(await this.world.context(partner), wire);
      return answer.body;
    });
    const uid = Number(body?.uid);
    if (!body || !Number.isSafeInteger(uid) || uid <= 0) return;
    const roll = this.#rng.float();
    if (roll < 0.15) return; // walks away: open until the payment deadline
    const action = roll < 0.25 && pfn === 'CREDITCARD' ? 'cancel' : 'pay';
    this.#buyers.push({ uid, tick: tick + this.#rng.int(3), action, pfn });
  }

  /** A partial refund of a paid payment; now and then more than is left, or an identical one again. */
  async #refund(): Promise<void> {
    const partner = this.world.paypage;
    const paid = await this.world.db.dataSource.query<
      { uid: string; key: string; cost: number; refunded: number }[]
    >(
      `SELECT p.gateway_uid AS uid, p.gateway_key AS key,
              coalesce(nullif(p.response->>'actual_cost', '')::int, (p.request->>'cost')::int) AS cost,
              coalesce((SELECT sum((r.request->>'cost')::int) FROM operations r
                         WHERE r.kind = 'pay_refund' AND r.partner_id = p.partner_id
                           AND r.request->>'uid' = p.gateway_uid AND r.state <> 'failed'), 0)::int AS refunded
         FROM operations p
        WHERE p.kind = 'payment' AND p.command = 'orders' AND p.partner_id = $1 AND p.state = 'paid'
          AND p.gateway_key IS NOT NULL
        ORDER BY p.order_id`,
      [partner.id],
    );
    const order = this.#rng.pick(paid);
    if (!order) return;
    const left = order.cost - order.refunded;
    const cost =
      this.#rng.chance(0.1) || left <= 0 ? left + this.#rng.between(1, 50) : this.#rng.between(1, left);
    const wire = { store_uid: partner.uid, uid: order.uid, key: order.key, cost };
    const times = this.#rng.chance(0.1) ? 2 : 1;
    for (let i = 0; i < times; i += 1) {
      await this.send('refund', async () => {
        const answer = await this.world.ops.moneyRefunds.refund(await this.world.context(partner), wire);
        return answer.body;
      });
    }
  }

  /**
   * An e-ticket refund (esvcrefund, seed 003) by the order's uid: of a PayPage payment, or of a store's voucher
   * purchase. Amounts that are whole unused vouchers (booked by moving them to refunded), part of one (an
   * operator item), or more than is left (B500).
   */
  async #esvcRefund(): Promise<void> {
    const purchase = this.#rng.chance(0.6);
    const rows = await this.world.db.dataSource.query<
      {
        partner_id: string;
        uid: string;
        key: string;
        cost: number;
        refunded: number;
        unused: number[] | null;
      }[]
    >(
      `SELECT p.partner_id, p.gateway_uid AS uid, p.gateway_key AS key,
              coalesce(nullif(p.response->>'actual_cost', '')::int, (p.request->>'cost')::int) AS cost,
              coalesce((SELECT sum((r.request->>'cost')::int) FROM operations r
                         WHERE r.kind = 'pay_refund' AND r.partner_id = p.partner_id
                           AND r.request->>'uid' = p.gateway_uid AND r.state <> 'failed'), 0)::int AS refunded,
              (SELECT array_agg(v.cost ORDER BY v.serial_number) FROM vouchers v
                WHERE v.purchase_operation_id = p.id AND v.is_paid AND v.state = 'issued') AS unused
         FROM operations p
        WHERE p.kind = $1 AND p.command <> 'recurring_charge' AND p.state = 'paid' AND p.gateway_key IS NOT NULL AND p.gateway_uid IS NOT NULL
          AND (p.partner_id = $2) = $3
        ORDER BY p.order_id`,
      [purchase ? 'purchase' : 'payment', this.world.paypage.id, !purchase],
    );
    const order = this.#rng.pick(rows);
    if (!order) return;
    const partner = this.world.partners.find((p) => p.id === order.partner_id) ?? this.world.paypage;
    const left = order.cost - order.refunded;
    const unused = (order.unused ?? []).map(Number);
    const roll = this.#rng.float();
    let cost: number;
    if (roll < 0.45 && unused.length > 0) {
      // Whole vouchers: a random non-empty subset of the unused ones.
      cost = unused.filter(() => this.#rng.chance(0.5)).reduce((a, b) => a + b, 0) || unused[0]!;
    } else if (roll < 0.85 && left > 0) cost = this.#rng.between(1, left);
    else cost = Math.max(left, 0) + this.#rng.between(1, 50);
    const wire = { store_uid: partner.uid, uid: order.uid, key: order.key, cost };
    await this.send(
      'esvcrefund',
      async () => {
        const answer = await this.world.ops.moneyRefunds.esvcRefund(await this.world.context(partner), wire);
        return answer.body;
      },
      partner.uid,
    );
  }

  /** A refund taken back before its upload (the next Taiwan midnight); after it, the gateway refuses. */
  async #cancelRefund(): Promise<void> {
    const partner = this.world.paypage;
    const refunds = await this.world.db.dataSource.query<{ order_id: string }[]>(
      `SELECT r.order_id FROM operations r
        WHERE r.kind = 'pay_refund' AND r.partner_id = $1 AND r.state = 'succeeded'
          AND NOT EXISTS (SELECT 1 FROM operations c WHERE c.partner_id = r.partner_id
                            AND c.command = 'refundcancel' AND c.request->>'uid' = r.gateway_uid)
        ORDER BY r.created_at DESC, r.order_id LIMIT 5`,
      [partner.id],
    );
    const refund = this.#rng.pick(refunds);
    if (!refund) return;
    await this.send('refundcancel', async () => {
      const context = await this.world.context(partner);
      const answer = await this.world.ops.paymentActions.cancelRefund(context, refund.order_id);
      return answer.body;
    });
  }

  /**
   * One request with this seed's faults around it; ends in an answer, a coded refusal or a simulated crash. The
   * faults are drawn from `rng` (the recurring agreements' own stream when they send).
   */
  async send(
    command: 'orders' | 'refund' | 'refundcancel' | 'esvcrefund' | 'disabledirectdebit',
    work: () => Promise<Record<string, unknown>>,
    merchant = this.world.paypage.uid,
    rng: Rng = this.#rng,
  ): Promise<Record<string, unknown> | undefined> {
    this.stats.requests += 1;
    this.#injectFault(command, merchant, rng);
    if (this.faults.has('crash') && rng.chance(0.04))
      this.world.armCrash(rng.chance(0.5) ? 'before' : 'after');
    let body: Record<string, unknown> | undefined;
    try {
      body = await work();
      this.#count(command, JSON.stringify(body.code ?? null));
    } catch (error) {
      if (error instanceof SimulatedCrash) {
        this.stats.crashes += 1;
        this.#count(command, 'crash');
        this.world.rebuild();
      } else if (error instanceof DomainError) {
        this.#count(command, `${error.code}${error.field ? ` ${error.field}` : ''}`);
      } else {
        this.world.unexpected.push(`${command} ended in an uncoded error: ${explain(error)}`);
      }
    }
    this.world.disarm();
    await this.world.gatewayIdle();
    return body;
  }

  #injectFault(command: string, merchant: string, rng: Rng): void {
    const rules: FaultRuleInput[] = [];
    if (this.faults.has('lost_answer') && rng.chance(0.1))
      rules.push({
        fault: rng.chance(0.6) ? 'commit_then_drop' : 'commit_then_error',
        command,
        merchant,
        times: 1,
      });
    if (this.faults.has('transport') && rng.chance(0.1)) {
      const fault = rng.pick(['latency', 'http_status', 'system_error', 'garbage'] as const)!;
      rules.push({
        fault,
        command,
        merchant,
        times: 1,
        ...(fault === 'latency' ? { ms: LATENCY_MS } : {}),
        ...(fault === 'http_status' ? { status: 503 } : {}),
      });
    }
    if (rules.length > 0) this.world.sim.control.addFaults(rules);
  }

  #count(command: string, code: string): void {
    const key = `${command} ${code}`;
    this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + 1);
  }
}
