import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions } from '@tixclear/db';
import type { Logger } from '@tixclear/logging';
import { API_CONFIG, type ApiConfig } from './config/api-config';
import { ConsoleModule } from './console/console.module';
import { EnvelopeModule } from './envelope/envelope.module';
import { HealthModule } from './health/health.module';
import { NotificationsModule } from './notifications/notifications.module';
import { ObservabilityModule } from './observability/observability.module';
import { PaymentsModule } from './payments/payments.module';
import { PurchasesModule } from './purchases/purchases.module';
import { RedemptionsModule } from './redemptions/redemptions.module';
import { RefundsModule } from './refunds/refunds.module';
import { ReportsModule } from './reports/reports.module';

@Module({})
export class AppModule {
  static forConfig(config: ApiConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        TypeOrmModule.forRoot(dataSourceOptions(config.databaseUrl)),
        ObservabilityModule.forLogger(logger),
        HealthModule,
        EnvelopeModule,
        NotificationsModule,
        // The REST door (/v1), one module per bounded context.
        PurchasesModule,
        RedemptionsModule,
        RefundsModule,
        PaymentsModule,
        ReportsModule,
        // The operator API (/console), for the operators' and finance console.
        ConsoleModule,
      ],
      providers: [{ provide: API_CONFIG, useValue: config }],
      exports: [API_CONFIG],
    };
  }
}
