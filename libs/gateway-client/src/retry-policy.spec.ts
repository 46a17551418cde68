import { FAILURE_REASONS, type FailureReason } from './errors';
import {
  backoffDelay,
  decideRetry,
  DEFAULT_RETRY,
  longestCallMs,
  parseRetryAfter,
  RETRY_TABLE,
  type RetryOptions,
} from './retry-policy';

const options: RetryOptions = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 };
const half = (): number => 0.5;

/** The decision table, written out row by row: [reason, query, mutating]. */
const expected: [FailureReason, 'retry' | 'stop', 'retry' | 'stop'][] = [
  ['request_invalid', 'stop', 'stop'],
  ['mode_not_supported', 'stop', 'stop'],
  ['encryption_failed', 'stop', 'stop'],
  ['connection_refused', 'retry', 'retry'],
  ['dns_failure', 'retry', 'retry'],
  ['connect_timeout', 'retry', 'retry'],
  ['connect_failed', 'retry', 'retry'],
  ['tls_failure', 'stop', 'stop'],
  ['rate_limited', 'retry', 'stop'],
  ['http_5xx', 'retry', 'stop'],
  ['http_status', 'stop', 'stop'],
  ['system_error', 'retry', 'stop'],
  ['timeout', 'retry', 'stop'],
  ['connection_lost', 'retry', 'stop'],
  ['aborted', 'stop', 'stop'],
  ['rejected', 'stop', 'stop'],
  ['refused_on_retry', 'stop', 'stop'],
  ['non_json', 'stop', 'stop'],
  ['schema_mismatch', 'stop', 'stop'],
  ['unexpected_code', 'stop', 'stop'],
];

/** mayHaveCommitted as the factory sets it, per reason (see errors.spec.ts). */
const MAY_HAVE_COMMITTED: Record<FailureReason, boolean> = {
  request_invalid: false,
  mode_not_supported: false,
  encryption_failed: false,
  connection_refused: false,
  dns_failure: false,
  connect_timeout: false,
  connect_failed: false,
  tls_failure: false,
  rate_limited: true,
  http_5xx: true,
  http_status: true,
  system_error: true,
  timeout: true,
  connection_lost: true,
  aborted: true,
  rejected: false,
  refused_on_retry: true,
  non_json: true,
  schema_mismatch: true,
  unexpected_code: true,
};

describe('the retry decision table', () => {
  it('has exactly one row per failure reason', () => {
    expect(Object.keys(RETRY_TABLE).sort()).toEqual([...FAILURE_REASONS].sort());
    expect(expected.map(([reason]) => reason).sort()).toEqual([...FAILURE_REASONS].sort());
  });

  it.each(expected)('%s: query %s, mutating %s', (reason, queryVerdict, mutatingVerdict) => {
    expect(RETRY_TABLE[reason].query).toBe(queryVerdict);
    expect(RETRY_TABLE[reason].mutating).toBe(mutatingVerdict);
    const decide = (mutating: boolean) =>
      decideRetry(
        { reason, mutating, mayHaveCommitted: MAY_HAVE_COMMITTED[reason], attempt: 1 },
        options,
        half,
      ).retry;
    expect(decide(false)).toBe(queryVerdict === 'retry');
    expect(decide(true)).toBe(mutatingVerdict === 'retry');
  });

  it('never retries a mutation that may have committed, even where the row says retry', () => {
    for (const reason of FAILURE_REASONS) {
      expect(
        decideRetry({ reason, mutating: true, mayHaveCommitted: true, attempt: 1 }, options, half).retry,
      ).toBe(false);
    }
  });

  it('retries a mutation only when the request certainly never left', () => {
    const retried = FAILURE_REASONS.filter((reason) => RETRY_TABLE[reason].mutating === 'retry');
    expect(retried.sort()).toEqual([
      'connect_failed',
      'connect_timeout',
      'connection_refused',
      'dns_failure',
    ]);
    for (const reason of retried) expect(MAY_HAVE_COMMITTED[reason]).toBe(false);
  });

  it('stops after maxAttempts', () => {
    const input = { reason: 'timeout' as const, mutating: false, mayHaveCommitted: true };
    expect(decideRetry({ ...input, attempt: 3 }, options, half).retry).toBe(true);
    expect(decideRetry({ ...input, attempt: 4 }, options, half).retry).toBe(false);
    expect(decideRetry({ ...input, attempt: 1 }, { ...options, maxAttempts: 1 }, half).retry).toBe(false);
  });
});

describe('backoff', () => {
  it('is capped exponential with full jitter', () => {
    expect(backoffDelay(1, options, () => 0.999)).toBe(99);
    expect(backoffDelay(2, options, () => 0.999)).toBe(199);
    expect(backoffDelay(3, options, () => 0.5)).toBe(200);
    expect(backoffDelay(10, options, () => 0.999)).toBe(999);
    expect(backoffDelay(5, options, () => 0)).toBe(0);
  });

  it('waits at least Retry-After (capped) on 429', () => {
    const decision = decideRetry(
      { reason: 'rate_limited', mutating: false, mayHaveCommitted: true, attempt: 1, retryAfterMs: 700 },
      options,
      () => 0,
    );
    expect(decision).toEqual({ retry: true, delayMs: 700 });
    const capped = decideRetry(
      { reason: 'rate_limited', mutating: false, mayHaveCommitted: true, attempt: 1, retryAfterMs: 60_000 },
      options,
      () => 0,
    );
    expect(capped).toEqual({ retry: true, delayMs: 1_000 });
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = new Date('2024-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:00:03 GMT', now)).toBe(3000);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  it('bounds a call by every attempt and the longest waits between them', () => {
    expect(longestCallMs(3_000, options)).toBe(4 * 3_000 + 3 * 1_000);
    expect(longestCallMs()).toBe(DEFAULT_RETRY.maxAttempts * 15_000 + 2 * DEFAULT_RETRY.maxDelayMs);
    expect(longestCallMs(3_000, { ...options, maxAttempts: 1 })).toBe(3_000);
  });
});
