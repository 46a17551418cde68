import { Controller, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyGuard } from '../rest/api-key.guard';
import { ApiRestPost, ApiRestResource } from '../rest/openapi';
import { RestDoor, type Mutation } from '../rest/rest-door.service';
import { sendAnswer } from '../rest/send-answer';

const BINDING: Mutation = {
  command: 'ewalletbind',
  resource: '/v1/ewallet-bindings',
  storeUid: true,
  locationOf: () => undefined,
  run: (operations, partner, wire) => operations.paymentActions.run(partner, 'ewalletbind', wire),
};

/** MYPAY e-wallet binding (seed 001 api/ewalletbind): a page where the buyer binds a card. */
@ApiRestResource('payments')
@UseGuards(ApiKeyGuard)
@Controller('v1/ewallet-bindings')
export class EwalletBindingsController {
  constructor(private readonly door: RestDoor) {}

  @Post()
  @ApiRestPost({
    summary: 'Open an e-wallet binding page for a buyer',
    description:
      'api/ewalletbind: send the buyer to data.url to bind a card. The same request again is the same binding ' +
      '(its page again).',
    body: 'EwalletBindingRequest',
    answer: 'EwalletBinding',
  })
  async create(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await sendAnswer(reply, await this.door.mutate(request, BINDING));
  }
}
