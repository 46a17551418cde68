import { z } from 'zod';

/**
 * The API's whole configuration, read once from the environment at start. A bad or missing variable stops
 * the start with a message naming every bad variable (never a half-configured server).
 */
const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface ApiConfig {
  port: number;
  host: string;
  databaseUrl: string;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
}

export class ConfigError extends Error {
  constructor(readonly issues: string) {
    super(`invalid configuration:\n${issues}`);
    this.name = 'ConfigError';
  }
}

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new ConfigError(z.prettifyError(parsed.error));
  const e = parsed.data;
  return { port: e.PORT, host: e.HOST, databaseUrl: e.DATABASE_URL, logLevel: e.LOG_LEVEL };
}

/** Nest injection token for the config object. */
export const API_CONFIG = Symbol('API_CONFIG');
