import { Module } from '@nestjs/common';
import { RestModule } from '../rest/rest.module';
import { RefundsController } from './refunds.controller';

@Module({ imports: [RestModule], controllers: [RefundsController] })
export class RefundsModule {}
