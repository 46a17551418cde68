import { Controller, Get, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyGuard } from '../rest/api-key.guard';
import { ApiRestGet, ApiRestPost, ApiRestResource } from '../rest/openapi';
import { RestDoor, type Mutation } from '../rest/rest-door.service';
import { RestError, RestErrorCode } from '../rest/rest-errors';
import { sendAnswer } from '../rest/send-answer';

const PAYMENT: Mutation = {
  command: 'orders',
  resource: '/v1/payments',
  storeUid: true,
  run: (operations, partner, wire) => operations.payments.open(partner, wire),
};

/** A write on the payment `orderId` (capture, authorisation cancel, invoice issue), read back as the payment. */
function paymentAction(
  orderId: string,
  command: 'authorizedrequestpayment' | 'cancelauthorization' | 'issueinvoice',
): Mutation {
  return {
    command,
    resource: '/v1/payments',
    storeUid: false,
    locationOf: () => `/v1/payments/${encodeURIComponent(orderId)}`,
    run: (operations, partner, body) =>
      operations.paymentActions.runForPayment(partner, command, orderId, body),
  };
}

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

  @Post(':orderId/refunds/:refundOrderId/cancel')
  @ApiParam(REFUND_ID)
  @ApiRestPost({
    summary: 'Cancel a refund still queued',
    description:
      'api/refundcancel: a refund is queued until the next Taiwan midnight and can be taken back until then ' +
      '(afterwards the gateway refuses: 422 GATEWAY_REFUSED). Send {}.',
    body: 'EmptyRequest',
    answer: 'RefundCancel',
  })
  async cancelRefund(
    @Param('orderId') orderId: string,
    @Param('refundOrderId') refundOrderId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const mutation: Mutation = {
      command: 'refundcancel',
      resource: `/v1/payments/${encodeURIComponent(orderId)}/refunds`,
      storeUid: false,
      locationOf: () =>
        `/v1/payments/${encodeURIComponent(orderId)}/refunds/${encodeURIComponent(refundOrderId)}`,
      run: async (operations, partner, body) => {
        if (Object.keys(body).length > 0)
          throw new RestError(RestErrorCode.BodyInvalid, 'send {}: the path names the refund', 'body');
        return operations.paymentActions.cancelRefund(partner, refundOrderId);
      },
    };
    await sendAnswer(reply, await this.door.mutate(request, mutation));
  }

  @Post(':orderId/capture')
  @ApiRestPost({
    summary: 'Capture a card authorisation',
    description:
      'api/authorizedrequestpayment of a payment opened with creditcard_is_automatic_payment 0 and authorised ' +
      '(prc 245): once, all or part (cost). GET the payment: 250 once the capture is through.',
    body: 'CaptureRequest',
    answer: 'Capture',
  })
  async capture(
    @Param('orderId') orderId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await sendAnswer(
      reply,
      await this.door.mutate(request, paymentAction(orderId, 'authorizedrequestpayment')),
    );
  }

  @Post(':orderId/authorization/cancel')
  @ApiRestPost({
    summary: 'Release a card authorisation',
    description: 'api/cancelauthorization of an authorised payment (prc 245). Send {}.',
    body: 'EmptyRequest',
    answer: 'AuthorizationCancel',
  })
  async cancelAuthorization(
    @Param('orderId') orderId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await sendAnswer(reply, await this.door.mutate(request, paymentAction(orderId, 'cancelauthorization')));
  }

  @Post(':orderId/invoice')
  @ApiRestPost({
    summary: "Issue a paid payment's e-invoice",
    description: 'api/issueinvoice (within 48 hours of the payment).',
    body: 'InvoiceIssueRequest',
    answer: 'InvoiceIssue',
  })
  async issueInvoice(
    @Param('orderId') orderId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await sendAnswer(reply, await this.door.mutate(request, paymentAction(orderId, 'issueinvoice')));
  }

  @Post(':orderId/direct-debit/stop')
  @ApiRestPost({
    summary: "Stop a recurring payment's charges",
    description:
      'api/disabledirectdebit of a recurring payment (opened with regular): group_id is its 定期定額式扣款編號 ' +
      '(GET the payment), stop_time the first day without a charge (after today).',
    body: 'DirectDebitStopRequest',
    answer: 'DirectDebitStop',
  })
  async stopDirectDebit(
    @Param('orderId') orderId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const mutation: Mutation = {
      command: 'disabledirectdebit',
      resource: '/v1/payments',
      storeUid: false,
      locationOf: () => `/v1/payments/${encodeURIComponent(orderId)}`,
      run: async (operations, partner, body) => {
        const named = ['store_uid', 'order_id'].find((field) => field in body);
        if (named) throw new RestError(RestErrorCode.BodyInvalid, 'the path names the payment', named);
        return operations.paymentActions.run(partner, 'disabledirectdebit', {
          ...body,
          store_uid: partner.partner.partnerUid,
          order_id: orderId,
        });
      },
    };
    await sendAnswer(reply, await this.door.mutate(request, mutation));
  }

  @Get(':orderId/invoice')
  @ApiRestGet({ summary: "Read a payment's e-invoice", answer: 'Invoice' })
  async readInvoice(
    @Param('orderId') orderId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const answer = await this.door.read(request, 'invoice', (operations, partner) =>
      operations.paymentActions.invoiceOfPayment(partner, orderId),
    );
    await sendAnswer(reply, answer);
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
