import { Controller, HttpCode, Inject, Logger, Post, Req, Res } from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Operations } from '@tixclear/operations';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { clientAddress } from '../common/client-address';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { Metrics } from '../observability/metrics';
import { OPERATIONS } from '../operations/operations.tokens';
import { SourceAllowList } from './source-allow-list';

/**
 * `POST /gateway/notify`: the gateway's background reports. A report is a hint: `8888` is answered once it is
 * stored (or counted), and it only wakes the operation it names, which our own query then settles
 * (libs/operations NotificationIntake). Refused without `8888`, so that the gateway sends it again: a source
 * not on the allow-list (403), a body over the report limit (413), an unreadable or invalid report (400).
 */
@ApiExcludeController()
@Controller('gateway')
export class GatewayNotifyController {
  readonly #logger = new Logger('gateway-notify');
  readonly #sources: SourceAllowList;

  constructor(
    @Inject(OPERATIONS) private readonly operations: Operations,
    @Inject(API_CONFIG) config: ApiConfig,
    private readonly metrics: Metrics,
  ) {
    this.#sources = SourceAllowList.of(config.notifyAllowedSources);
  }

  @Post('notify')
  @HttpCode(200)
  async notify(@Req() request: RawBodyRequest<FastifyRequest>, @Res() reply: FastifyReply): Promise<void> {
    if (!this.#sources.allows(clientAddress(request))) {
      this.metrics.recordGatewayReport('source_not_allowed');
      return refuse(reply, 403, 'SOURCE_NOT_ALLOWED', 'reports are not accepted from this address');
    }
    const body = request.rawBody?.toString('utf8') ?? '';
    const result = await this.operations.notifications.receive(body, request.headers['content-type']);
    if (!result.ack) {
      this.metrics.recordGatewayReport(result.reason === 'too_large' ? 'too_large' : 'refused');
      if (result.reason === 'too_large')
        return refuse(reply, 413, 'BODY_TOO_LARGE', 'the report is larger than the limit');
      this.#logger.warn({ reason: result.reason }, 'report refused');
      return refuse(reply, 400, 'REPORT_INVALID', `refused: ${result.reason}`);
    }
    this.metrics.recordGatewayReport(result.outcome);
    await reply.status(200).type('text/plain').send('8888');
  }
}

async function refuse(reply: FastifyReply, status: number, code: string, message: string): Promise<void> {
  await reply.status(status).type('application/json; charset=utf-8').send({ error: { code, message } });
}
