import { GatewayNotificationEntity, OperationEntity, type PartnerRegistry } from '@tixclear/db';
import { In, type DataSource } from 'typeorm';
import type { GatewayPort } from '../ports';
import { resolutionWire, resolveOperation } from '../reconcile/resolve-operation';
import type { ResultApplier } from '../reconcile/result-applier';

/** What a wake found: the operation settled or moved, still open, confirmed as it was, or a late outcome. */
export type WakeOutcome =
  | 'settled'
  | 'open'
  | 'confirmed'
  | 'late_outcome'
  | 'not_found'
  /** The gateway could not be asked: its reports stay `pending`, for the next sweep (and the reconciler). */
  | 'failed_to_ask';

export interface WakerOptions {
  /** Most wake-up queries in flight at once in this process; beyond, reports wait for the sweep. */
  maxInFlight: number;
}

export const DEFAULT_WAKER_OPTIONS: WakerOptions = { maxInFlight: 8 };

/**
 * Settles an operation a gateway report named, by our own authenticated query (never from the report). At
 * most one query per operation is in flight in this process: a report arriving meanwhile only asks for one
 * more query after it (its state may be newer than what the running one saw), and at most `maxInFlight`
 * operations are queried at once, so a flood of reports never becomes a flood of queries. A query that fails
 * leaves the operation's reports `pending`: the sweep wakes them again, and an open operation is the
 * reconciler's anyway.
 */
export class OperationWaker {
  readonly #running = new Map<string, { again: boolean; done: Promise<void> }>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: PartnerRegistry,
    private readonly gateway: GatewayPort,
    private readonly results: ResultApplier,
    private readonly options: WakerOptions = DEFAULT_WAKER_OPTIONS,
  ) {}

  /** Queries the operation in the background; false when too many are in flight (the sweep will). */
  wake(operationId: string): boolean {
    const running = this.#running.get(operationId);
    if (running) {
      running.again = true;
      return true;
    }
    if (this.#running.size >= this.options.maxInFlight) return false;
    const entry = { again: false, done: Promise.resolve() };
    this.#running.set(operationId, entry);
    entry.done = (async () => {
      do {
        entry.again = false;
        await this.settle(operationId).catch(() => 'failed_to_ask' as const);
      } while (entry.again);
    })().finally(() => this.#running.delete(operationId));
    return true;
  }

  /** Waits until no wake-up started so far is running (tests, shutdown, the simulation's steps). */
  async drain(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running.values()].map((r) => r.done));
  }

  /**
   * Asks the gateway about the operation now, applies its answer (ResultApplier), and marks the operation's
   * reports that were pending when it asked with what it found.
   */
  async settle(operationId: string): Promise<WakeOutcome> {
    const operation = await this.dataSource.getRepository(OperationEntity).findOneBy({ id: operationId });
    if (!operation) return 'not_found';
    const pending = await this.dataSource.getRepository(GatewayNotificationEntity).find({
      select: { id: true },
      where: { orderId: operation.upstreamOrderId, outcome: 'pending' },
    });
    const outcome = await this.ask(operation);
    if (outcome !== 'failed_to_ask' && pending.length > 0) {
      await this.dataSource
        .getRepository(GatewayNotificationEntity)
        .update({ id: In(pending.map((p) => p.id)), outcome: 'pending' }, { outcome });
    }
    return outcome;
  }

  private async ask(operation: OperationEntity): Promise<WakeOutcome> {
    const partner = await this.registry.contextById(operation.partnerId);
    if (!partner) return 'failed_to_ask';
    let resolution;
    try {
      resolution = await resolveOperation(this.gateway.clientFor(partner), operation, this.results.payments);
    } catch {
      return 'failed_to_ask';
    }
    if (resolution.status === 'not_found') return 'not_found';
    const applied = await this.results.apply(
      partner,
      operation,
      resolution,
      resolutionWire(operation, resolution),
    );
    switch (applied) {
      case 'applied':
        return resolution.status === 'pending' ? 'open' : 'settled';
      case 'late_outcome':
        return 'late_outcome';
      case 'unchanged':
        return resolution.status === 'pending' ? 'open' : 'confirmed';
    }
  }
}
