import { Module } from '@nestjs/common';
import { OperationsModule } from '../operations/operations.module';
import { PartnersModule } from '../partners/partners.module';
import { EnvelopeController } from './envelope.controller';
import { EnvelopeService } from './envelope.service';

@Module({
  imports: [PartnersModule, OperationsModule],
  controllers: [EnvelopeController],
  providers: [EnvelopeService],
})
export class EnvelopeModule {}
