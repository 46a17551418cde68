import { z } from 'zod';
import {
  faultRuleSchema,
  type FaultFiring,
  type FaultPlanInput,
  type FaultRule,
  type FaultRuleInput,
  type PayoffItemRates,
} from './faults';
import { parseTaiwanDate } from '@tixclear/domain';
import {
  approveBatch,
  batchState,
  chargeDue,
  chargeRecurring,
  completeBatch,
  endDeferred,
  endOrderDeferred,
  forceOutcomes,
  settleBinding,
  settleOrder,
  settlePurchase,
  type PaymentAction,
} from './flows/index';
import { viewOf, type MerchantConfig, type MerchantView } from './merchants';
import type { NotificationRecord } from './notifier';
import type { Simulator } from './simulator';
import { trustedVouchers, type HoldingMovement, type HoldingsBalance } from './state/holdings';
import type { PayoffBatch, RequestLogEntry } from './state/types';

/*
 * The control API: what a test (or a person at the command line) may do to the simulated gateway besides
 * speaking the protocol. The HTTP endpoints under /_control/* are a thin layer over this class, and
 * startSimulator() hands out the same object, so in-process tests and out-of-process ones see one behaviour.
 */

/** A control request that cannot be done; `status` is the HTTP status the endpoint answers with. */
export class ControlError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}

export const payoffOutcomesSchema = z.record(z.string(), z.enum(['C1001', 'C2001', 'C2002']));

export interface BatchRef {
  /** The batch's store; optional when the group_id is unique across stores. */
  readonly storeUid?: string | undefined;
}

export class Control {
  readonly #sim: Simulator;

  constructor(simulator: Simulator) {
    this.#sim = simulator;
  }

  /** Back to the state right after start (see Simulator.reset); optionally with another seed. */
  reset(options: { seed?: number } = {}): void {
    this.#sim.reset(options);
  }

  // --- faults

