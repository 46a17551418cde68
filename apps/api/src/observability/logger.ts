import type { LoggerService } from '@nestjs/common';
import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import type { ApiConfig } from '../config/api-config';

/**
 * Fastify's pino, as JSON lines on stdout. Requests are logged by our own hook (request-context.ts), with
 * ids only; the serializers and redaction below are the safety net should anything log a request, a reply or
 * a header anyway: no API keys, idempotency keys, envelopes or bodies (buyers' names, phones, e-mails).
 */
export function loggerOptions(level: ApiConfig['logLevel']): FastifyServerOptions['logger'] {
  if (level === 'silent') return false;
  return {
    level,
    serializers: {
      req: (req: { method?: string; routeOptions?: { url?: string } }) => ({
        method: req.method,
        route: req.routeOptions?.url,
      }),
      res: (res: { statusCode?: number }) => ({ status: res.statusCode }),
    },
    redact: {
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
    },
  };
}

/** Nest's own log lines (start-up, our error logs) through the same pino, so every line is JSON. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: FastifyBaseLogger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.pino.info(fields(rest), String(message));
  }

  error(message: unknown, ...rest: unknown[]): void {
    this.pino.error(fields(rest), String(message));
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.pino.warn(fields(rest), String(message));
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.pino.debug(fields(rest), String(message));
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.pino.trace(fields(rest), String(message));
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.pino.fatal(fields(rest), String(message));
  }
}

/** Nest passes `[stack?, context?]`: the context (last string) names the component. */
function fields(rest: unknown[]): Record<string, unknown> {
  const context =
    rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? rest[rest.length - 1] : undefined;
  const stack = rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : undefined;
  return { context, ...(stack ? { stack } : {}) };
}
