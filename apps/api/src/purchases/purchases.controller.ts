import { Controller, Get, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyGuard } from '../rest/api-key.guard';
import { ApiRestGet, ApiRestPost, ApiRestResource } from '../rest/openapi';
import { RestDoor, type Mutation } from '../rest/rest-door.service';
import { sendAnswer } from '../rest/send-answer';

const PURCHASE: Mutation = {
  command: 'voucherservicepurchase',
  resource: '/v1/purchases',
  storeUid: true,
  run: (operations, partner, wire) => operations.purchases.purchase(partner, wire),
};

@ApiRestResource('purchases')
@UseGuards(ApiKeyGuard)
@Controller('v1/purchases')
export class PurchasesController {
  constructor(private readonly door: RestDoor) {}

  @Post()
  @ApiRestPost({
    summary: 'Buy vouchers',
    description:
      'Reserves the vouchers and opens the order at the gateway; send the buyer to data.url. Each item names its ' +
      'own serials (is_custom_serial 1, serial_numbers), or, for a partner in store mode only, leaves the ' +
      'numbering to the gateway (is_custom_serial 0, no serial_numbers: the serials are learnt from our query ' +
      'once paid; a dealer partner is refused, 400 REQUEST_INVALID on items[i].is_custom_serial). The vouchers ' +
      'are issued when the payment is confirmed by our query (GET shows it).',
    body: 'PurchaseRequest',
    answer: 'Purchase',
  })
  async create(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await sendAnswer(reply, await this.door.mutate(request, PURCHASE));
  }

  @Get(':orderId')
  @ApiRestGet({ summary: 'Read a purchase (paid: content.code 250)', answer: 'PurchaseQuery' })
  async read(
    @Param('orderId') orderId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await sendAnswer(reply, await this.door.query(request, 'voucherservicequery', orderId));
  }
}
