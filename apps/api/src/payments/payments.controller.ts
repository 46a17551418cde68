import { Controller, Get, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyGuard } from '../rest/api-key.guard';
import { ApiRestGet, ApiRestPost, ApiRestResource } from '../rest/openapi';
import { RestDoor, type Mutation } from '../rest/rest-door.service';
import { sendAnswer } from '../rest/send-answer';

const PAYMENT: Mutation = {
  command: 'orders',
  resource: '/v1/payments',
  storeUid: true,
  run: (operations, partner, wire) => operations.payments.open(partner, wire),
};

/** A refund of the payment `orderId`, read back under it by its own `refund_order_id`. */
function paymentRefund(orderId: string): Mutation {
  return {
    command: 'refund',
    resource: `/v1/payments/${encodeURIComponent(orderId)}/refunds`,
    storeUid: false,
    locationOf: (body) =>
      typeof body.refund_order_id === 'string'
        ? `/v1/payments/${encodeURIComponent(orderId)}/refunds/${encodeURIComponent(body.refund_order_id)}`
        : undefined,
    run: (operations, partner, body) => operations.moneyRefunds.refundOrder('refund', partner, orderId, body),
  };
}

const REFUND_ID = {
  name: 'refundOrderId',
  description: 'Your refund_order_id of the refund',
  schema: { type: 'string', maxLength: 50 },
};

/**
 * PayPage payments (seed 001) for partners: open a payment (api/orders), read it (api/queryorder, by your own
 * order_id: the gateway's uid and key are ours to keep), refund part of it (api/refund).
 */
@ApiRestResource('payments')
@UseGuards(ApiKeyGuard)
@Controller('v1/payments')
export class PaymentsController {
  constructor(private readonly door: RestDoor) {}

  @Post()
  @ApiRestPost({
    summary: 'Open a payment',
    description:
      'Opens the order at the gateway (api/orders); send the buyer to data.url. GET the payment to learn when ' +
      'it is paid (prc 250); the payment report is sent to your report URL once our own query confirms it.',
    body: 'PaymentRequest',
    answer: 'Payment',
  })
  async create(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await sendAnswer(reply, await this.door.mutate(request, PAYMENT));
  }

  @Get(':orderId')
  @ApiRestGet({ summary: 'Read a payment (paid: prc 250)', answer: 'PaymentQuery' })
  async read(
    @Param('orderId') orderId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const answer = await this.door.read(request, 'queryorder', (operations, partner) =>
      operations.payments.read(partner, orderId),
    );
    await sendAnswer(reply, answer);
  }

  @Post(':orderId/refunds')
  @ApiParam({ name: 'orderId', description: 'Your order_id of the payment', schema: { type: 'string' } })
  @ApiRestPost({
    summary: 'Refund part or all of a payment',
    description:
      'api/refund of the paid payment: cost is the amount (partial refunds allowed up to what is left); items ' +
      'are required with an e-invoice. One refund per refund_order_id.',
    body: 'PaymentRefundRequest',
    answer: 'PaymentRefund',
  })
  async refund(
    @Param('orderId') orderId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await sendAnswer(reply, await this.door.mutate(request, paymentRefund(orderId)));
  }

  @Get(':orderId/refunds/:refundOrderId')
  @ApiParam(REFUND_ID)
  @ApiRestGet({
    summary: 'Read a refund of a payment',
    description: 'The refund as settled (202 while its outcome is not known yet: the reconciler settles it).',
    answer: 'PaymentRefund',
  })
  async readRefund(
    @Param('refundOrderId') refundOrderId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const answer = await this.door.read(request, 'refund', (operations, partner) =>
      operations.moneyRefunds.readRefund(partner, refundOrderId, 'refund'),
    );
    await sendAnswer(reply, answer);
  }
}
