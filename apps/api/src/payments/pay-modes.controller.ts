import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyGuard } from '../rest/api-key.guard';
import { ApiRestResource } from '../rest/openapi';
import { answerExamples, errorExamples } from '../rest/openapi-examples';
import { RestDoor } from '../rest/rest-door.service';
import { sendAnswer } from '../rest/send-answer';

const REQUEST_ID = {
  'X-Request-Id': {
    description: 'On every answer: the request id. Quote it to us.',
    schema: { type: 'string' },
  },
};

/** `GET /v1/pay-modes?cost=…`: api/paymentsupportpaymode for the partner's own store (read only). */
@ApiRestResource('payments')
@UseGuards(ApiKeyGuard)
@Controller('v1/pay-modes')
export class PayModesController {
  constructor(private readonly door: RestDoor) {}

  @Get()
  @ApiOperation({
    summary: 'The pay modes your store may offer for an amount',
    description: 'Asks the gateway (api/paymentsupportpaymode) for your store; nothing is recorded.',
  })
  @ApiQuery({ name: 'cost', required: true, schema: { type: 'integer', minimum: 1 } })
  @ApiQuery({ name: 'currency', required: false, schema: { type: 'string', enum: ['TWD', 'CNY'] } })
  @ApiResponse({
    status: 200,
    description: 'The pay modes (pfn values).',
    schema: { $ref: '#/components/schemas/PayModes' },
    example: answerExamples.PayModes,
    headers: REQUEST_ID,
  })
  @ApiResponse({
    status: 400,
    description: 'REQUEST_INVALID: cost (field) is missing or not a whole amount of at least 1.',
    schema: { $ref: '#/components/schemas/Error' },
    example: errorExamples[400],
    headers: REQUEST_ID,
  })
  @ApiResponse({
    status: 503,
    description: 'GATEWAY_UNAVAILABLE: ask again later.',
    schema: { $ref: '#/components/schemas/Error' },
    example: errorExamples[503],
    headers: REQUEST_ID,
  })
  async list(
    @Query('cost') cost: string | undefined,
    @Query('currency') currency: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const answer = await this.door.read(request, 'paymentsupportpaymode', (operations, partner) =>
      operations.paymentActions.payModes(partner, {
        store_uid: partner.partner.partnerUid,
        cost: typeof cost === 'string' && /^\d{1,15}$/.test(cost) ? Number(cost) : cost,
        ...(currency === undefined ? {} : { currency }),
      }),
    );
    await sendAnswer(reply, answer);
  }
}
