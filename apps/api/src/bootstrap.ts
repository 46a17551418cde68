import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController } from 'fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { installBodyBounds } from './common/body-bounds';
import { answerFrameworkError, HttpErrorsFilter } from './common/http-errors.filter';
import { serveConsoleOpenApi } from './console/console-openapi';
import type { ApiConfig } from './config/api-config';
import { apiLogger } from './observability/logger';
import { Metrics } from './observability/metrics';
import { genReqId, installRequestHooks } from './observability/request-context';
import { serveOpenApi } from './rest/openapi';

/** Builds the API (not listening yet), so tests and main.ts assemble it the same way. */
export async function createApiApp(config: ApiConfig): Promise<NestFastifyApplication> {
  const logger = apiLogger(config.logLevel);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // One line per request comes from our own hook (ids, route, status, duration), not Fastify's two.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
    genReqId,
    frameworkErrors: answerFrameworkError,
    bodyLimit: config.bodyLimitBytes,
    // request.ip: the connection's address, or behind a listed proxy the client it forwarded for (the
    // nearest X-Forwarded-For entry not itself a listed proxy). Never `true`: any client could name itself.
    trustProxy: config.trustProxy.length > 0 ? config.trustProxy : false,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forConfig(config, logger), adapter, {
    // Start-up lines wait for nestjs-pino's Logger, so every line is JSON.
    bufferLogs: true,
    abortOnError: false,
    // Gateway reports are read from their exact bytes (form with PHP-style nesting, or JSON).
    rawBody: true,
  });
  app.useLogger(app.get(Logger));
  installRequestHooks(adapter.getInstance(), app.get(Metrics));
  installBodyBounds(adapter.getInstance());
  // Every error, from Fastify's body parsing to Nest's routing, answers JSON with a code.
  app.useGlobalFilters(new HttpErrorsFilter());
  serveOpenApi(app);
  serveConsoleOpenApi(app);
  app.enableShutdownHooks();
  return app;
}
