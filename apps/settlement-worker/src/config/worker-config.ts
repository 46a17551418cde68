import { longestCallMs } from '@tixclear/gateway-client';
import {
  ConfigError,
  type EngineConfig,
  engineConfigOf,
  engineEnvSchema,
  ReconcilerConfigError,
  readEnv,
  resolveReconcilerOptions,
  type ReconcilerOptions,
} from '@tixclear/operations';
import { figuresSourceFrom, ReconciliationError } from '@tixclear/settlement';
import { readFileSync } from 'node:fs';
import { checkReportUrl, reportSecretKey, ReportSecretError, ReportUrlError } from '@tixclear/db';
import { DEFAULT_ALERT_THRESHOLDS, type AlertThresholds } from '@tixclear/operations';
import { z } from 'zod';

/** The worker's configuration, validated once at start; every bad variable is named. */
const schema = engineEnvSchema.extend({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Port of the worker's `GET /metrics` (Prometheus); unset: no metrics server (two workers on one host). */
  WORKER_METRICS_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
  /** Address the metrics server listens on. */
  WORKER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** Development only: partner report URLs may be plain http to loopback (127.0.0.0/8, ::1, localhost). */
  REPORT_URLS_ALLOW_LOOPBACK: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  /** How often the queue is polled for new jobs. */
  QUEUE_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(1),
  /** When nightly settlement starts (cron, Taiwan time): the business day that just ended. */
  SETTLEMENT_CRON: z.string().min(9).default('30 0 * * *'),
  /** Where finance exports are written. */
  EXPORT_DIR: z.string().min(1).default('exports'),
  /**
   * The gateway's figures the books are reconciled with after each night's run: `statements:<directory>` (the
   * imported daily statements) or `simulator:<control url>`; unset: no reconciliation (logged).
   */
  RECONCILE_SOURCE: z.string().min(1).optional(),
  /** Days gateway reports (and the daily counts of reports not kept) are kept before they are purged. */
  GATEWAY_REPORT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /**
   * The gateway's payment deadline (380): a purchase unpaid this long after it was seen is closed as failed.
   * The seeds give no figure (系統設定繳費期限); 7 days covers the usual convenience-store and ATM terms.
   */
  PURCHASE_PAYMENT_DEADLINE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(168),
  /**
   * How long the gateway's explicit "no such order" must last before an operation is failed as never arrived.
   * Must exceed the longest possible call; by default twice it, and at least two minutes.
   */
  RECONCILE_NOT_FOUND_GRACE_SECONDS: z.coerce.number().int().min(1).max(86_400).optional(),
  /** An operation still open this long after it was seen (after the deadline, for a purchase) goes to an operator. */
  RECONCILE_HORIZON_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(60),
  /** How often the alerts are computed (gauges refreshed, webhook told of changes). */
  ALERT_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3_600).default(30),
  /** An open operator item older than this is a stale exception; critical past the second figure. */
  ALERT_STALE_EXCEPTION_HOURS: z.coerce.number().int().min(1).max(720).default(24),
  ALERT_STALE_EXCEPTION_CRITICAL_HOURS: z.coerce.number().int().min(1).max(2_160).default(72),
  /** Unreleased lines in the clearing backlog that make a warning, and a critical alert. */
  ALERT_BACKLOG_WARN_COUNT: z.coerce.number().int().min(1).default(1),
  ALERT_BACKLOG_CRITICAL_COUNT: z.coerce.number().int().min(1).default(1_000),
  /** Receives a signed JSON POST when an alert appears, changes severity or clears; unset: none sent. */
  ALERT_WEBHOOK_URL: z.string().min(1).optional(),
  /** File holding the webhook's `whsec_` signing secret (never on the command line). */
  ALERT_WEBHOOK_SECRET_FILE: z.string().min(1).optional(),
});

export interface WorkerConfig extends EngineConfig {
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  /** Where `GET /metrics` is served; undefined: not served. */
  metrics?: { port: number; host: string };
  /** Plain http to loopback report URLs is accepted (development). */
  reportUrlsAllowLoopback: boolean;
  queuePollSeconds: number;
  settlementCron: string;
  exportDir: string;
  /** The source of the gateway's figures for the nightly reconciliation (figuresSourceFrom); none: skipped. */
  reconcileSource?: string;
  gatewayReportRetentionDays: number;
  /** Validated against each other and the gateway calls (validateReconcilerOptions). */
  reconciler: ReconcilerOptions;
  alerts: {
    intervalMs: number;
    thresholds: AlertThresholds;
    /** Where changes are POSTed, and the secret they are signed with; undefined: no webhook. */
    webhook?: { url: URL; secret: string };
  };
}

