import { Controller, HttpCode, Inject, Logger, Post, Req, Res } from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Operations } from '@tixclear/operations';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OPERATIONS } from '../operations/operations.tokens';

/**
 * `POST /gateway/notify`: the gateway's background reports. `8888` is answered only once the report is stored
 * (and applied when it could be); an invalid report gets a 400 and no `8888`, so the gateway sends it again.
 */
@ApiExcludeController()
@Controller('gateway')
export class GatewayNotifyController {
  readonly #logger = new Logger('gateway-notify');

  constructor(@Inject(OPERATIONS) private readonly operations: Operations) {}

  @Post('notify')
  @HttpCode(200)
  async notify(@Req() request: RawBodyRequest<FastifyRequest>, @Res() reply: FastifyReply): Promise<void> {
    const body = request.rawBody?.toString('utf8') ?? '';
    const result = await this.operations.notifications.receive(body, request.headers['content-type']);
    if (!result.ack) {
      this.#logger.warn(`report refused: ${result.reason}`);
      await reply.status(400).type('text/plain').send(`refused: ${result.reason}`);
      return;
    }
    await reply.status(200).type('text/plain').send('8888');
  }
}
