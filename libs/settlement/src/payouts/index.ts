import type { DataSource } from 'typeorm';
import type { PayoutStep } from '../ports';
import { buildPayouts } from './batch-builder';
import {
  payoutSettings,
  type Pass,
  type PayoutOptions,
  type PayoutSettings,
  type StepResult,
} from './context';
import { cover, resolveCovering } from './covering';
import {
  listExceptions,
  reincludeException,
  settleExceptionOutside,
  type ExceptionOutcome,
  type PayoutException,
} from './exceptions';
import { follow } from './follower';
import { MerchantClients, type PartnerContexts, type PayoffGatewayPort } from './gateway';
import { retryParkedBatch } from './parked';
import { batchesOfRun, loadBatch, moveBatch, type BatchRow } from './records';
import { resolveSubmission, submit } from './submitter';

export { groupIdFor, itemIdFor } from './ids';
export { PayoutError, PayoutErrorCode } from './errors';
export { listExceptions, reincludeException, settleExceptionOutside } from './exceptions';
export { retryParkedBatch } from './parked';
export type { ExceptionOutcome, OperatorGateway, OperatorOptions, PayoutException } from './exceptions';
export type { PartnerContexts, PayoffClient, PayoffGatewayPort } from './gateway';
export type { PayoutOptions } from './context';

/** Steps one batch may take in one `advance` before the others get their turn (a guard, not a budget). */
const MAX_STEPS_PER_BATCH = 16;

export interface PayoutDependencies {
  /** Opens the paying merchant's key rings: a `PartnerRegistry`. */
  partners: PartnerContexts;
  /** Clients for a partner's upstream credentials: `gatewayPort({ baseUrl })` of `@tixclear/operations`. */
  gateway: PayoffGatewayPort;
}

/**
 * The pay-off step of a settlement run (see README.md): `build` the run's payables, batches and items once;
 * `advance` moves each batch along its machine (submit, follow, cover, resolve unknown outcomes) until every
 * one is final. Everything it knows is in the database, so any worker can pick up where another died.
 */
export class PayoutProcessor implements PayoutStep {
  readonly #settings: PayoutSettings;

  constructor(
    private readonly dataSource: DataSource,
    private readonly deps: PayoutDependencies,
    options: PayoutOptions = {},
  ) {
    this.#settings = payoutSettings(options);
  }

  build(runId: string): Promise<void> {
    return buildPayouts(this.dataSource, runId, this.#settings.operatorPayoutAccount);
  }

  async advance(runId: string): Promise<'done' | 'waiting'> {
    const pass: Pass = {
      dataSource: this.dataSource,
      clients: new MerchantClients(this.dataSource, this.deps.partners, this.deps.gateway),
      settings: this.#settings,
    };
    let done = true;
    let failure: { error: unknown } | undefined;
    for (const { id } of await batchesOfRun(this.dataSource, runId)) {
      let result: StepResult = 'progressed';
      try {
        for (let steps = 0; result === 'progressed' && steps < MAX_STEPS_PER_BATCH; steps++) {
          result = await step(pass, await loadBatch(this.dataSource, id));
        }
      } catch (error) {
        // One merchant's trouble (no credentials, books that disagree) must not hold the others' money back:
        // they get their turn, then the first error is raised for the run to report.
        failure ??= { error };
        result = 'waiting';
      }
      if (result !== 'final') done = false;
    }
    if (failure) throw failure.error;
    return done ? 'done' : 'waiting';
  }

  listExceptions(): Promise<PayoutException[]> {
    return listExceptions(this.dataSource);
  }

  reincludeException(itemId: string): Promise<ExceptionOutcome> {
    return reincludeException(this.dataSource, this.deps, itemId, { clock: this.#settings.clock });
  }

  settleExceptionOutside(itemId: string, note: string): Promise<ExceptionOutcome> {
    return settleExceptionOutside(this.dataSource, this.deps, itemId, note, { clock: this.#settings.clock });
  }

  /** An operator's retry of a parked batch (parked.ts). */
  retryParkedBatch(groupId: string, by: string): Promise<{ groupId: string; state: string }> {
    return retryParkedBatch(this.dataSource, groupId, { by, clock: this.#settings.clock });
  }
}

/** One move of one batch, by its state. */
function step(pass: Pass, batch: BatchRow): Promise<StepResult> {
  switch (batch.state) {
    case 'draft':
      return submit(pass, batch);
    // Found in flight: the worker died during the call. Whether it arrived is unknown, so it is treated so.
    case 'submitting':
      return unknownFrom(pass, batch, 'submitting', 'submit_unknown');
    case 'submit_unknown':
      return resolveSubmission(pass, batch);
    case 'awaiting_approval':
    case 'remitting':
      return follow(pass, batch);
    case 'partly_remitted':
      return cover(pass, batch);
    case 'covering':
      return unknownFrom(pass, batch, 'covering', 'covering_unknown');
    case 'covering_unknown':
      return resolveCovering(pass, batch);
    // Waits for an operator (retryParkedBatch): nothing moves it on its own.
    case 'parked':
      return Promise.resolve('waiting');
    case 'completed':
    case 'rejected':
    case 'closed':
    case 'discarded':
      return Promise.resolve('final');
  }
}

async function unknownFrom(
  pass: Pass,
  batch: BatchRow,
  from: 'submitting' | 'covering',
  to: 'submit_unknown' | 'covering_unknown',
): Promise<StepResult> {
  await moveBatch(pass.dataSource, batch.id, from, to, pass.settings.clock());
  return 'progressed';
}
