import type { FailureReason } from './errors';

/*
 * The retry decision table. One row per failure reason, one column per kind of command:
 *  - a query changes nothing, so it is retried whenever the failure may be transient;
 *  - a mutating command is retried only when the request certainly did not leave (refused, unresolved, no
 *    connection ever opened). Never on an unknown outcome: that is resolved with the command's query
 *    (resolve.ts), because a blind retry could redeem, refund or remit twice.
 * The error's `mayHaveCommitted` flag is checked as well, so that a row edited by mistake cannot retry a
 * command that may have taken effect.
 *
 * Delays: capped exponential backoff with full jitter (delay = random × min(cap, base × 2^(attempt-1))), so
 * that many clients failing together do not retry together; a 429's Retry-After is a lower bound.
 */

export type RetryVerdict = 'retry' | 'stop';

export interface RetryRow {
  readonly query: RetryVerdict;
  readonly mutating: RetryVerdict;
  /** Why, in a few words (also the README's table). */
  readonly why: string;
}

export const RETRY_TABLE: Readonly<Record<FailureReason, RetryRow>> = {
  request_invalid: { query: 'stop', mutating: 'stop', why: 'our bug; the same request fails again' },
  mode_not_supported: { query: 'stop', mutating: 'stop', why: 'configuration; nothing changes' },
  encryption_failed: { query: 'stop', mutating: 'stop', why: 'no valid key; configuration' },
  connection_refused: { query: 'retry', mutating: 'retry', why: 'not sent; transient' },
  dns_failure: { query: 'retry', mutating: 'retry', why: 'not sent; often transient' },
  connect_timeout: { query: 'retry', mutating: 'retry', why: 'not sent; transient' },
  connect_failed: { query: 'retry', mutating: 'retry', why: 'no connection ever opened: not sent' },
  tls_failure: { query: 'stop', mutating: 'stop', why: 'not sent, but a certificate problem does not heal' },
  rate_limited: {
    query: 'retry',
    mutating: 'stop',
    why: 'may have been processed (seed: 429 after 5 s): resolve mutations by query',
  },
  http_5xx: { query: 'retry', mutating: 'stop', why: 'may have committed: resolve mutations by query' },
  http_status: {
    query: 'stop',
    mutating: 'stop',
    why: 'a 3xx/4xx; a front end may have forwarded it: resolve mutations by query',
  },
  system_error: { query: 'retry', mutating: 'stop', why: 'outer 400 may follow a commit: resolve by query' },
  timeout: { query: 'retry', mutating: 'stop', why: 'maybe sent: unknown outcome, resolve by query' },
  connection_lost: { query: 'retry', mutating: 'stop', why: 'maybe sent: unknown outcome, resolve by query' },
  aborted: { query: 'stop', mutating: 'stop', why: 'the caller gave up' },
  rejected: { query: 'stop', mutating: 'stop', why: 'a definite answer' },
  refused_on_retry: {
    query: 'stop',
    mutating: 'stop',
    why: 'maybe the duplicate of a delivered attempt: resolve by query',
  },
  non_json: {
    query: 'stop',
    mutating: 'stop',
    why: 'a broken answer does not mend itself; resolve by query',
  },
  schema_mismatch: { query: 'stop', mutating: 'stop', why: 'a contract problem; resolve by query' },
  unexpected_code: { query: 'stop', mutating: 'stop', why: 'unknown meaning; resolve by query' },
};

export interface RetryOptions {
  /** Attempts in all, the first included. 1 disables retries. */
  readonly maxAttempts: number;
  /** Backoff base: the cap of the first retry's delay. */
  readonly baseDelayMs: number;
  /** Cap of any delay (Retry-After included). */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 5_000 };

/** Per-attempt timeout of a call, unless configured. */
export const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * The longest one call can last: every attempt's timeout and the longest wait between attempts. Its request may
 * reach the gateway at any moment of that window, so a query's "not found" proves nothing before it has passed.
 */
export function longestCallMs(
  timeoutMs: number = DEFAULT_TIMEOUT_MS,
  retry: RetryOptions = DEFAULT_RETRY,
): number {
  return retry.maxAttempts * timeoutMs + Math.max(0, retry.maxAttempts - 1) * retry.maxDelayMs;
}

export interface RetryInput {
  readonly reason: FailureReason;
  readonly mutating: boolean;
  readonly mayHaveCommitted: boolean;
  /** Attempts made so far (1 after the first failure). */
  readonly attempt: number;
  readonly retryAfterMs?: number | undefined;
}

export type RetryDecision = { readonly retry: false } | { readonly retry: true; readonly delayMs: number };

/** Whether and when to try again. `random` returns [0, 1), injected so that tests pin the jitter. */
export function decideRetry(input: RetryInput, options: RetryOptions, random: () => number): RetryDecision {
  const row = RETRY_TABLE[input.reason];
  const verdict = input.mutating ? row.mutating : row.query;
  if (verdict === 'stop') return { retry: false };
  if (input.mutating && input.mayHaveCommitted) return { retry: false };
  if (input.attempt >= options.maxAttempts) return { retry: false };
  const jittered = backoffDelay(input.attempt, options, random);
  const floor = Math.min(input.retryAfterMs ?? 0, options.maxDelayMs);
  return { retry: true, delayMs: Math.max(jittered, floor) };
}

/** Full jitter: uniform in [0, min(cap, base × 2^(attempt-1))), whole milliseconds. */
export function backoffDelay(attempt: number, options: RetryOptions, random: () => number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * ceiling);
}

/** Retry-After in milliseconds: delta-seconds or an HTTP date (relative to `now`); `undefined` if absent or bad. */
export function parseRetryAfter(header: string | null, now: Date): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}
