import { formatTaiwanTimestamp, taiwanBusinessDate } from '@tixclear/domain';
import { DomainError } from '@tixclear/domain';
import { httpBuildQuery } from '@tixclear/gateway-client';
import type { FaultRuleInput } from '@tixclear/gateway-simulator';
import { SimulatedCrash } from './crashes';
import { PaypageLoad } from './paypage-load';
import { Rng } from './random';
import { explain, GATEWAY_TIMEOUT_MS, type SimPartner, type World } from './world';

/** The `latency` fault's delay: longer than our client waits, so the answer is lost to a timeout. */
const LATENCY_MS = GATEWAY_TIMEOUT_MS + 200;

/** Fault classes the load may inject; each can be left out (`--faults`). */
export const FAULT_CLASSES = [
  'lost_answer',
  'transport',
  'reports',
  'forged',
  'payoff_items',
  'crash',
  'after_stop',
] as const;
export type FaultClass = (typeof FAULT_CLASSES)[number];

type Command = 'voucherservicepurchase' | 'vouchertransaction' | 'voucheroffline' | 'voucherrefund';
type QueryCommand = 'voucherservicequery' | 'voucherquery' | 'voucherrefundquery';

interface Sent {
  partner: SimPartner;
  command: Command;
  wire: Record<string, unknown>;
}

const SHARINGS = [
  { headquarters: '0.15', sales: '0.1', reimbursement: '0.75' },
  { headquarters: '0.2', sales: '0.3', reimbursement: '0.5' },
  { headquarters: '0.05', sales: '0.05', reimbursement: '0.9' },
  { headquarters: '0', sales: '0.25', reimbursement: '0.75' },
];
const COSTS = [50, 100, 120, 299, 500];
const QUERY_OF: Record<Command, QueryCommand> = {
  voucherservicepurchase: 'voucherservicequery',
  vouchertransaction: 'voucherquery',
  voucheroffline: 'voucherquery',
  voucherrefund: 'voucherrefundquery',
};

/**
 * The partners' and buyers' day: purchases paid, abandoned or left open; online and till redemptions; refunds;
 * queries; identical repeats and races; and, by the fault classes switched on, the gateway's and the process's
 * misbehaviour. Every choice comes from the seed's stream.
 */
export class Load {
  readonly #sent: Sent[] = [];
  /** Buyers who have the payment URL: pay, cancel, or walk away, at a tick of their choosing. */
  readonly #buyers: { uid: number; tick: number; action: 'pay' | 'cancel' }[] = [];
  #seq = 0;
  #tick = 0;
  stats = { requests: 0, crashes: 0, forged: 0, late: 0 };
  /** Answers by command and code, for `--verbose`. */
  readonly outcomes = new Map<string, number>();

  readonly #paypage: PaypageLoad;
  /** Whether a purchase leaves the numbering to the gateway: a stream of its own, the load's is drawn as before. */
  readonly #numbering: Rng;

  constructor(
    private readonly world: World,
    private readonly faults: ReadonlySet<FaultClass>,
  ) {
    this.#paypage = new PaypageLoad(world, faults, this.outcomes, this.stats);
    this.#numbering = new Rng(world.options.seed ^ 0x5e71a1);
  }

  get rng(): Rng {
    return this.world.rng;
  }

  /**
   * One tick of the day: a few requests one after the other (a race sends its requests at once), buyers deciding,
   * reports delivered. Sequential on purpose: the seed's stream is then drawn in one order, so a seed replays.
   */
  async tick(): Promise<void> {
    this.#tick += 1;
    const count = this.rng.between(1, 3);
    for (let i = 0; i < count; i += 1) {
      // Each request at its own moment: rows are ordered by time, not by chance among equal timestamps.
      await this.world.clock.advance(this.rng.between(5, 60) * 1000);
      await this.#oneAction();
      await this.world.quiesce();
    }
    for (const buyer of this.#buyers.filter((b) => b.tick <= this.#tick)) {
      this.#buyers.splice(this.#buyers.indexOf(buyer), 1);
      this.world.sim.control.settle(buyer.uid, buyer.action);
    }
    await this.world.quiesce();
    await this.#paypage.tick(this.#tick);
    await this.world.quiesce();
    if (this.faults.has('forged') && this.rng.chance(0.15)) await this.#forgeReport();
    if (this.faults.has('reports') && this.rng.chance(0.1)) await this.#replayOldReport();
    await this.world.quiesce();
  }

