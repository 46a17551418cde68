import { longestCallMs } from '@tixclear/gateway-client';

export interface ReconcilerOptions {
  /** A `submitted` operation seen this long ago lost its process between intent and outcome: ask. */
  staleSubmittedMs: number;
  /** A purchase awaiting payment is first asked about this long after it was seen (its report may be lost). */
  awaitingPaymentMs: number;
  /**
   * How long after we first saw an operation the gateway's explicit "no such order" proves it never arrived.
   * Must exceed the longest possible call (every attempt's timeout and the waits between them).
   */
  notFoundGraceMs: number;
  /**
   * The gateway's payment deadline (seed 001 附錄二 380: 超過系統設定繳費期限; the seeds give no figure): a
   * purchase still unpaid this long after it was seen is closed as failed, its vouchers void.
   */
  paymentDeadlineMs: number;
  /** An operation still open this long after it was seen (after the deadline, for a purchase) goes to an operator. */
  horizonMs: number;
  /** First wait after an open answer or a failed query; doubled on each further one, up to `retryCapMs`. */
  retryBaseMs: number;
  retryCapMs: number;
  /** Each wait is shortened by up to this fraction, drawn from the injected random source (0: none). */
  jitterRatio: number;
  /** Operations asked about per pass, due first. */
  batchSize: number;
}

export const DEFAULT_RECONCILER_OPTIONS: ReconcilerOptions = {
  staleSubmittedMs: 60_000,
  awaitingPaymentMs: 10 * 60_000,
  notFoundGraceMs: 2 * 60_000,
  paymentDeadlineMs: 7 * 24 * 3_600_000,
  horizonMs: 3_600_000,
  retryBaseMs: 30_000,
  retryCapMs: 30 * 60_000,
  jitterRatio: 0.2,
  batchSize: 100,
};

/**
 * The options in use: the defaults under `overrides`, with a not-found grace, unless given, of twice the
 * longest possible call (at least the default), so that defaults hold whatever the gateway timeout. Validated.
 */
export function resolveReconcilerOptions(
  overrides: Partial<ReconcilerOptions> = {},
  callBoundMs: number = longestCallMs(),
): ReconcilerOptions {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return validateReconcilerOptions(
    {
      ...DEFAULT_RECONCILER_OPTIONS,
      notFoundGraceMs: Math.max(DEFAULT_RECONCILER_OPTIONS.notFoundGraceMs, 2 * callBoundMs),
      ...defined,
    },
    callBoundMs,
  );
}

/** A reconciler option that cannot work; `field` names it. */
export class ReconcilerConfigError extends Error {
  constructor(
    readonly field: keyof ReconcilerOptions,
    message: string,
  ) {
    super(`reconciler option ${field}: ${message}`);
    this.name = 'ReconcilerConfigError';
  }
}

/**
 * Checks the options against each other and against the gateway calls they judge. A "not found" grace within
 * the longest possible call would fail an operation whose request is still on its way, so it is refused.
 */
export function validateReconcilerOptions(
  options: ReconcilerOptions,
  callBoundMs: number = longestCallMs(),
): ReconcilerOptions {
  const fail = (field: keyof ReconcilerOptions, message: string): never => {
    throw new ReconcilerConfigError(field, message);
  };
  for (const field of Object.keys(DEFAULT_RECONCILER_OPTIONS) as (keyof ReconcilerOptions)[]) {
    const value = options[field];
    if (field === 'jitterRatio') {
      if (!(Number.isFinite(value) && value >= 0 && value < 1)) fail(field, 'must be in [0, 1)');
    } else if (!(Number.isSafeInteger(value) && value > 0)) fail(field, 'must be a positive whole number');
  }
  if (options.notFoundGraceMs <= callBoundMs)
    fail('notFoundGraceMs', `must exceed the longest possible gateway call (${callBoundMs} ms)`);
  if (options.batchSize > 1_000) fail('batchSize', 'must be at most 1000');
  if (options.retryCapMs < options.retryBaseMs) fail('retryCapMs', 'must be at least retryBaseMs');
  if (options.horizonMs <= options.notFoundGraceMs)
    fail('horizonMs', 'must exceed notFoundGraceMs (an operation gets its verdict before an operator does)');
  if (options.horizonMs <= options.staleSubmittedMs) fail('horizonMs', 'must exceed staleSubmittedMs');
  if (options.paymentDeadlineMs <= options.awaitingPaymentMs)
    fail('paymentDeadlineMs', 'must exceed awaitingPaymentMs');
  return options;
}
