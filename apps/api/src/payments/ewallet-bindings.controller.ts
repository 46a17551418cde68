import { Controller, Get, Inject, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse } from '@nestjs/swagger';
import type { Operations } from '@tixclear/operations';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OPERATIONS } from '../operations/operations.tokens';
import { ApiKeyGuard, partnerOf } from '../rest/api-key.guard';
import { ApiRestPost, ApiRestResource } from '../rest/openapi';
import { RestDoor, type Mutation } from '../rest/rest-door.service';
import { RestError, RestErrorCode } from '../rest/rest-errors';
import { sendAnswer } from '../rest/send-answer';

const BINDING: Mutation = {
  command: 'ewalletbind',
  resource: '/v1/ewallet-bindings',
  storeUid: true,
  locationOf: () => undefined,
  run: (operations, partner, wire) => operations.paymentActions.run(partner, 'ewalletbind', wire),
};

/** One stored binding as the list shows it (no secret: the virtual card number's last four only). */
const BINDING_SCHEMA = {
  type: 'object',
  properties: {
    user_id: { type: 'string' },
    pfn: { type: 'string' },
    cardno: { type: 'string', description: 'First six and last four digits, the rest *' },
    virtual_pan_last4: { type: 'string' },
    enabled: { type: 'boolean' },
    reported_at: { type: 'string', format: 'date-time' },
    binding_order_id: { type: 'string', description: 'Our id of the ewalletbind that opened the page' },
  },
};

const BINDING_EXAMPLE = {
  user_id: 'phper',
  pfn: 'CREDITCARD',
  cardno: '493817******0003',
  virtual_pan_last4: 'Q7K2',
  enabled: true,
  reported_at: '2026-12-05T04:00:00.000Z',
  binding_order_id: 'PA3f1c0d9e2b7a4c6e8f0a1b2c3d4e5f6a7b8c9d0e1.0',
};

const REQUEST_ID = {
  'X-Request-Id': {
    description: 'On every answer: the request id (a sane incoming X-Request-Id is kept). Quote it to us.',
    schema: { type: 'string' },
  },
};

/**
 * MYPAY e-wallet binding (seed 001 api/ewalletbind): a page where the buyer binds a card, and the cards the
 * gateway reported bound (kept as reported: the gateway has no query for them).
 */
@ApiRestResource('payments')
@UseGuards(ApiKeyGuard)
@Controller('v1/ewallet-bindings')
export class EwalletBindingsController {
  constructor(
    private readonly door: RestDoor,
    @Inject(OPERATIONS) private readonly operations: Operations,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'List the cards the gateway reported bound',
    description:
      "The gateway's e-wallet binding reports for buyers whose binding page you opened, newest first (at most " +
      '100), as reported: the gateway has no query to confirm them. Only the masked card number and the virtual ' +
      "card number's last four are kept.",
  })
  @ApiQuery({ name: 'user_id', required: false, schema: { type: 'string', maxLength: 64 } })
  @ApiResponse({
    status: 200,
    description: 'The bindings.',
    schema: {
      type: 'object',
      properties: {
        data: { type: 'object', properties: { bindings: { type: 'array', items: BINDING_SCHEMA } } },
      },
    },
    example: { data: { bindings: [BINDING_EXAMPLE] } },
    headers: REQUEST_ID,
  })
  @ApiResponse({
    status: 400,
    description: 'BAD_REQUEST: user_id is not 1 to 64 characters (field user_id).',
    schema: { type: 'object' },
    example: { error: { code: 'BAD_REQUEST', field: 'user_id', message: 'user_id is 1 to 64 characters' } },
    headers: REQUEST_ID,
  })
  async list(
    @Query('user_id') userId: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (userId !== undefined && (typeof userId !== 'string' || userId.length < 1 || userId.length > 64))
      throw new RestError(RestErrorCode.BadRequest, 'user_id is 1 to 64 characters', 'user_id');
    const bindings = await this.operations.ewalletBindings.list(partnerOf(request), userId);
    await sendAnswer(reply, { status: 200, body: { data: { bindings } }, outcome: 'succeeded' });
  }

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
