import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadWorkerConfig, ConfigError } from './worker-config';

/* The worker's reconciler settings: derived from the gateway's timeout, validated against it. */

const base = {
  DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/tixclear',
  TIXCLEAR_MASTER_KEY: 'a'.repeat(64),
};

it('defaults: a seven-day payment deadline, a one-hour horizon, a grace beyond the longest call', () => {
  const { reconciler } = loadWorkerConfig(base);
  expect(reconciler.paymentDeadlineMs).toBe(7 * 24 * 3_600_000);
  expect(reconciler.horizonMs).toBe(3_600_000);
  // 3 attempts of 15 s and two waits of at most 5 s: 55 s; the default grace (2 min) exceeds twice that.
  expect(reconciler.notFoundGraceMs).toBe(120_000);
});

it('derives the grace from a longer gateway timeout', () => {
  const { reconciler } = loadWorkerConfig({ ...base, GATEWAY_TIMEOUT_MS: '60000' });
  expect(reconciler.notFoundGraceMs).toBe(2 * (3 * 60_000 + 2 * 5_000));
});

it('refuses a grace within the longest possible call, naming the variable', () => {
  expect(() => loadWorkerConfig({ ...base, RECONCILE_NOT_FOUND_GRACE_SECONDS: '55' })).toThrow(ConfigError);
  expect(() => loadWorkerConfig({ ...base, RECONCILE_NOT_FOUND_GRACE_SECONDS: '55' })).toThrow(
    /RECONCILE_NOT_FOUND_GRACE_SECONDS/,
  );
  expect(
    loadWorkerConfig({ ...base, RECONCILE_NOT_FOUND_GRACE_SECONDS: '56' }).reconciler.notFoundGraceMs,
  ).toBe(56_000);
  expect(() =>
    loadWorkerConfig({ ...base, GATEWAY_TIMEOUT_MS: '120000', RECONCILE_NOT_FOUND_GRACE_SECONDS: '300' }),
  ).toThrow(/longest possible gateway call \(370000 ms\)/);
});

it('refuses a horizon the grace does not fit in, and a bad deadline', () => {
  expect(() =>
    loadWorkerConfig({ ...base, RECONCILE_HORIZON_MINUTES: '1', RECONCILE_NOT_FOUND_GRACE_SECONDS: '120' }),
  ).toThrow(/RECONCILE_HORIZON_MINUTES/);
  expect(() => loadWorkerConfig({ ...base, PURCHASE_PAYMENT_DEADLINE_HOURS: '0' })).toThrow(
    /PURCHASE_PAYMENT_DEADLINE_HOURS/,
  );
});

it('takes plain http report URLs to loopback only when REPORT_URLS_ALLOW_LOOPBACK=true', () => {
  expect(loadWorkerConfig(base).reportUrlsAllowLoopback).toBe(false);
  expect(loadWorkerConfig({ ...base, REPORT_URLS_ALLOW_LOOPBACK: 'true' }).reportUrlsAllowLoopback).toBe(
    true,
  );
  expect(() => loadWorkerConfig({ ...base, REPORT_URLS_ALLOW_LOOPBACK: 'yes' })).toThrow(
    /REPORT_URLS_ALLOW_LOOPBACK/,
  );
});

