import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import type { ApiConfig } from './config/api-config';

/** Builds the API (not listening yet), so tests and main.ts assemble it the same way. */
export async function createApiApp(config: ApiConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forConfig(config), adapter, {
    logger: config.logLevel === 'silent' ? false : ['error', 'warn', 'log'],
    abortOnError: false,
    // Gateway reports are read from their exact bytes (form with PHP-style nesting, or JSON).
    rawBody: true,
  });
  app.enableShutdownHooks();
  return app;
}
