import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createTestDatabase,
  PartnerRegistry,
  PartnerReportSettings,
  type PartnerContext,
  type TestDatabase,
} from '@tixclear/db';
import { startSimulator, type MerchantConfig, type RunningSimulator } from '@tixclear/gateway-simulator';
import { createOperations, deliverReport, type GatewayPort, type Operations } from '@tixclear/operations';
import { createSettlement, type Settlement } from '@tixclear/settlement';
import { CrashingClient, type CrashPlan, type CrashPoint } from './crashes';
import { Rng } from './random';
import { installSimulatedTime, SimClock } from './sim-clock';

/** Per attempt; the `latency` fault waits longer than this, so it is a timeout. */
export const GATEWAY_TIMEOUT_MS = 400;
/** Where every simulated history starts: a Monday, 08:00 in Taipei. */
export const SIM_START = new Date('2026-03-02T08:00:00+08:00');
const DAY_MS = 86_400_000;
/** An unpaid purchase is closed this long after the reconciler first saw it. */
export const PAYMENT_DEADLINE_MS = 20 * 3_600_000;

export interface FeeTerms {
  escrowRate: string;
  gatewayRate: string;
  issuanceFee: number;
  issuanceLayer: 1 | 2 | 3;
}

export interface SimPartner {
  readonly uid: string;
  readonly mode: 'store' | 'agent';
  readonly key: string;
  readonly issuerId: string;
  readonly terms: FeeTerms;
  /** The partner's own redemption points (`dealer:<no>`), registered with a payout account each. */
  readonly dealerPoints: readonly string[];
  readonly hqAccount: string | null;
  id: string;
}

export interface WorldOptions {
  seed: number;
  partners: number;
  /** The PostgreSQL server to make the scratch database on. */
  serverUrl: string;
  /** Chance that the process dies around a mutating gateway call. */
  crashRate: number;
  /** The partners' receivers refuse the first attempt of some reports (the `reports` fault class). */
  refuseReports?: boolean;
}

/**
 * Everything one seed runs against: a scratch database on the real PostgreSQL with simulated time, the gateway
 * simulator in this process on a loopback port (its reports posted to our notification intake over HTTP), the
 * partners registered on both sides, and the engine's real services, which a crash throws away and rebuilds.
 */
export class World {
  ops!: Operations;
  settlement!: Settlement;
  readonly partners: SimPartner[] = [];
  /** The store that takes PayPage payments (api/orders), their refunds and refund cancels; no voucher traffic. */
  paypage!: SimPartner;
  crashes = 0;

  private constructor(
    readonly options: WorldOptions,
    readonly rng: Rng,
    readonly db: TestDatabase,
    readonly clock: SimClock,
    readonly registry: PartnerRegistry,
    readonly sim: RunningSimulator,
    readonly receiver: http.Server,
    readonly receiverUrl: string,
    readonly exportRoot: string,
  ) {}

  static async start(options: WorldOptions, exportRoot: string): Promise<World> {
    const rng = new Rng(options.seed);
    const db = await createTestDatabase(options.serverUrl);
    await installSimulatedTime(db.dataSource, SIM_START);
    const clock = new SimClock(SIM_START, db.dataSource);
    const masterKey = randomBytes(32);
    const registry = new PartnerRegistry(db.dataSource, masterKey);
    const reportSettings = new PartnerReportSettings(db.dataSource, masterKey, { allowLoopbackHttp: true });
    // The receiver is listening before the world it serves exists.
    const late: { world?: World } = {};
    const receiver = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        // What apps/api's /gateway/notify does: 8888 once stored, a 400 (no 8888) for what cannot be taken.
        void (async () => {
          try {
            const result = await late.world!.ops.notifications.receive(body, request.headers['content-type']);
            response.writeHead(result.ack ? 200 : 400, { 'content-type': 'text/plain' });
            response.end(result.ack ? '8888' : `refused: ${result.reason}`);
          } catch (error) {
            late.world?.unexpected.push(`notification intake threw: ${explain(error)}`);
            response.writeHead(500);
            response.end();
          }
        })();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/gateway/notify`;
    const sim = await startSimulator({
      seed: options.seed,
      clock: clock.manual,
      sampleMerchant: false,
      notifyUrl: null,
      log: () => undefined,
      payoff: { approval: 'manual', remitDelayMs: 0 },
      notifications: { attempts: 5, backoffMs: [5], timeoutMs: 5_000 },
    });
    // The partners' own report receivers (one loopback server, a path per partner): 8888 for a report, except
    // that with the `reports` fault class a fifth of reports have their first attempt answered 503 (the next
    // delivers it; five refusals in a row would flag it for an operator, the engine's answer to a dead receiver).
    const partnerReceiver = http.createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        const id = String(request.headers['webhook-id'] ?? '');
        const world = late.world;
        const refused =
          world?.options.refuseReports === true &&
          !world.reportsReceived.includes(id) &&
          world.#reportRng.chance(0.2);
        world?.reportsReceived.push(id);
        response.writeHead(refused ? 503 : 200, { 'content-type': 'text/plain' });
        response.end(refused ? 'busy' : '8888');
      });
    });
    await new Promise<void>((resolve) => partnerReceiver.listen(0, '127.0.0.1', resolve));
    const partnerReportUrl = `http://127.0.0.1:${(partnerReceiver.address() as AddressInfo).port}/reports`;
    const world = new World(options, rng, db, clock, registry, sim, receiver, receiverUrl, exportRoot);
    world.#partnerReceiver = partnerReceiver;
    world.#reportSettings = reportSettings;
    world.#partnerReportUrl = partnerReportUrl;
    world.#reportRng = new Rng(options.seed ^ 0x4e9047);
    late.world = world;
    world.#jitter = new Rng(options.seed ^ 0x5bd1e995);
    await world.#registerPartners();
    world.rebuild();
    return world;
  }

