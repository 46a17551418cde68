import { Controller, Get, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RestError, RestErrorCode } from '../rest/rest-errors';
import { ApiKeyGuard } from '../rest/api-key.guard';
import { ApiRestGet, ApiRestPost, ApiRestResource } from '../rest/openapi';
import { RestDoor, type Mutation } from '../rest/rest-door.service';
import { sendAnswer } from '../rest/send-answer';

const ETICKET_REFUND: Mutation = {
  command: 'esvcrefund',
  resource: '/v1/eticket-refunds',
  storeUid: false,
  locationOf: (body) =>
    typeof body.refund_order_id === 'string'
      ? `/v1/eticket-refunds/${encodeURIComponent(body.refund_order_id)}`
      : undefined,
  run: (operations, partner, body) => {
    const { order_id: orderId, ...rest } = body;
    if (typeof orderId !== 'string' || orderId === '')
      throw new RestError(RestErrorCode.BodyInvalid, 'order_id: your order id of the paid order', 'order_id');
    return operations.moneyRefunds.refundOrder('esvcrefund', partner, orderId, rest);
  },
};

/** E-ticket refunds (seed 003 api/esvcrefund): money back on a paid voucher purchase or payment, in part. */
@ApiRestResource('eticket-refunds')
@UseGuards(ApiKeyGuard)
@Controller('v1/eticket-refunds')
export class ETicketRefundsController {
  constructor(private readonly door: RestDoor) {}

  @Post()
  @ApiRestPost({
    summary: 'Refund an e-ticket order',
    description:
      'api/esvcrefund of your paid order (order_id: a voucher purchase or a payment): cost is the amount, ' +
      'partial refunds allowed. The vouchers are not touched (refunding vouchers is /v1/refunds).',
    body: 'ETicketRefundRequest',
    answer: 'ETicketRefund',
  })
  async create(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await sendAnswer(reply, await this.door.mutate(request, ETICKET_REFUND));
  }

  @Get(':orderId')
  @ApiRestGet({
    summary: 'Read an e-ticket refund (orderId: its refund_order_id)',
    description: 'The refund as settled (202 while its outcome is not known yet: the reconciler settles it).',
    answer: 'ETicketRefund',
  })
  async read(
    @Param('orderId') refundOrderId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const answer = await this.door.read(request, 'esvcrefund', (operations, partner) =>
      operations.moneyRefunds.readRefund(partner, refundOrderId, 'esvcrefund'),
    );
    await sendAnswer(reply, answer);
  }
}
