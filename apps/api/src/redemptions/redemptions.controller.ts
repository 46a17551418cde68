import { Controller, Get, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyGuard } from '../rest/api-key.guard';
import { ApiRestGet, ApiRestPost, ApiRestResource } from '../rest/openapi';
import { RestDoor, type Mutation } from '../rest/rest-door.service';
import { sendAnswer } from '../rest/send-answer';

const RESOURCE = '/v1/redemptions';

const ONLINE: Mutation = {
  command: 'vouchertransaction',
  resource: RESOURCE,
  storeUid: true,
  run: (operations, partner, wire) => operations.redemptions.redeem(partner, wire),
};

/** The till's redemption names no store: the gateway knows the sender; the vouchers come from the token. */
const OFFLINE: Mutation = {
  command: 'voucheroffline',
  resource: RESOURCE,
  storeUid: false,
  run: (operations, partner, wire) => operations.offline.redeem(partner, wire),
};

@ApiRestResource('redemptions')
@UseGuards(ApiKeyGuard)
@Controller('v1/redemptions')
export class RedemptionsController {
  constructor(private readonly door: RestDoor) {}

  @Post()
  @ApiRestPost({
    summary: 'Redeem vouchers online',
    description:
      'All or nothing: every voucher named must be issued and not busy. Of concurrent redemptions of one ' +
      'voucher exactly one goes through; the others get 409 VOUCHER_UNAVAILABLE and change nothing.',
    body: 'RedemptionRequest',
    answer: 'Redemption',
  })
  async redeem(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await sendAnswer(reply, await this.door.mutate(request, ONLINE));
  }

  @Post('offline')
  @ApiRestPost({
    summary: 'Redeem at the till (digital pay token or physical serials)',
    description:
      'pay_token is MYTIX + 16 characters (one digital voucher) or a JSON string array of physical serials ' +
      '(with issuance_uid). The fee split is computed here (the answer has no fee object).',
    body: 'OfflineRedemptionRequest',
    answer: 'OfflineRedemption',
  })
  async redeemOffline(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await sendAnswer(reply, await this.door.mutate(request, OFFLINE));
  }

  @Get(':orderId')
  @ApiRestGet({ summary: 'Read a redemption (online or offline)', answer: 'RedemptionQuery' })
  async read(
    @Param('orderId') orderId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await sendAnswer(reply, await this.door.query(request, 'voucherquery', orderId));
  }
}
