import type { DynamicModule } from '@nestjs/common';
import { createLogger, errorFields, type Logger } from '@tixclear/logging';
import { LoggerModule } from 'nestjs-pino';
import type { ApiConfig } from '../config/api-config';
import { genReqId } from './request-context';

/**
 * The API's one pino (JSON lines on stdout, pretty in a terminal), shared by Fastify (`request.log`, the
 * request hooks) and Nest (`Logger` in services, through nestjs-pino). Requests are logged by our own hook
 * (request-context.ts), with ids only; the factory's redaction is the safety net should anything log a
 * header or a body.
 */
export function apiLogger(level: ApiConfig['logLevel']): Logger {
  return createLogger({ name: 'api', level });
}

/**
 * nestjs-pino over the same pino: Nest's `Logger` lines are JSON with `context` and `err` as fields, and
 * within a handler carry its `request_id` (request-log-context.ts; the same id as Fastify's, as genReqId is
 * memoised per request). No line of its own per request: the request hook writes that one. Its pino-http
 * middleware is mounted on no route: on Fastify its context never reached a handler, and it built a child
 * logger per request for nothing.
 */
export function loggerModule(logger: Logger): DynamicModule {
  return LoggerModule.forRoot({
    forRoutes: [],
    pinoHttp: {
      logger,
      genReqId,
      // pino-http would put its own `err` serializer over the factory's (which leaves query parameters out).
      serializers: { err: errorFields },
      wrapSerializers: false,
      customAttributeKeys: { reqId: 'request_id' },
      quietReqLogger: true,
      autoLogging: false,
    },
  });
}
