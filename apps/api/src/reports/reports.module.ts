import { Module } from '@nestjs/common';
import { OperationsModule } from '../operations/operations.module';
import { RestModule } from '../rest/rest.module';
import { ReportsController } from './reports.controller';

@Module({ imports: [RestModule, OperationsModule], controllers: [ReportsController] })
export class ReportsModule {}
