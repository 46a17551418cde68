import { longestCallMs } from '@tixclear/gateway-client';
import {
  DEFAULT_RECONCILER_OPTIONS,
  ReconcilerConfigError,
  resolveReconcilerOptions,
  validateReconcilerOptions,
  type ReconcilerOptions,
} from './reconciler-options';

/* The reconciler's options are checked against each other and against the longest possible gateway call. */

const valid = (overrides: Partial<ReconcilerOptions> = {}) => ({
  ...DEFAULT_RECONCILER_OPTIONS,
  ...overrides,
});

it('accepts the defaults with the client’s default call bound', () => {
  expect(validateReconcilerOptions(valid())).toEqual(DEFAULT_RECONCILER_OPTIONS);
});

it('refuses a not-found grace within the longest possible call (every attempt and the waits between)', () => {
  const bound = longestCallMs(30_000);
  expect(bound).toBe(100_000);
  expect(() => validateReconcilerOptions(valid({ notFoundGraceMs: bound }), bound)).toThrow(
    expect.objectContaining({ field: 'notFoundGraceMs' }) as Error,
  );
  expect(validateReconcilerOptions(valid({ notFoundGraceMs: bound + 1 }), bound).notFoundGraceMs).toBe(
    bound + 1,
  );
  // The default grace is too short for a gateway timeout of a minute: configuration must raise it.
  expect(() => validateReconcilerOptions(valid(), longestCallMs(60_000))).toThrow(ReconcilerConfigError);
});

it.each<[Partial<ReconcilerOptions>, keyof ReconcilerOptions]>([
  [{ batchSize: 0 }, 'batchSize'],
  [{ batchSize: 5_000 }, 'batchSize'],
  [{ retryBaseMs: 1.5 }, 'retryBaseMs'],
  [{ retryCapMs: 1_000 }, 'retryCapMs'],
  [{ jitterRatio: 1 }, 'jitterRatio'],
  [{ jitterRatio: Number.NaN }, 'jitterRatio'],
  [{ horizonMs: 60_000 }, 'horizonMs'],
  [{ paymentDeadlineMs: 60_000 }, 'paymentDeadlineMs'],
  [{ staleSubmittedMs: -1 }, 'staleSubmittedMs'],
])('refuses %j, naming %s', (overrides, field) => {
  expect(() => validateReconcilerOptions(valid(overrides))).toThrow(
    expect.objectContaining({ field }) as Error,
  );
});

it('derives a default grace that holds for any gateway timeout; a grace given is only validated', () => {
  expect(resolveReconcilerOptions({}).notFoundGraceMs).toBe(DEFAULT_RECONCILER_OPTIONS.notFoundGraceMs);
  const slow = longestCallMs(120_000);
  expect(resolveReconcilerOptions({}, slow).notFoundGraceMs).toBe(2 * slow);
  expect(resolveReconcilerOptions({ notFoundGraceMs: undefined, batchSize: 7 }, slow)).toMatchObject({
    notFoundGraceMs: 2 * slow,
    batchSize: 7,
  });
  expect(() => resolveReconcilerOptions({ notFoundGraceMs: slow }, slow)).toThrow(ReconcilerConfigError);
});
