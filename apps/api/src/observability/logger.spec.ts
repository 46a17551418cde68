import 'reflect-metadata';
import { Writable } from 'node:stream';
import { Controller, Get, Logger as NestLogger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLogger } from '@tixclear/logging';
import { LogController } from 'fastify';
import { Logger } from 'nestjs-pino';
import { HttpErrorsFilter } from '../common/http-errors.filter';
import { ObservabilityModule } from './observability.module';
import { genReqId } from './request-context';

/* Error lines carry the request id and the error as a field, from Fastify's request.log and Nest's Logger alike. */

class QueryFailed extends Error {
  readonly code = '23505';
  readonly parameters = ['buyer@example.com'];
}

@Controller('boom')
class BoomController {
  readonly #logger = new NestLogger('boom');

  @Get()
  boom(): never {
    const error = new QueryFailed('duplicate key');
    this.#logger.error({ err: error, command: 'boom' }, 'operation failed');
    throw error;
  }
}

let app: NestFastifyApplication;
let output = '';

beforeAll(async () => {
  const logger = createLogger({
    name: 'api',
    destination: new Writable({ write: (chunk, _encoding, done) => ((output += String(chunk)), done()) }),
  });
  @Module({ imports: [ObservabilityModule.forLogger(logger)], controllers: [BoomController] })
  class SpecModule {}
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
    genReqId,
  });
  app = await NestFactory.create<NestFastifyApplication>(SpecModule, adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new HttpErrorsFilter());
  await app.listen(0, '127.0.0.1');
});
afterAll(() => app.close());

it('logs an unexpected error with the request id and `err` (type, message, code, stack; no parameters)', async () => {
  const response = await fetch(`${await app.getUrl()}/boom`, { headers: { 'x-request-id': 'trace-42' } });
  expect(response.status).toBe(500);
  const lines = output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.level === 50);
  expect(lines.map((line) => line.msg).sort()).toEqual(['operation failed', 'unhandled error']);
  for (const line of lines) {
    expect(line.request_id).toBe('trace-42');
    expect(line.err).toEqual({
      type: 'QueryFailed',
      message: 'duplicate key',
      code: '23505',
      stack: expect.stringContaining('duplicate key'),
    });
  }
  expect(output).not.toContain('buyer@example.com');
});
