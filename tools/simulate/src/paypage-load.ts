import { DomainError } from '@tixclear/domain';
import type { FaultRuleInput } from '@tixclear/gateway-simulator';
import { SimulatedCrash } from './crashes';
import type { FaultClass } from './load';
import { Rng } from './random';
import { explain, GATEWAY_TIMEOUT_MS, type World } from './world';

/** Longer than our client waits: the answer is lost to a timeout, the gateway applies the request after. */
const LATENCY_MS = GATEWAY_TIMEOUT_MS + 200;
const COSTS = [300, 500, 1000, 1990];

/**
 * The PayPage store's day (`World.paypage`): payments opened (api/orders), paid by their buyers on the
 * simulator's page, cancelled or left open; partial refunds (api/refund), some for more than is left, and
 * identical refunds repeated; refunds cancelled before their upload (refundcancel). Its own seeded stream, so
 * that the voucher load draws what it drew before; the same fault classes (answers lost after the gateway
 * committed, timeouts, 5xx, crashes) around its calls.
 */
export class PaypageLoad {
  readonly #rng: Rng;
  readonly #buyers: { uid: number; tick: number; action: 'pay' | 'cancel' }[] = [];
  #seq = 0;

  constructor(
    private readonly world: World,
    private readonly faults: ReadonlySet<FaultClass>,
    private readonly outcomes: Map<string, number>,
    private readonly stats: { requests: number; crashes: number },
  ) {
    this.#rng = new Rng(world.options.seed ^ 0x0bad_9a9e);
  }

  async tick(tick: number): Promise<void> {
    const rng = this.#rng;
    if (rng.chance(0.6)) await this.#open(tick);
    if (rng.chance(0.35)) await this.#refund();
    if (rng.chance(0.15)) await this.#cancelRefund();
    for (const buyer of this.#buyers.filter((b) => b.tick <= tick)) {
      this.#buyers.splice(this.#buyers.indexOf(buyer), 1);
      this.world.sim.control.settle(buyer.uid, buyer.action);
    }
  }

  async #open(tick: number): Promise<void> {
    const partner = this.world.paypage;
    this.#seq += 1;
    const cost = this.#rng.pick(COSTS)!;
    const half = Math.floor(cost / 2);
    const wire = {
      store_uid: partner.uid,
      user_id: `payer${this.#rng.int(20)}`,
      user_name: '金城武',
      cost,
      currency: 'TWD',
      order_id: `Y${this.world.options.seed}X${this.#seq}`,
      ip: '127.0.0.1',
      pfn: 'CREDITCARD',
      items: [
        { id: 'P01', name: '演唱會門票', cost: half, amount: 1, total: half },
        { id: 'P02', name: '周邊商品', cost: cost - half, amount: 1, total: cost - half },
      ],
    };
    const body = await this.#send('orders', async () => {
      const answer = await this.world.ops.payments.open(await this.world.context(partner), wire);
      return answer.body;
    });
    const uid = Number(body?.uid);
    if (!body || !Number.isSafeInteger(uid) || uid <= 0) return;
    const roll = this.#rng.float();
    if (roll < 0.15) return; // walks away: open until the payment deadline
    this.#buyers.push({ uid, tick: tick + this.#rng.int(3), action: roll < 0.25 ? 'cancel' : 'pay' });
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
        WHERE p.kind = 'payment' AND p.partner_id = $1 AND p.state = 'paid' AND p.gateway_key IS NOT NULL
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
      await this.#send('refund', async () => {
        const answer = await this.world.ops.moneyRefunds.refund(await this.world.context(partner), wire);
        return answer.body;
      });
    }
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
    await this.#send('refundcancel', async () => {
      const context = await this.world.context(partner);
      const answer = await this.world.ops.paymentActions.cancelRefund(context, refund.order_id);
      return answer.body;
    });
  }

  /** One request with this seed's faults around it; ends in an answer, a coded refusal or a simulated crash. */
  async #send(
    command: 'orders' | 'refund' | 'refundcancel',
    work: () => Promise<Record<string, unknown>>,
  ): Promise<Record<string, unknown> | undefined> {
    this.stats.requests += 1;
    this.#injectFault(command);
    if (this.faults.has('crash') && this.#rng.chance(0.04))
      this.world.armCrash(this.#rng.chance(0.5) ? 'before' : 'after');
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

  #injectFault(command: string): void {
    const merchant = this.world.paypage.uid;
    const rules: FaultRuleInput[] = [];
    if (this.faults.has('lost_answer') && this.#rng.chance(0.1))
      rules.push({
        fault: this.#rng.chance(0.6) ? 'commit_then_drop' : 'commit_then_error',
        command,
        merchant,
        times: 1,
      });
    if (this.faults.has('transport') && this.#rng.chance(0.1)) {
      const fault = this.#rng.pick(['latency', 'http_status', 'system_error', 'garbage'] as const)!;
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
