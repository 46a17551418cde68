import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { PartnerRegistry } from '@tixclear/db';
import { createOperations, gatewayPort, openJobQueue, queueDispatcher } from '@tixclear/operations';
import { PinoLogger } from 'nestjs-pino';
import type PgBoss from 'pg-boss';
import { DataSource } from 'typeorm';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { PartnersModule } from '../partners/partners.module';
import { PARTNER_REGISTRY } from '../partners/partners.tokens';
import { JOB_QUEUE, OPERATIONS } from './operations.tokens';

/**
 * The framework-free service layer (libs/operations), wired once for every controller. Partner reports are
 * handed to the job queue (the worker delivers them); the API only sends jobs.
 */
@Module({
  imports: [PartnersModule],
  providers: [
    {
      provide: JOB_QUEUE,
      inject: [API_CONFIG, PinoLogger],
      useFactory: (config: ApiConfig, logger: PinoLogger) =>
        openJobQueue(config.databaseUrl, 'producer', logger),
    },
    {
      provide: OPERATIONS,
      inject: [DataSource, PARTNER_REGISTRY, API_CONFIG, JOB_QUEUE],
      useFactory: (dataSource: DataSource, registry: PartnerRegistry, config: ApiConfig, boss: PgBoss) =>
        createOperations({
          dataSource,
          registry,
          gateway: gatewayPort({ baseUrl: config.gatewayUrl, timeoutMs: config.gatewayTimeoutMs }),
          reports: queueDispatcher(boss, { reportRetryDelaySeconds: config.reportRetryDelaySeconds }),
          notifications: { maxBodyBytes: config.notifyBodyLimitBytes },
        }),
    },
  ],
  exports: [OPERATIONS, JOB_QUEUE],
})
export class OperationsModule implements OnApplicationShutdown {
  constructor(@Inject(JOB_QUEUE) private readonly boss: PgBoss) {}

  async onApplicationShutdown(): Promise<void> {
    await this.boss.stop({ graceful: false, close: true });
  }
}
