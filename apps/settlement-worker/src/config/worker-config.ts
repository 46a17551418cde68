import { z } from 'zod';

/** The worker's configuration, validated once at start; every bad variable is named. */
const schema = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  /** Seals partner keys at rest: 64 hex characters (npm start makes a local one). */
  TIXCLEAR_MASTER_KEY: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters'),
  GATEWAY_URL: z.url().default('http://127.0.0.1:4010/api/init'),
  GATEWAY_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  /** First retry delay of a partner report, doubled after each failure (5 attempts in all). */
  REPORT_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** How often the queue is polled for new jobs. */
  QUEUE_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(1),
  /** When nightly settlement starts (cron, Taiwan time): the business day that just ended. */
  SETTLEMENT_CRON: z.string().min(9).default('30 0 * * *'),
  /** Where finance exports are written. */
  EXPORT_DIR: z.string().min(1).default('exports'),
  /** Days gateway reports (and the daily counts of reports not kept) are kept before they are purged. */
  GATEWAY_REPORT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
});

export interface WorkerConfig {
  databaseUrl: string;
  masterKey: Buffer;
  gatewayUrl: string;
  gatewayTimeoutMs: number;
  reportRetryDelaySeconds: number;
  queuePollSeconds: number;
  settlementCron: string;
  exportDir: string;
  gatewayReportRetentionDays: number;
}

export class WorkerConfigError extends Error {
  constructor(readonly issues: string) {
    super(`invalid configuration:\n${issues}`);
    this.name = 'WorkerConfigError';
  }
}

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new WorkerConfigError(z.prettifyError(parsed.error));
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    masterKey: Buffer.from(e.TIXCLEAR_MASTER_KEY, 'hex'),
    gatewayUrl: e.GATEWAY_URL,
    gatewayTimeoutMs: e.GATEWAY_TIMEOUT_MS,
    reportRetryDelaySeconds: e.REPORT_RETRY_DELAY_SECONDS,
    queuePollSeconds: e.QUEUE_POLL_SECONDS,
    settlementCron: e.SETTLEMENT_CRON,
    exportDir: e.EXPORT_DIR,
    gatewayReportRetentionDays: e.GATEWAY_REPORT_RETENTION_DAYS,
  };
}
