import { Module } from '@nestjs/common';
import { OperationsModule } from '../operations/operations.module';
import { GatewayNotifyController } from './gateway-notify.controller';

@Module({ imports: [OperationsModule], controllers: [GatewayNotifyController] })
export class NotificationsModule {}