  faults(): {
    seed: number;
    rules: (FaultRule & { remaining: number | undefined })[];
    payoffItemRates: PayoffItemRates;
    fired: FaultFiring[];
  } {
    return { seed: this.#sim.seed, ...this.#sim.faults.snapshot() };
  }

  /** Replaces the plan (rules and pay-off item rates). */
  setFaults(plan: FaultPlanInput): void {
    this.#wrap(() => this.#sim.faults.setPlan(plan));
  }

  /** Adds rules after the existing ones, e.g. `{ command: 'vouchertransaction', fault: 'commit_then_drop', times: 1 }`. */
  addFaults(rules: FaultRuleInput | readonly FaultRuleInput[]): FaultRule[] {
    const list = Array.isArray(rules) ? (rules as readonly FaultRuleInput[]) : [rules as FaultRuleInput];
    return this.#wrap(() => this.#sim.faults.addRules(list.map((rule) => faultRuleSchema.parse(rule))));
  }

  removeFault(id: string): void {
    if (!this.#sim.faults.removeRule(id))
      throw new ControlError(404, 'NO_SUCH_FAULT', `No fault rule ${id}.`);
  }

  clearFaults(): void {
    this.#sim.faults.clear();
  }

  setPayoffItemRates(rates: { C2001?: number; C2002?: number }): void {
    this.#wrap(() => this.#sim.faults.setPayoffItemRates(rates));
  }

  // --- merchants

  merchants(): MerchantView[] {
    const now = this.#sim.settings.clock.now();
    return this.#sim.merchants.list().map((m) => viewOf(m, now));
  }

  /** Registers (or replaces) a merchant until the next reset. */
  addMerchant(config: MerchantConfig): MerchantView {
    const merchant = this.#wrap(() => this.#sim.merchants.add(config));
    return viewOf(merchant, this.#sim.settings.clock.now());
  }

  // --- the buyer

  /** What the payment page's buttons do, for a voucher purchase or a PayPage order by uid. */
  settle(
    uid: number,
    action: PaymentAction,
    options: { pfn?: string } = {},
  ): { uid: number; code: string; moved: boolean } {
    const { state, services } = this.#sim;
    const purchase = state.purchases.get(uid);
    if (purchase !== undefined) {
      const { moved } = settlePurchase(services, purchase, action, options.pfn);
      return { uid, code: purchase.code, moved };
    }
    const order = state.orders.get(uid);
    if (order === undefined) throw new ControlError(404, 'NO_SUCH_ORDER', `No order with uid ${uid}.`);
    const { moved } = settleOrder(services, order, action, options.pfn);
    return { uid, code: order.prc, moved };
  }

  /**
   * A deferred payment's other ends, for a voucher purchase or a PayPage order: `expire` (380) or `mismatch`
   * (paid, wrong amount: 290). A waiting deferred payment (260/270/280) is paid with `pay`.
   */
  endDeferred(uid: number, end: 'expire' | 'mismatch'): { uid: number; code: string; moved: boolean } {
    const purchase = this.#sim.state.purchases.get(uid);
    if (purchase !== undefined) {
      const { moved } = endDeferred(this.#sim.services, purchase, end);
      return { uid, code: purchase.code, moved };
    }
    const order = this.#sim.state.orders.get(uid);
    if (order === undefined) throw new ControlError(404, 'NO_SUCH_ORDER', `No order with uid ${uid}.`);
    const { moved } = endOrderDeferred(this.#sim.services, order, end);
    return { uid, code: order.prc, moved };
  }

  /**
   * The next charge of a recurring (direct debit) PayPage order; `moved` false when stopped, unpaid or complete.
   * `ignoreStop` plays a gateway that charges after the stop day anyway (a fault, for the engine's guard).
   */
  charge(
    uid: number,
    options: { ignoreStop?: boolean } = {},
  ): { uid: number; code: string; moved: boolean; nois: number; chargeUid: number | null } {
    const order = this.#sim.state.orders.get(uid);
    if (order === undefined)
      throw new ControlError(404, 'NO_SUCH_ORDER', `No PayPage order with uid ${uid}.`);
    const { moved, nois } = chargeRecurring(this.#sim.services, order, options.ignoreStop === true);
    const chargeUid = moved ? (order.recurring?.charges.at(-1)?.uid ?? null) : null;
    return { uid, code: order.prc, moved, nois, chargeUid };
  }

  /**
   * What the gateway does each period: every recurring order's charges due by the simulator's clock (a period
   * after the first charge, until stopped or complete), each a transaction of its own uid, reported.
   */
  chargeDue(): { uid: number; nois: number; chargeUid: number }[] {
    return chargeDue(this.#sim.services);
  }

  /** What the e-wallet binding page does: `bind` the buyer's card (reported) or `fail`. */
  bindEwallet(
    uid: number,
    action: 'bind' | 'fail' = 'bind',
  ): { uid: number; status: string; moved: boolean } {
    const binding = this.#sim.state.bindings.get(uid);
    if (binding === undefined) throw new ControlError(404, 'NO_SUCH_BINDING', `No e-wallet binding ${uid}.`);
    const { moved } = settleBinding(this.#sim.services, binding, action);
    return { uid, status: binding.status, moved };
  }

  // --- money held for merchants

  /**
   * What the gateway holds for a merchant at the end of Taiwan day `date` (YYYYMMDD), or now when absent: the
   * total and its parts by kind (see state/holdings.ts).
   */
  holdings(merchantUid: string, date?: string): HoldingsBalance {
    if (date !== undefined) {
      try {
        parseTaiwanDate(date, 'date');
      } catch {
        throw new ControlError(400, 'INVALID_INPUT', `date must be YYYYMMDD, not ${JSON.stringify(date)}.`);
      }
    }
    if (!this.#sim.merchants.list().some((m) => m.uid === merchantUid))
      throw new ControlError(404, 'NO_SUCH_MERCHANT', `No merchant ${merchantUid}.`);
    this.#expireTrusts();
    return this.#sim.state.holdings.balance(merchantUid, date);
  }

  /** Every movement of a merchant's holdings, oldest first. */
  holdingMovements(merchantUid: string): HoldingMovement[] {
    this.#expireTrusts();
    return this.#sim.state.holdings.movements(merchantUid);
  }

  /** Trusts that ended by now release their unused paid vouchers' value (state/holdings.ts). */
  #expireTrusts(): void {
    const { state, settings } = this.#sim;
    state.holdings.expireTrusts(trustedVouchers(state.vouchers, state.purchases), settings.clock.now());
  }

  pay(uid: number, options: { pfn?: string } = {}): { uid: number; code: string; moved: boolean } {
    return this.settle(uid, 'pay', options);
  }

  cancel(uid: number): { uid: number; code: string; moved: boolean } {
    return this.settle(uid, 'cancel');
  }

  // --- pay-off batches

  batch(groupId: string, ref: BatchRef = {}): Record<string, unknown> {
    return batchState(this.#batch(groupId, ref));
  }

  /** The approver releases an S01 batch (409 otherwise); `hold` leaves it S03 until completeBatch. */
  approveBatch(groupId: string, ref: BatchRef & { hold?: boolean } = {}): Record<string, unknown> {
    const batch = this.#batch(groupId, ref);
    if (!approveBatch(this.#sim.services, batch, { hold: ref.hold === true })) {
      throw new ControlError(
        409,
        'BATCH_NOT_AWAITING_APPROVAL',
        `Batch ${groupId} is ${batch.code}, not S01.`,
      );
    }
    return batchState(batch);
  }

  /** The remittance result of an S03 batch, now (409 otherwise). */
  completeBatch(groupId: string, ref: BatchRef = {}): Record<string, unknown> {
    const batch = this.#batch(groupId, ref);
    if (!completeBatch(this.#sim.services, batch)) {
      throw new ControlError(409, 'BATCH_NOT_REMITTING', `Batch ${groupId} is ${batch.code}, not S03.`);
    }
    return batchState(batch);
  }

  /** Forces the next outcome of items: `{ P1: 'C2001', P2: 'C2002' }`. Each is used once. */
  setItemOutcomes(
    groupId: string,
    outcomes: Readonly<Record<string, 'C1001' | 'C2001' | 'C2002'>>,
    ref: BatchRef = {},
  ): Record<string, unknown> {
    const batch = this.#batch(groupId, ref);
    const parsed = this.#wrap(() => payoffOutcomesSchema.parse(outcomes));
    const unknown = forceOutcomes(batch, parsed);
    if (unknown.length > 0)
      throw new ControlError(404, 'NO_SUCH_ITEM', `Not in batch ${groupId}: ${unknown.join(', ')}.`);
    return batchState(batch);
  }

  // --- observation

  notifications(): NotificationRecord[] {
    return this.#sim.notifier.list();
  }

  /** Waits until every report is delivered, failed or given up, then lists them. */
  async notificationsSettled(): Promise<NotificationRecord[]> {
    await this.#sim.notifier.settled();
    return this.#sim.notifier.list();
  }

  requests(): RequestLogEntry[] {
    return [...this.#sim.state.requests];
  }

  snapshot(): Record<string, unknown> {
    return {
      seed: this.#sim.seed,
      merchants: this.merchants(),
      ...this.#sim.state.snapshot(),
      notifications: this.notifications(),
      faults: this.#sim.faults.snapshot(),
    };
  }

  #batch(groupId: string, ref: BatchRef): PayoffBatch {
    const matches = [...this.#sim.state.batches.values()].filter(
      (b) => b.groupId === groupId && (ref.storeUid === undefined || b.storeUid === ref.storeUid),
    );
    if (matches.length === 0) throw new ControlError(404, 'NO_SUCH_BATCH', `No batch ${groupId}.`);
    if (matches.length > 1)
      throw new ControlError(400, 'AMBIGUOUS_BATCH', `Several stores have batch ${groupId}: name the store.`);
    return matches[0] as PayoffBatch;
  }

  /** Configuration mistakes (zod, key or fee-schedule errors) become 400s naming what was wrong. */
  #wrap<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (error instanceof ControlError) throw error;
      if (error instanceof z.ZodError) throw new ControlError(400, 'INVALID_INPUT', z.prettifyError(error));
      if (error instanceof Error) throw new ControlError(400, 'INVALID_INPUT', error.message);
      throw error;
    }
  }
}