  /** Errors no request should ever end in (a 5xx at the door): collected, reported as a broken invariant. */
  readonly unexpected: string[] = [];
  /** Nights whose settlement did not complete, and why. */
  readonly settlementFailures: string[] = [];

  /** The process restarts: every service instance (and what it held in memory) is thrown away. */
  rebuild(): void {
    const port = this.#gatewayPort();
    this.ops = createOperations({
      dataSource: this.db.dataSource,
      registry: this.registry,
      gateway: port,
      clock: this.clock,
      // The gateway's payment deadline, shortened so that a purchase left unpaid is closed within a few days.
      reconciler: { paymentDeadlineMs: PAYMENT_DEADLINE_MS },
      // The reconciler's jitter from its own seeded stream: the load's stream is not disturbed by how many
      // operations happen to be due.
      random: () => this.#jitter.float(),
    });
    this.settlement = createSettlement({
      dataSource: this.db.dataSource,
      registry: this.registry,
      gateway: port,
      exportRoot: this.exportRoot,
      payouts: { coveringBackoffMs: 0, submitGraceMs: 60_000, clock: () => this.clock.now() },
    });
  }

  async context(partner: SimPartner): Promise<PartnerContext> {
    const context = await this.registry.contextById(partner.id);
    if (!context) throw new Error(`partner ${partner.uid} is not registered`);
    return context;
  }

  get stores(): SimPartner[] {
    return this.partners.filter((p) => p.mode === 'store');
  }

  async close(): Promise<void> {
    await this.sim.close();
    await new Promise<void>((resolve) => this.#partnerReceiver.close(() => resolve()));
    this.#partnerReceiver.closeAllConnections();
    await new Promise<void>((resolve) => this.receiver.close(() => resolve()));
    this.receiver.closeAllConnections();
    await this.db.drop();
  }

  #armed: CrashPoint[] = [];
  #jitter!: Rng;
  #partnerReceiver!: http.Server;
  #reportSettings!: PartnerReportSettings;
  #partnerReportUrl!: string;
  #reportRng!: Rng;
  /** The `webhook-id` of every report attempt the partners' receivers got. */
  readonly reportsReceived: string[] = [];

  /**
   * The worker's report delivery: one attempt at each partner report still pending, oldest first (the worker's
   * queue and sweep, whose backoff is the time between two quiet moments here).
   */
  async deliverReports(): Promise<void> {
    const pending = await this.db.dataSource.query<{ id: string }[]>(
      `SELECT id FROM partner_notifications WHERE state = 'pending' ORDER BY created_at, id`,
    );
    for (const { id } of pending) {
      try {
        await deliverReport(this.db.dataSource, id, {
          signer: this.#reportSettings,
          reportUrls: { allowLoopbackHttp: true },
          timeoutMs: 5_000,
          now: () => this.clock.now(),
        });
      } catch (error) {
        this.unexpected.push(`delivering partner report ${id} threw: ${explain(error)}`);
      }
    }
  }

  /**
   * Waits until the gateway's reports are delivered and every wake-up query they caused has been answered and
   * applied, so that the next step starts from a quiet engine (and a seed replays).
   */
  async quiesce(): Promise<void> {
    const waker = (this.ops as { waker?: { drain(): Promise<void> } }).waker;
    await this.gatewayIdle();
    await this.sim.control.notificationsSettled();
    await waker?.drain();
    await this.gatewayIdle();
    await this.deliverReports();
  }

  /**
   * Waits until the simulator has finished every request it received, one our client gave up on included (a
   * `latency` hold past our timeout, or any answer slower than the timeout on a loaded machine): the gateway
   * applies it then. Simulated time must not move on before: minutes pass in milliseconds here, so the
   * reconciler's not-found grace would end while the gateway still holds the request, and a redemption the
   * gateway then makes would have been failed on our side. Two turns of the event loop first, so that a request
   * already written to the simulator's socket has been read.
   */
  async gatewayIdle(): Promise<void> {
    const { handling } = this.sim.simulator;
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      if (handling.size === 0) return;
      await Promise.allSettled([...handling]);
    }
  }