export { ConfigError };

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const e = readEnv(schema, env);
  const callBoundMs = longestCallMs(e.GATEWAY_TIMEOUT_MS);
  let reconciler: ReconcilerOptions;
  try {
    reconciler = resolveReconcilerOptions(
      {
        paymentDeadlineMs: e.PURCHASE_PAYMENT_DEADLINE_HOURS * 3_600_000,
        notFoundGraceMs:
          e.RECONCILE_NOT_FOUND_GRACE_SECONDS === undefined
            ? undefined
            : e.RECONCILE_NOT_FOUND_GRACE_SECONDS * 1000,
        horizonMs: e.RECONCILE_HORIZON_MINUTES * 60_000,
      },
      callBoundMs,
    );
  } catch (error) {
    if (!(error instanceof ReconcilerConfigError)) throw error;
    throw new ConfigError(`✖ ${RECONCILER_VARIABLES[error.field] ?? error.field}: ${error.message}`);
  }
  return {
    ...engineConfigOf(e),
    logLevel: e.LOG_LEVEL,
    ...(e.WORKER_METRICS_PORT === undefined
      ? {}
      : { metrics: { port: e.WORKER_METRICS_PORT, host: e.WORKER_METRICS_HOST } }),
    reportUrlsAllowLoopback: e.REPORT_URLS_ALLOW_LOOPBACK,
    queuePollSeconds: e.QUEUE_POLL_SECONDS,
    settlementCron: e.SETTLEMENT_CRON,
    exportDir: e.EXPORT_DIR,
    ...(e.RECONCILE_SOURCE === undefined ? {} : { reconcileSource: reconcileSourceOf(e.RECONCILE_SOURCE) }),
    gatewayReportRetentionDays: e.GATEWAY_REPORT_RETENTION_DAYS,
    reconciler,
    alerts: {
      intervalMs: e.ALERT_INTERVAL_SECONDS * 1000,
      thresholds: alertThresholdsOf(e),
      ...alertWebhookOf(e.ALERT_WEBHOOK_URL, e.ALERT_WEBHOOK_SECRET_FILE, e.REPORT_URLS_ALLOW_LOOPBACK),
    },
  };
}

function alertThresholdsOf(e: z.infer<typeof schema>): AlertThresholds {
  if (e.ALERT_STALE_EXCEPTION_CRITICAL_HOURS < e.ALERT_STALE_EXCEPTION_HOURS)
    throw new ConfigError('✖ ALERT_STALE_EXCEPTION_CRITICAL_HOURS: below ALERT_STALE_EXCEPTION_HOURS');
  if (e.ALERT_BACKLOG_CRITICAL_COUNT < e.ALERT_BACKLOG_WARN_COUNT)
    throw new ConfigError('✖ ALERT_BACKLOG_CRITICAL_COUNT: below ALERT_BACKLOG_WARN_COUNT');
  return {
    ...DEFAULT_ALERT_THRESHOLDS,
    staleExceptionHours: e.ALERT_STALE_EXCEPTION_HOURS,
    staleExceptionCriticalHours: e.ALERT_STALE_EXCEPTION_CRITICAL_HOURS,
    backlogWarnCount: e.ALERT_BACKLOG_WARN_COUNT,
    backlogCriticalCount: e.ALERT_BACKLOG_CRITICAL_COUNT,
  };
}

/** ALERT_WEBHOOK_URL and its secret file, checked at start: https (http to loopback in development), a whsec_ secret. */
function alertWebhookOf(
  url: string | undefined,
  secretFile: string | undefined,
  allowLoopbackHttp: boolean,
): { webhook?: { url: URL; secret: string } } {
  if (url === undefined) {
    if (secretFile !== undefined)
      throw new ConfigError('✖ ALERT_WEBHOOK_SECRET_FILE: set without ALERT_WEBHOOK_URL');
    return {};
  }
  let checked: URL;
  try {
    checked = checkReportUrl(url, { allowLoopbackHttp });
  } catch (error) {
    if (!(error instanceof ReportUrlError)) throw error;
    throw new ConfigError(`✖ ALERT_WEBHOOK_URL: ${error.message.replace(/^report URL refused: /, '')}`);
  }
  if (secretFile === undefined)
    throw new ConfigError(
      '✖ ALERT_WEBHOOK_SECRET_FILE: required with ALERT_WEBHOOK_URL (a file holding a whsec_ secret)',
    );
  let secret: string;
  try {
    secret = readFileSync(secretFile, 'utf8').trim();
  } catch (error) {
    throw new ConfigError(
      `✖ ALERT_WEBHOOK_SECRET_FILE: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  try {
    reportSecretKey(secret);
  } catch (error) {
    if (!(error instanceof ReportSecretError)) throw error;
    throw new ConfigError(
      `✖ ALERT_WEBHOOK_SECRET_FILE: ${error.message.replace(/^report secret refused: /, '')}`,
    );
  }
  return { webhook: { url: checked, secret } };
}

/** RECONCILE_SOURCE, checked at start: a source that cannot be is named now, not at night. */
function reconcileSourceOf(spec: string): string {
  try {
    figuresSourceFrom(spec);
  } catch (error) {
    if (!(error instanceof ReconciliationError)) throw error;
    throw new ConfigError(`✖ RECONCILE_SOURCE: ${error.message}`);
  }
  return spec;
}

/** The variables behind the reconciler's configurable options, to name the one that is wrong. */
const RECONCILER_VARIABLES: Partial<Record<keyof ReconcilerOptions, string>> = {
  paymentDeadlineMs: 'PURCHASE_PAYMENT_DEADLINE_HOURS',
  notFoundGraceMs: 'RECONCILE_NOT_FOUND_GRACE_SECONDS (with GATEWAY_TIMEOUT_MS)',
  horizonMs: 'RECONCILE_HORIZON_MINUTES',
};
