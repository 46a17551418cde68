import { Module } from '@nestjs/common';
import { PartnerRegistry } from '@tixclear/db';
import { DataSource } from 'typeorm';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { PartnerDirectory } from './partner-directory.service';
import { PARTNER_REGISTRY } from './partners.tokens';

@Module({
  providers: [
    {
      provide: PARTNER_REGISTRY,
      inject: [DataSource, API_CONFIG],
      useFactory: (dataSource: DataSource, config: ApiConfig) =>
        new PartnerRegistry(dataSource, config.masterKey),
    },
    PartnerDirectory,
  ],
  exports: [PARTNER_REGISTRY, PartnerDirectory],
})
export class PartnersModule {}
