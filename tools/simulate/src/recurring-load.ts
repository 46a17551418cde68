import { formatTaiwanDate } from '@tixclear/domain';
import type { FaultClass } from './load';
import type { PaypageLoad } from './paypage-load';
import { Rng } from './random';
import type { World } from './world';

const COSTS = [199, 300, 990];
const DAY_MS = 86_400_000;

/** What the recurring agreements did, for the seed's summary (`outcomes`). */
export const RECURRING_OUTCOMES = {
  due: 'recurring charge due',
  early: 'recurring charge early',
  afterStop: 'recurring charge after stop',
} as const;

/**
 * The PayPage store's recurring agreements (seed 001 定期定額): card payments opened with `regular` W or F (some
 * with `regular_total`), paid by the buyer on the page (charge 1); the gateway's later charges, each reported with
 * its own uid; stops through our engine (`disabledirectdebit`), under the same faults as the store's other calls.
 *
 * Every tick the gateway charges what its schedule makes due (`chargeDue`). A week is the shortest period and a
 * run lasts a few days, so the schedule alone would never charge: now and then the gateway also takes an
 * agreement's next charge early. The engine must not depend on the schedule, only on the report and its own
 * query of the charge's uid, so an early charge is one it must take like any other. With `after_stop`, the
 * gateway misbehaves: it charges a stopped agreement on or after the stop day, which the engine must not take.
 * Its own seeded stream, so that the PayPage store's other choices draw what they drew before.
 */
export class RecurringLoad {
  readonly #rng: Rng;
  readonly #buyers: { uid: number; tick: number }[] = [];
  #seq = 0;

  constructor(
    private readonly world: World,
    private readonly paypage: PaypageLoad,
    private readonly faults: ReadonlySet<FaultClass>,
    private readonly outcomes: Map<string, number>,
  ) {
    this.#rng = new Rng(world.options.seed ^ 0x7e_c0a1);
  }

  async tick(tick: number): Promise<void> {
    const rng = this.#rng;
    if (rng.chance(0.3)) await this.#open(tick);
    for (const buyer of this.#buyers.filter((b) => b.tick <= tick)) {
      this.#buyers.splice(this.#buyers.indexOf(buyer), 1);
      this.world.sim.control.settle(buyer.uid, 'pay', { pfn: 'CREDITCARD' });
    }
    const control = this.world.sim.control;
    this.#count(RECURRING_OUTCOMES.due, control.chargeDue().length);
    // Early: the days of a run are fewer than a period; the engine must take a charge whenever it is reported.
    if (rng.chance(0.3)) {
      // A stopped one too: before its stop day the gateway still charges, on or after it refuses (not moved).
      const agreement = rng.pick(this.#agreements(() => true));
      if (agreement && control.charge(agreement.uid).moved) this.#count(RECURRING_OUTCOMES.early);
    }
    if (rng.chance(0.1)) await this.#stop();
    if (this.faults.has('after_stop') && rng.chance(0.25)) {
      // A gateway that charges on or after the stop day of our disabledirectdebit anyway.
      const today = formatTaiwanDate(this.world.clock.now());
      const stopped = this.#agreements((o) => o.recurring.stopFrom !== null && o.recurring.stopFrom <= today);
      const agreement = rng.pick(stopped);
      if (agreement && control.charge(agreement.uid, { ignoreStop: true }).moved)
        this.#count(RECURRING_OUTCOMES.afterStop);
    }
  }

  async #open(tick: number): Promise<void> {
    const partner = this.world.paypage;
    this.#seq += 1;
    const cost = this.#rng.pick(COSTS)!;
    const wire = {
      store_uid: partner.uid,
      user_id: `subscriber${this.#rng.int(10)}`,
      user_name: '金城武',
      cost,
      currency: 'TWD',
      order_id: `Y${this.world.options.seed}R${this.#seq}`,
      ip: '127.0.0.1',
      pfn: 'CREDITCARD',
      regular: this.#rng.pick(['W', 'F'])!,
      regular_total: this.#rng.chance(0.7) ? '0' : String(this.#rng.between(2, 4)),
      items: [{ id: 'S01', name: '月費會員', cost, amount: 1, total: cost }],
    };
    const body = await this.paypage.send(
      'orders',
      async () => (await this.world.ops.payments.open(await this.world.context(partner), wire)).body,
      partner.uid,
      this.#rng,
    );
    const uid = Number(body?.uid);
    if (!body || !Number.isSafeInteger(uid) || uid <= 0) return;
    // Most subscribers pay (charge 1); some walk away and the agreement never starts.
    if (this.#rng.chance(0.9)) this.#buyers.push({ uid, tick: tick + this.#rng.int(2) });
  }

  /**
   * Our disabledirectdebit of a paid agreement, from tomorrow or the day after (the gateway refuses today: B500),
   * through the operations layer the API's door uses; now and then today, which is refused and changes nothing.
   */
  async #stop(): Promise<void> {
    const partner = this.world.paypage;
    const rows = await this.world.db.dataSource.query<{ order_id: string; uid: string }[]>(
      `SELECT p.order_id, p.gateway_uid AS uid FROM operations p
        WHERE p.partner_id = $1 AND p.command = 'orders' AND p.state = 'paid' AND p.request ? 'regular'
          AND NOT EXISTS (SELECT 1 FROM operations s WHERE s.partner_id = p.partner_id
                            AND s.command = 'disabledirectdebit' AND s.request->>'order_id' = p.order_id
                            AND s.state <> 'failed')
        ORDER BY p.order_id`,
      [partner.id],
    );
    const agreement = this.#rng.pick(rows);
    const group = agreement && this.world.sim.state.orders.get(Number(agreement.uid))?.recurring?.groupId;
    if (!agreement || !group) return;
    const days = this.#rng.chance(0.1) ? 0 : this.#rng.between(1, 2);
    const wire = {
      store_uid: partner.uid,
      order_id: agreement.order_id,
      group_id: group,
      stop_time: formatTaiwanDate(new Date(this.world.clock.now().getTime() + days * DAY_MS)),
      stop_reason: '會員取消',
    };
    await this.paypage.send(
      'disabledirectdebit',
      async () =>
        (
          await this.world.ops.paymentActions.run(
            await this.world.context(partner),
            'disabledirectdebit',
            wire,
          )
        ).body,
      partner.uid,
      this.#rng,
    );
  }

  /** The store's recurring orders at the gateway whose first charge was paid, in uid order. */
  #agreements(keep: (order: { recurring: { stopFrom: string | null } }) => boolean): { uid: number }[] {
    return [...this.world.sim.state.orders.values()]
      .filter(
        (o) =>
          o.merchantUid === this.world.paypage.uid &&
          o.recurring !== null &&
          o.recurring.charges.length > 0 &&
          keep({ recurring: o.recurring }),
      )
      .sort((a, b) => a.uid - b.uid);
  }

  #count(key: string, n = 1): void {
    if (n > 0) this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + n);
  }
}