it('serves metrics only when WORKER_METRICS_PORT is set, on loopback unless told', () => {
  expect(loadWorkerConfig(base).metrics).toBeUndefined();
  expect(loadWorkerConfig({ ...base, WORKER_METRICS_PORT: '9464' }).metrics).toEqual({
    port: 9464,
    host: '127.0.0.1',
  });
  expect(() => loadWorkerConfig({ ...base, WORKER_METRICS_PORT: '70000' })).toThrow(/WORKER_METRICS_PORT/);
  expect(() => loadWorkerConfig({ ...base, LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
});

it('reconciles the books after each run only with RECONCILE_SOURCE, refused at start when it cannot be', () => {
  expect(loadWorkerConfig(base).reconcileSource).toBeUndefined();
  expect(loadWorkerConfig({ ...base, RECONCILE_SOURCE: 'statements:/srv/statements' }).reconcileSource).toBe(
    'statements:/srv/statements',
  );
  for (const source of ['statements:', 'bank:x', 'simulator:ftp://x'])
    expect(() => loadWorkerConfig({ ...base, RECONCILE_SOURCE: source })).toThrow(/RECONCILE_SOURCE/);
});

it('alerts: thresholds with defaults, a webhook only with a readable whsec_ secret file, every bad variable named', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'alert-secret-'));
  const good = path.join(dir, 'good');
  writeFileSync(good, `whsec_${Buffer.alloc(32, 7).toString('base64')}\n`);
  const bad = path.join(dir, 'bad');
  writeFileSync(bad, 'hunter2\n');
  try {
    const plain = loadWorkerConfig(base).alerts;
    expect(plain).toEqual({
      intervalMs: 30_000,
      thresholds: {
        staleExceptionHours: 24,
        staleExceptionCriticalHours: 72,
        backlogWarnCount: 1,
        backlogCriticalCount: 1_000,
      },
    });
    const hook = {
      ...base,
      ALERT_WEBHOOK_URL: 'https://alerts.example/hook',
      ALERT_WEBHOOK_SECRET_FILE: good,
    };
    expect(loadWorkerConfig(hook).alerts.webhook).toEqual({
      url: new URL('https://alerts.example/hook'),
      secret: `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
    });
    expect(() => loadWorkerConfig({ ...hook, ALERT_WEBHOOK_URL: 'http://alerts.example/hook' })).toThrow(
      /ALERT_WEBHOOK_URL: must be https/,
    );
    expect(() => loadWorkerConfig({ ...hook, ALERT_WEBHOOK_URL: 'not a url' })).toThrow(/ALERT_WEBHOOK_URL/);
    expect(
      loadWorkerConfig({
        ...hook,
        ALERT_WEBHOOK_URL: 'http://127.0.0.1:9/x',
        REPORT_URLS_ALLOW_LOOPBACK: 'true',
      }).alerts.webhook?.url.href,
    ).toBe('http://127.0.0.1:9/x');
    expect(() => loadWorkerConfig({ ...base, ALERT_WEBHOOK_URL: 'https://alerts.example/hook' })).toThrow(
      /ALERT_WEBHOOK_SECRET_FILE: required/,
    );
    expect(() => loadWorkerConfig({ ...hook, ALERT_WEBHOOK_SECRET_FILE: bad })).toThrow(
      /ALERT_WEBHOOK_SECRET_FILE: not whsec_/,
    );
    expect(() => loadWorkerConfig({ ...hook, ALERT_WEBHOOK_SECRET_FILE: path.join(dir, 'none') })).toThrow(
      /ALERT_WEBHOOK_SECRET_FILE: cannot be read \(ENOENT\)/,
    );
    expect(() => loadWorkerConfig({ ...base, ALERT_WEBHOOK_SECRET_FILE: good })).toThrow(
      /ALERT_WEBHOOK_SECRET_FILE: set without ALERT_WEBHOOK_URL/,
    );
    expect(() => loadWorkerConfig({ ...base, ALERT_STALE_EXCEPTION_HOURS: '0' })).toThrow(
      /ALERT_STALE_EXCEPTION_HOURS/,
    );
    expect(() => loadWorkerConfig({ ...base, ALERT_STALE_EXCEPTION_CRITICAL_HOURS: '12' })).toThrow(
      /ALERT_STALE_EXCEPTION_CRITICAL_HOURS/,
    );
    expect(() => loadWorkerConfig({ ...base, ALERT_INTERVAL_SECONDS: 'soon' })).toThrow(
      /ALERT_INTERVAL_SECONDS/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
