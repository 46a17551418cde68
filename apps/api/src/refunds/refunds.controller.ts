import { Controller, Get, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyGuard } from '../rest/api-key.guard';
import { ApiRestGet, ApiRestPost, ApiRestResource } from '../rest/openapi';
import { RestDoor, type Mutation } from '../rest/rest-door.service';
import { sendAnswer } from '../rest/send-answer';

const REFUND: Mutation = {
  command: 'voucherrefund',
  resource: '/v1/refunds',
  storeUid: true,
  run: (operations, partner, wire) => operations.refunds.refund(partner, wire),
};

@ApiRestResource('refunds')
@UseGuards(ApiKeyGuard)
@Controller('v1/refunds')
export class RefundsController {
  constructor(private readonly door: RestDoor) {}

  @Post()
  @ApiRestPost({
    summary: 'Refund unused vouchers',
    description:
      'Only issued vouchers of one buyer can be refunded: a redeemed, refunded or busy voucher gets 409 ' +
      'VOUCHER_UNAVAILABLE before the gateway is asked; gift vouchers are refused by the gateway (422).',
    body: 'RefundRequest',
    answer: 'Refund',
  })
  async create(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await sendAnswer(reply, await this.door.mutate(request, REFUND));
  }

  @Get(':orderId')
  @ApiRestGet({ summary: 'Read a refund', answer: 'RefundQuery' })
  async read(
    @Param('orderId') orderId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await sendAnswer(reply, await this.door.query(request, 'voucherrefundquery', orderId));
  }
}
