import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from '@tixclear/logging';
import { loggerModule } from './logger';
import { Metrics } from './metrics';
import { MetricsController } from './metrics.controller';
import { RequestLogContext } from './request-log-context';

/**
 * The process's logger (nestjs-pino, each handler's lines bound to its request id) and one Metrics registry,
 * shared by the request hooks, the controllers and `GET /metrics`.
 */
@Global()
@Module({})
export class ObservabilityModule {
  static forLogger(logger: Logger): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [loggerModule(logger)],
      controllers: [MetricsController],
      providers: [{ provide: Metrics, useFactory: () => new Metrics() }, RequestLogContext],
      exports: [Metrics],
    };
  }
}
