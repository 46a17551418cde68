import { pino, stdSerializers, type DestinationStream, type Level, type Logger } from 'pino';

export type { Logger } from 'pino';
export type LogLevel = Level | 'silent';

/**
 * The error as logged under `err`: its type, message, code and stack only. Other fields are left out on
 * purpose: a database error carries the query's parameters (buyers' names, phones, e-mails).
 */
export function errorFields(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error, message: String(error) };
  const { type, message, stack } = stdSerializers.err(error);
  const code = (error as { code?: unknown }).code;
  return { type, message, stack, ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}) };
}

/**
 * No API keys, idempotency keys, envelopes or bodies in a line, whatever a caller passes: the redaction is
 * the safety net under the rule that we log ids, never payloads.
 */
const REDACT = {
  paths: [
    'headers',
    'body',
    'authorization',
    '*.headers',
    '*.body',
    '*.authorization',
    '*["idempotency-key"]',
    '*.encry_data',
    '*.user_data',
  ],
  censor: '[redacted]',
};

export interface LoggerOptions {
  /** The process (`api`, `settlement-worker`, a CLI's name), on every line as `name`. */
  name: string;
  level?: LogLevel;
  /** Where lines go; default stdout for a service, stderr is the caller's choice for a CLI. */
  destination?: DestinationStream | 1 | 2;
  /** Pretty lines (pino-pretty) instead of JSON; default: when the destination is a terminal. */
  pretty?: boolean;
}

/** The one logger factory: JSON lines for machines, pino-pretty when a person watches the terminal. */
export function createLogger(options: LoggerOptions): Logger {
  const fd = typeof options.destination === 'number' ? options.destination : 1;
  const pretty =
    options.pretty ??
    (options.destination === undefined || typeof options.destination === 'number'
      ? Boolean((fd === 2 ? process.stderr : process.stdout).isTTY)
      : false);
  const base = {
    name: options.name,
    level: options.level ?? 'info',
    serializers: { err: errorFields },
    redact: REDACT,
  };
  if (pretty)
    return pino({
      ...base,
      transport: { target: 'pino-pretty', options: { destination: fd, colorize: true, sync: true } },
    });
  const destination =
    typeof options.destination === 'object' ? options.destination : pino.destination({ fd, sync: true });
  return pino(base, destination);
}
