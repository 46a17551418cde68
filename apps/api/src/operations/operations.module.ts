import { Module } from '@nestjs/common';
import type { PartnerRegistry } from '@tixclear/db';
import { createOperations, gatewayPort } from '@tixclear/operations';
import { DataSource } from 'typeorm';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { PartnersModule } from '../partners/partners.module';
import { PARTNER_REGISTRY } from '../partners/partners.tokens';
import { OPERATIONS } from './operations.tokens';

/** The framework-free service layer (libs/operations), wired once for every controller. */
@Module({
  imports: [PartnersModule],
  providers: [
    {
      provide: OPERATIONS,
      inject: [DataSource, PARTNER_REGISTRY, API_CONFIG],
      useFactory: (dataSource: DataSource, registry: PartnerRegistry, config: ApiConfig) =>
        createOperations({
          dataSource,
          registry,
          gateway: gatewayPort({ baseUrl: config.gatewayUrl, timeoutMs: config.gatewayTimeoutMs }),
        }),
    },
  ],
  exports: [OPERATIONS],
})
export class OperationsModule {}
