import { type EngineConfig, engineConfigOf, engineEnvSchema, readEnv } from '@tixclear/operations';
import { z } from 'zod';
import { allowListEntries, parseEntry } from '../notifications/source-allow-list';

/**
 * The API's whole configuration, read once from the environment at start. A bad or missing variable stops
 * the start with a message naming every bad variable (never a half-configured server).
 */
const schema = engineEnvSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Undecryptable envelopes one partner may send per minute before it is made to wait. */
  ENVELOPE_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  /** Largest request body accepted (both doors); larger ones get 413 before they are read. */
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(10 * 1024 * 1024)
    .default(1024 * 1024),
  /** Addresses and CIDR ranges `/gateway/notify` accepts reports from, comma-separated; empty: any. */
  NOTIFY_ALLOWED_SOURCES: z
    .string()
    .default('')
    .refine(
      (text) => allowListEntries(text).every((entry) => parseEntry(entry) !== undefined),
      'must be IP addresses or CIDR ranges, comma-separated',
    ),
  /**
   * The proxies whose X-Forwarded-For is believed (addresses and CIDR ranges, comma-separated), so the envelope
   * limiter, the report allow-list and the logs see the client behind them; `off` (or empty): none is.
   */
  TRUST_PROXY: z
    .string()
    .default('off')
    .refine(
      (text) =>
        text.trim() === 'off' || allowListEntries(text).every((entry) => parseEntry(entry) !== undefined),
      'must be off, or the proxies’ IP addresses or CIDR ranges, comma-separated',
    ),
  /** Largest gateway report body; larger ones get 413 (and no `8888`). */
  NOTIFY_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024)
    .default(64 * 1024),
  /** Where the settlement worker writes its finance exports (the console serves them): as the worker's. */
  EXPORT_DIR: z.string().min(1).default('exports'),
});

export interface ApiConfig extends EngineConfig {
  port: number;
  host: string;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  envelopeFailuresPerMinute: number;
  bodyLimitBytes: number;
  notifyAllowedSources: string[];
  notifyBodyLimitBytes: number;
  /** Trusted proxies' addresses and ranges; empty: X-Forwarded-For is ignored. */
  trustProxy: string[];
  exportDir: string;
}

export { ConfigError } from '@tixclear/operations';

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const e = readEnv(schema, env);
  return {
    ...engineConfigOf(e),
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    envelopeFailuresPerMinute: e.ENVELOPE_FAILURES_PER_MINUTE,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    notifyAllowedSources: allowListEntries(e.NOTIFY_ALLOWED_SOURCES),
    notifyBodyLimitBytes: e.NOTIFY_BODY_LIMIT_BYTES,
    trustProxy: e.TRUST_PROXY.trim() === 'off' ? [] : allowListEntries(e.TRUST_PROXY),
    exportDir: e.EXPORT_DIR,
  };
}

/** Nest injection token for the config object. */
export const API_CONFIG = Symbol('API_CONFIG');
