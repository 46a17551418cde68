import { Module } from '@nestjs/common';
import { OperationsModule } from '../operations/operations.module';
import { PartnersModule } from '../partners/partners.module';
import { ApiKeyGuard } from './api-key.guard';
import { IdempotencyService } from './idempotency.service';
import { RestDoor } from './rest-door.service';

/**
 * What every REST resource module shares: the API key guard, idempotency keys and the door over the
 * operations. PartnersModule is re-exported because the guard is instantiated in each resource's module.
 */
@Module({
  imports: [PartnersModule, OperationsModule],
  providers: [ApiKeyGuard, IdempotencyService, RestDoor],
  exports: [ApiKeyGuard, RestDoor, PartnersModule],
})
export class RestModule {}
