import { z } from 'zod';

/**
 * The variables both apps read, validated alike in one place: the database, the master key that seals partner
 * keys, the gateway and its call timeout, the first retry delay of partner reports. Each app extends this schema
 * with its own variables (apps/api/src/config, apps/settlement-worker/src/config).
 */
export const engineEnvSchema = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  /** Seals partner keys at rest: 64 hex characters (npm start makes a local one). */
  TIXCLEAR_MASTER_KEY: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters'),
  /** The gateway's api/init URL; the local simulator by default. */
  GATEWAY_URL: z.url().default('http://127.0.0.1:4010/api/init'),
  GATEWAY_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  /** First retry delay of a partner report, doubled after each failure (5 attempts in all). */
  REPORT_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
});

/** The engine's settings from {@link engineEnvSchema}, as the apps hold them. */
export interface EngineConfig {
  databaseUrl: string;
  masterKey: Buffer;
  gatewayUrl: string;
  gatewayTimeoutMs: number;
  reportRetryDelaySeconds: number;
}

/** A configuration that does not validate; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly issues: string) {
    super(`invalid configuration:\n${issues}`);
    this.name = 'ConfigError';
  }
}

/** `env` read by `schema` (an extension of {@link engineEnvSchema}); ConfigError naming every bad variable. */
export function readEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new ConfigError(z.prettifyError(parsed.error));
  return parsed.data;
}

/** The engine's settings of an environment read by an extension of {@link engineEnvSchema}. */
export function engineConfigOf(e: z.infer<typeof engineEnvSchema>): EngineConfig {
  return {
    databaseUrl: e.DATABASE_URL,
    masterKey: Buffer.from(e.TIXCLEAR_MASTER_KEY, 'hex'),
    gatewayUrl: e.GATEWAY_URL,
    gatewayTimeoutMs: e.GATEWAY_TIMEOUT_MS,
    reportRetryDelaySeconds: e.REPORT_RETRY_DELAY_SECONDS,
  };
}
