import { Module } from '@nestjs/common';
import { RestModule } from '../rest/rest.module';
import { RedemptionsController } from './redemptions.controller';

@Module({ imports: [RestModule], controllers: [RedemptionsController] })
export class RedemptionsModule {}
