import { Module } from '@nestjs/common';
import { OperationsModule } from '../operations/operations.module';
import { RestModule } from '../rest/rest.module';
import { ETicketRefundsController } from './eticket-refunds.controller';
import { EwalletBindingsController } from './ewallet-bindings.controller';
import { PayModesController } from './pay-modes.controller';
import { PaymentsController } from './payments.controller';

/** The REST door's PayPage resources (seed 001) and e-ticket refunds (seed 003). */
@Module({
  imports: [RestModule, OperationsModule],
  controllers: [PaymentsController, ETicketRefundsController, PayModesController, EwalletBindingsController],
})
export class PaymentsModule {}