  /** The next partner request's process dies at `point` (drawn by the load before the request, in order). */
  armCrash(point: 'before' | 'after'): void {
    this.#armed.push(point);
  }

  /** A crash armed for a request that never reached the gateway (refused, replayed) dies with it. */
  disarm(): void {
    this.#armed = [];
  }

  #gatewayPort(): GatewayPort {
    // An armed crash is taken by the next mutating call; the worker's own calls (reconciler, pay-offs) draw
    // theirs as they go, at the night's crash rate.
    const plan: CrashPlan = () => {
      const armed = this.#armed.shift();
      if (armed !== undefined) return armed;
      if (!this.rng.chance(this.options.crashRate)) return 'none';
      this.crashes += 1;
      return this.rng.chance(0.5) ? 'before' : 'after';
    };
    return {
      clientFor: (partner) =>
        new CrashingClient(
          {
            baseUrl: this.sim.baseUrl,
            merchant: {
              mode: partner.partner.upstreamMode,
              uid: partner.partner.upstreamUid,
              keyRing: partner.upstream,
            },
            timeoutMs: GATEWAY_TIMEOUT_MS,
            clock: () => this.clock.now(),
            random: () => 0.5,
            sleep: () => Promise.resolve(),
          },
          plan,
        ),
    };
  }

  async #registerPartners(): Promise<void> {
    const count = Math.max(1, this.options.partners);
    // With two or more partners the last one is a dealer (agent mode) redeeming the stores' vouchers at its tills;
    // with four or more, the last two (their till numbers are the same: D001, D002).
    const dealers = count >= 4 ? 2 : count >= 2 ? 1 : 0;
    for (let i = 0; i < count; i += 1) {
      const mode = i >= count - dealers ? 'agent' : 'store';
      this.partners.push(await this.#registerPartner(i, mode, this.rng));
    }
    // The PayPage store: its own stream, so that the voucher partners and their load replay as before.
    this.paypage = await this.#registerPartner(count, 'store', new Rng(this.options.seed ^ 0x9a7e9a9e));
  }

  async #registerPartner(i: number, mode: 'store' | 'agent', rng: Rng): Promise<SimPartner> {
    const uid = `${mode === 'store' ? '2891518' : '7700000'}${String(10_000 + i * 7 + (this.options.seed % 997)).padStart(5, '0')}`;
    const key = rng.text(32, 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789');
    const terms: FeeTerms = {
      escrowRate: rng.pick(['0.02', '0.025', '0.015'])!,
      gatewayRate: rng.pick(['0.01', '0.012'])!,
      issuanceFee: rng.pick([0, 1, 2])!,
      issuanceLayer: rng.pick([1, 2, 3] as const)!,
    };
    const issuerId = `SIM-ISSUER-${i}`;
    // Every partner numbers its own redemption points from D001: the numbers of two partners meet.
    const dealerPoints = ['D001', 'D002'];
    const hqAccount = rng.chance(0.6) ? `HQ${uid}` : null;
    const merchant: MerchantConfig = {
      uid,
      mode,
      name: `partner ${i}`,
      key,
      notifyUrl: mode === 'store' ? this.receiverUrl : null,
      notifyFormat: 'form',
      // The stores are general customers (they may leave the numbering of vouchers to the gateway, §8), the
      // dealers platform customers (they must number their own).
      customerType: mode === 'store' ? 'general' : 'platform',
      feeSchedules: [{ ...terms, effectiveFrom: '2000-01-01' }],
    };
    this.sim.control.addMerchant(merchant);
    const entity = await this.registry.add({
      partnerUid: uid,
      mode,
      name: `partner ${i}`,
      notifyUrl: null,
      issuerId,
      headquartersPayoutAccount: hqAccount,
      key,
      upstream: { mode, uid, key },
      validFrom: new Date(SIM_START.getTime() - DAY_MS),
    });
    await this.registry.addFeeSchedule({ issuerId, effectiveFrom: '2000-01-01', ...terms });
    await this.#reportSettings.setUrl(uid, `${this.#partnerReportUrl}/${uid}`, 'form');
    await this.#reportSettings.rotateSecret(uid, { overlapMs: 0, now: SIM_START });
    if (mode === 'store') {
      await this.registry.setPoint(uid, {
        kind: 'store',
        pointRef: uid,
        name: `store ${uid}`,
        payoutAccount: `AC${uid}`,
      });
    }
    for (const point of dealerPoints) {
      await this.registry.setPoint(uid, {
        kind: 'dealer',
        pointRef: point,
        name: `till ${point}`,
        payoutAccount: `AC${uid}${point}`,
      });
    }
    return { uid, mode, key, issuerId, terms, dealerPoints, hqAccount, id: entity.id };
  }
}

export function explain(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.name}${typeof code === 'string' ? ` ${code}` : ''}: ${error.message}`;
  }
  return String(error);
}
