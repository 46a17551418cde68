import { Module } from '@nestjs/common';
import { RestModule } from '../rest/rest.module';
import { PurchasesController } from './purchases.controller';

@Module({ imports: [RestModule], controllers: [PurchasesController] })
export class PurchasesModule {}
