import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { clientAddress } from '../common/client-address';
import { ApiEnvelopeInit } from '../rest/openapi';
import { EnvelopeService } from './envelope.service';

@ApiTags('gateway-compatible')
@Controller('api')
export class EnvelopeController {
  constructor(private readonly envelope: EnvelopeService) {}

  /** Form-encoded (PHP, Python, C# clients) or JSON (Node client) bodies alike. */
  @Post('init')
  @HttpCode(200)
  @ApiEnvelopeInit()
  async init(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const result = await this.envelope.handle(body, clientAddress(request));
    if (result.partnerUid) request.partnerUid = result.partnerUid;
    if (result.status !== 200) void reply.status(result.status);
    return result.answer;
  }
}