  /**
   * Standing faults of the business day: reports duplicated, held back out of order or suppressed; queries
   * refused with a code that does not say "not found" (a refusal is no evidence that an order never arrived).
   */
  standingFaults(): FaultRuleInput[] {
    const rules: FaultRuleInput[] = [];
    if (this.faults.has('reports')) {
      rules.push(
        { fault: 'notify_duplicate', probability: 0.15 },
        { fault: 'notify_out_of_order', probability: 0.15, ms: 20 },
        { fault: 'notify_suppress', probability: 0.15 },
      );
    }
    if (this.faults.has('transport')) {
      rules.push({
        fault: 'refuse',
        code: '100',
        command: ['voucherquery', 'voucherservicequery', 'voucherrefundquery'],
        probability: 0.1,
      });
    }
    return rules;
  }

  async #oneAction(): Promise<void> {
    const roll = this.rng.float();
    const stores = this.world.stores;
    const store = this.rng.pick(stores)!;
    if (roll < 0.3) return this.#purchase(store);
    if (roll < 0.5) return this.#redeem(store);
    if (roll < 0.62) return this.#offline(this.rng.pick(this.world.partners)!);
    if (roll < 0.72) return this.#refund(store);
    if (roll < 0.8) return this.#repeat();
    if (roll < 0.9) return this.#race();
    return this.#query();
  }

  #orderId(prefix: string): string {
    this.#seq += 1;
    return `${prefix}${this.world.options.seed}X${this.#seq}`;
  }

  async #purchase(partner: SimPartner): Promise<void> {
    const orderId = this.#orderId('P');
    const amount = this.rng.between(1, 3);
    const gifts = this.rng.chance(0.3) ? 1 : 0;
    const cost = this.rng.pick(COSTS)!;
    const today = this.world.clock.now();
    const end = new Date(today.getTime() + 365 * 86_400_000);
    const gatewayNumbers = this.#numbering.chance(0.25);
    const wire = {
      store_uid: partner.uid,
      order_id: orderId,
      pfn: '0',
      user_data: { user_id: `buyer${this.rng.int(50)}`, ip: '127.0.0.1' },
      cost: cost * amount,
      currency: 'TWD',
      items: [
        {
          id: this.rng.pick(['H01', 'H02'])!,
          name: '用餐券',
          amount,
          price: cost,
          cost,
          total_price: cost * amount,
          total_cost: cost * amount,
          gift_number: gifts,
          trust_start_date: taiwanBusinessDate(today).replace(/-/g, ''),
          trust_end_date: taiwanBusinessDate(end).replace(/-/g, ''),
          // A general customer's store leaves the numbering to the gateway now and then (docs/protocol.md §8).
          ...(gatewayNumbers
            ? { is_custom_serial: 0 }
            : {
                is_custom_serial: 1,
                // JSON in a string, as on the wire.
                serial_numbers: JSON.stringify(Array.from({ length: amount }, (_, i) => `${orderId}S${i}`)),
                gift_serial_numbers: JSON.stringify(
                  Array.from({ length: gifts }, (_, i) => `${orderId}G${i}`),
                ),
              }),
          sharing: this.rng.pick(SHARINGS)!,
        },
      ],
      declarations: [{ name: '用餐券', content: '<h6>使用需知</h6>' }],
    };
    const body = await this.#send({ partner, command: 'voucherservicepurchase', wire });
    this.#buyerOf(body);
  }

  /** A buyer who got the payment URL pays (mostly), cancels, or walks away; some come back later. */
  #buyerOf(body: Record<string, unknown> | undefined): void {
    const uid = Number(body?.uid);
    if (!body || String(body.code) !== '200' || !Number.isSafeInteger(uid)) return;
    const roll = this.rng.float();
    if (roll < 0.12) return; // walks away: the purchase stays open until the gateway's deadline
    this.#buyers.push({ uid, tick: this.#tick + this.rng.int(4), action: roll < 0.22 ? 'cancel' : 'pay' });
  }

  async #issued(
    partner: SimPartner,
    paidOnly = false,
  ): Promise<{ item_id: string; serial_number: string; purchase_operation_id: string }[]> {
    return this.world.db.dataSource.query(
      `SELECT item_id, serial_number, purchase_operation_id FROM vouchers
        WHERE partner_id = $1 AND state = 'issued' ${paidOnly ? 'AND is_paid' : ''}
        ORDER BY serial_number LIMIT 200`,
      [partner.id],
    );
  }

  async #redeem(partner: SimPartner): Promise<void> {
    const issued = await this.#issued(partner);
    const chosen = this.rng.sample(issued, this.rng.between(1, 2));
    if (this.rng.chance(0.08)) {
      // A voucher that is not redeemable any more: refused, changing nothing.
      const [used] = await this.world.db.dataSource.query<{ item_id: string; serial_number: string }[]>(
        `SELECT item_id, serial_number FROM vouchers WHERE partner_id = $1 AND state IN ('redeemed', 'refunded', 'void')
          ORDER BY serial_number LIMIT 1 OFFSET $2`,
        [partner.id, this.rng.int(5)],
      );
      if (used) chosen.push({ ...used, purchase_operation_id: '' });
    }
    if (chosen.length === 0) return;
    await this.#send({ partner, command: 'vouchertransaction', wire: this.#redemptionWire(partner, chosen) });
  }

  #redemptionWire(partner: SimPartner, vouchers: readonly { item_id: string; serial_number: string }[]) {
    return {
      store_uid: partner.uid,
      order_id: this.#orderId('R'),
      user_id: 'phper',
      ip: '127.0.0.1',
      items: vouchers.map((v) => ({ id: v.item_id, serial_number: v.serial_number })),
    };
  }

  async #offline(partner: SimPartner): Promise<void> {
    // A till redeems by the voucher's pay token: a store its own vouchers, a dealer any of its stores'.
    const owners = partner.mode === 'store' ? [partner] : this.world.stores;
    const owner = this.rng.pick(owners)!;
    const [voucher] = this.rng.sample(await this.#issued(owner), 1);
    if (!voucher) return;
    const token = this.world.sim.state.vouchers.find(
      (v) => v.issuerUid === owner.uid && (v.customSerialNo ?? v.serialNo) === voucher.serial_number,
    )?.payToken;
    if (!token) return;
    // At a store's own till, at one of the partner's redemption points, now and then at a point it never
    // registered (refused once points are checked).
    const roll = this.rng.float();
    const point =
      partner.mode === 'store' && roll < 0.5
        ? { reimbursement_from_type: 1, reimbursement_store_uid: partner.uid }
        : {
            reimbursement_from_type: 2,
            reimbursement_dealer_no: roll < 0.97 ? this.rng.pick(partner.dealerPoints)! : 'D999',
          };
    const wire = { order_id: this.#orderId('F'), pay_token: token, ...point };
    await this.#send({ partner, command: 'voucheroffline', wire });
  }

  async #refund(partner: SimPartner): Promise<void> {
    const issued = await this.#issued(partner, true);
    const [first] = this.rng.sample(issued, 1);
    if (!first) return;
    // The vouchers of one purchase (the gateway refuses vouchers of two buyers in one refund).
    const same = issued.filter((v) => v.purchase_operation_id === first.purchase_operation_id);
    const chosen = this.rng.sample(same, this.rng.between(1, 2));
    const wire = {
      store_uid: partner.uid,
      order_id: this.#orderId('B'),
      items: chosen.map((v) => ({ id: v.item_id, serial_number: v.serial_number })),
    };
    await this.#send({ partner, command: 'voucherrefund', wire });
  }

  /** An identical request again (a partner that did not get its answer): replayed, never done twice. */
  async #repeat(): Promise<void> {
    const previous = this.rng.pick(this.#sent.slice(-30));
    if (previous) await this.#send(previous, false);
  }

  /** The same request several times at once, or two orders for the same vouchers at once. */
  async #race(): Promise<void> {
    const store = this.rng.pick(this.world.stores)!;
    if (this.rng.chance(0.5)) {
      const previous = this.rng.pick(this.#sent.slice(-10));
      if (!previous) return;
      await Promise.all([
        this.#send(previous, false),
        this.#send(previous, false),
        this.#send(previous, false),
      ]);
      return;
    }
    const chosen = this.rng.sample(await this.#issued(store), 1);
    if (chosen.length === 0) return;
    const a = this.#redemptionWire(store, chosen);
    const b = { store_uid: store.uid, order_id: this.#orderId('B'), items: a.items };
    await Promise.all([
      this.#send({ partner: store, command: 'vouchertransaction', wire: a }),
      this.#send({
        partner: store,
        command: this.rng.chance(0.5) ? 'voucherrefund' : 'vouchertransaction',
        wire: this.rng.chance(0.5) ? b : { ...a, order_id: this.#orderId('R') },
      }),
    ]);
  }

  async #query(): Promise<void> {
    const previous = this.rng.pick(this.#sent.filter((s) => s.partner.mode === 'store').slice(-40));
    if (!previous) return;
    const wire = { store_uid: previous.partner.uid, order_id: previous.wire.order_id };
    await this.#guard(async () => {
      await this.world.ops.queries.query(
        await this.world.context(previous.partner),
        QUERY_OF[previous.command],
        wire,
      );
    });
  }

  /** Sends one partner request, with the faults of this seed around it. */
  async #send(request: Sent, record = true): Promise<Record<string, unknown> | undefined> {
    if (record) this.#sent.push(request);
    this.stats.requests += 1;
    this.#injectCallFault(request);
    if (this.faults.has('crash') && this.rng.chance(0.04))
      this.world.armCrash(this.rng.chance(0.5) ? 'before' : 'after');
    let body: Record<string, unknown> | undefined;
    await this.#guard(async () => {
      const context = await this.world.context(request.partner);
      const { ops } = this.world;
      const answer =
        request.command === 'voucherservicepurchase'
          ? await ops.purchases.purchase(context, request.wire)
          : request.command === 'vouchertransaction'
            ? await ops.redemptions.redeem(context, request.wire)
            : request.command === 'voucheroffline'
              ? await ops.offline.redeem(context, request.wire)
              : await ops.refunds.refund(context, request.wire);
      body = answer.body;
      this.#count(request.command, JSON.stringify(answer.body.code ?? null));
    }, request.command);
    this.world.disarm();
    // A slow gateway still applies the request after our client gave up: simulated time stands still until it
    // has (a latency rule may also delay a later request than the one it was drawn for).
    await this.world.gatewayIdle();
    return body;
  }

  /** A request ends in an answer, a coded refusal, or a simulated crash; anything else is a defect. */
  async #guard(work: () => Promise<void>, label = 'query'): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (error instanceof SimulatedCrash) {
        this.stats.crashes += 1;
        this.#count(label, 'crash');
        this.world.rebuild();
        return;
      }
      if (error instanceof DomainError) {
        this.#count(label, `${error.code}${error.field ? ` ${error.field}` : ''}`);
        return;
      }
      const where =
        error instanceof Error
          ? (error.stack ?? '').split('\n').find((l) => l.includes('/libs/'))
          : undefined;
      this.world.unexpected.push(
        `${label} ended in an uncoded error: ${explain(error)}${where ? ` (${where.trim()})` : ''}`,
      );
    }
  }

  #count(command: string, code: string): void {
    const key = `${command} ${code}`;
    this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + 1);
  }

  /** Adds this request's faults (a `latency` one holds it past our client's timeout). */
  #injectCallFault(request: Sent): void {
    const upstream = request.partner.uid;
    const rules: FaultRuleInput[] = [];
    if (this.faults.has('lost_answer') && this.rng.chance(0.1)) {
      rules.push({
        fault: this.rng.chance(0.6) ? 'commit_then_drop' : 'commit_then_error',
        command: request.command,
        merchant: upstream,
        times: 1,
      });
    }
    if (this.faults.has('transport') && this.rng.chance(0.1)) {
      const fault = this.rng.pick([
        'latency',
        'http_status',
        'http_429',
        'reset',
        'system_error',
        'garbage',
        'commit_then_status',
      ] as const)!;
      rules.push({
        fault,
        command: request.command,
        merchant: upstream,
        times: 1,
        ...(fault === 'latency' ? { ms: LATENCY_MS } : {}),
        ...(fault === 'http_status' ? { status: this.rng.pick([500, 502, 503])! } : {}),
        ...(fault === 'http_429' ? { retryAfterSeconds: 0 } : {}),
        // Applied, then a front end's 4xx, unfollowed 3xx or 429: unknown, never "not sent".
        ...(fault === 'commit_then_status' ? { status: this.rng.pick([302, 403, 429])! } : {}),
        // A reset on a reused keep-alive socket: after the request was written, so unknown too.
        ...(fault === 'reset' ? { reusedConnection: true } : {}),
      });
    }
    if (rules.length > 0) this.world.sim.control.addFaults(rules);
  }

  /**
   * A forged report: a genuine report's shape with another order's id, a success code and invented uid/key, posted
   * to the intake as the gateway would. Its target is an operation whose outcome is open or failed, and the
   * vouchers it names are any of the partner's.
   */
  async #forgeReport(): Promise<void> {
    const templates = this.world.sim.control.notifications().filter((n) => n.copy === 'original');
    const template = this.rng.pick(templates);
    if (!template) return;
    const command = template.command;
    const [target] = await this.world.db.dataSource.query<
      { upstream_order_id: string; partner_id: string; request: Record<string, unknown> }[]
    >(
      `SELECT upstream_order_id, partner_id, request FROM operations
        WHERE command = $1 AND state IN ('submitted', 'outcome_unknown', 'failed', 'awaiting_payment')
        ORDER BY created_at DESC, order_id LIMIT 1 OFFSET $2`,
      [command, this.rng.int(3)],
    );
    if (!target) return;
    const payload: Record<string, unknown> = {
      ...template.payload,
      order_id: target.upstream_order_id,
      uid: String(900_000 + this.rng.int(99_999)),
      key: this.rng.text(32, '0123456789abcdef'),
      code: command === 'voucherrefund' ? '230' : '250',
    };
    if (command === 'vouchertransaction') {
      const partner = this.world.partners.find((p) => p.id === target.partner_id);
      const own = partner ? await this.#issued(partner) : [];
      const named = (target.request.items as { id: string; serial_number: string }[] | undefined) ?? [];
      const items = this.rng.chance(0.5)
        ? named
        : this.rng.sample(own, 1).map((v) => ({ id: v.item_id, serial_number: v.serial_number }));
      payload.items = items.map((i) => ({ id: i.id, serial_number: i.serial_number, is_paid: 1 }));
      payload.reimbursement_date = formatTaiwanTimestamp(this.world.clock.now());
    }
    this.stats.forged += 1;
    await this.#post(httpBuildQuery(payload));
  }

  /** A report delivered again, late (a day or hours after the fact). */
  async #replayOldReport(): Promise<void> {
    const old = this.rng.pick(this.world.sim.control.notifications().slice(0, -5));
    if (!old) return;
    this.stats.late += 1;
    await this.#post(old.body);
  }

  async #post(body: string): Promise<void> {
    try {
      await fetch(this.world.receiverUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
    } catch (error) {
      this.world.unexpected.push(`report post failed: ${explain(error)}`);
    }
  }
}
