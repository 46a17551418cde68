import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { clientAddress } from '../common/client-address';
import { EnvelopeService } from './envelope.service';

@ApiTags('gateway-compatible')
@Controller('api')
export class EnvelopeController {
  constructor(private readonly envelope: EnvelopeService) {}

  /** Form-encoded (PHP, Python, C# clients) or JSON (Node client) bodies alike. */
  @Post('init')
  @HttpCode(200)
  @ApiOperation({
    summary: 'The gateway-compatible door',
    description:
      'store_uid (or agent_uid), service and encry_data, form-encoded or JSON, exactly as the gateway takes ' +
      "them (AES-256-CBC envelopes, the partner's key): a client written for the gateway switches by its URL.",
  })
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
