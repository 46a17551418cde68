import { Faults, type FaultPlanInput } from './faults';
import type { PayoffSettings, Services } from './flows/index';
import { MerchantRegistry, type Merchant, type MerchantConfig } from './merchants';
import { Notifier } from './notifier';
import {
  randomStreams,
  SeededIds,
  Timers,
  type Clock,
  type IdGenerator,
  type Random,
  type RandomStreams,
} from './ports';
import type { CommandNames } from './routes/api-init';
import { SimulatorState } from './state/store';

/*
 * The simulated gateway without its HTTP skin: state, merchants, faults, reports and timers, wired once. The
 * server and the programmatic API both drive this object, so they cannot disagree.
 */

export interface NotificationSettings {
  /** Attempts in all (seed: 5). */
  readonly attempts: number;
  /** Delays before the 2nd, 3rd, ... attempt (the last repeats). */
  readonly backoffMs: readonly number[];
  readonly timeoutMs: number;
}

export interface SimulatorSettings {
  readonly seed: number;
  readonly merchants: readonly MerchantConfig[];
  readonly faults: FaultPlanInput;
  readonly clock: Clock;
  /** Makes the id generator from the seeded `ids` stream (again on every reset). */
  readonly ids: (random: Random, firstUid: number) => IdGenerator;
  readonly firstUid: number;
  readonly notifications: NotificationSettings;
  readonly payoff: PayoffSettings;
  readonly commandNames: CommandNames;
  readonly log: (line: string) => void;
}

export const defaultIds = (random: Random, firstUid: number): IdGenerator => new SeededIds(random, firstUid);

export class Simulator {
  readonly state = new SimulatorState();
  readonly merchants = new MerchantRegistry();
  readonly timers = new Timers();
  /** Requests being handled (a held `latency` one included): a caller can wait until the gateway is idle. */
  readonly handling = new Set<Promise<void>>();
  readonly faults: Faults;
  readonly notifier: Notifier;
  readonly services: Services;
  readonly settings: SimulatorSettings;
  #seed: number;
  #streams: RandomStreams;
  #ids: IdGenerator;
  #publicUrl = 'http://127.0.0.1';

  constructor(settings: SimulatorSettings) {
    this.settings = settings;
    this.#seed = settings.seed;
    this.#streams = randomStreams(settings.seed);
    this.#ids = settings.ids(this.#streams.ids, settings.firstUid);
    this.faults = new Faults(
      () => this.#streams.faults,
      () => settings.clock.now(),
    );
    this.notifier = new Notifier({ ...settings.notifications, clock: settings.clock });
    for (const merchant of settings.merchants) this.merchants.add(merchant);
    this.faults.setPlan(settings.faults);
    this.services = {
      state: this.state,
      merchants: this.merchants,
      clock: settings.clock,
      faults: this.faults,
      timers: this.timers,
      payoff: settings.payoff,
      ids: () => this.#ids,
      payoffRandom: () => this.#streams.payoff,
      publicUrl: () => this.#publicUrl,
      report: (merchant, command, payload) => this.#report(merchant, command, payload),
    };
  }

  get seed(): number {
    return this.#seed;
  }

  setPublicUrl(url: string): void {
    this.#publicUrl = url.replace(/\/+$/, '');
  }

  /**
   * Back to the state right after start: no orders, vouchers, batches, reports or requests; the configured
   * merchants and fault plan; random streams and ids restarted from the seed (a new one if given), so the same
   * test gives the same keys and outcomes however many tests ran before it.
   */
  reset(options: { seed?: number } = {}): void {
    this.timers.cancelAll();
    this.notifier.reset();
    this.state.reset();
    this.#seed = options.seed ?? this.settings.seed;
    this.#streams = randomStreams(this.#seed);
    this.#ids = this.settings.ids(this.#streams.ids, this.settings.firstUid);
    this.faults.clear();
    this.faults.setPlan(this.settings.faults);
    this.merchants.clear();
    for (const merchant of this.settings.merchants) this.merchants.add(merchant);
  }

  async close(): Promise<void> {
    this.timers.cancelAll();
    await this.notifier.close();
  }

  #report(merchant: Merchant, command: string, payload: Record<string, unknown>): void {
    if (merchant.notifyUrl === null) return;
    const decision = this.faults.forReport({ command, merchant: merchant.uid });
    this.notifier.enqueue(
      { command, merchantUid: merchant.uid, url: merchant.notifyUrl, format: merchant.notifyFormat, payload },
      decision,
    );
  }
}
