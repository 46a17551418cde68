import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Metrics } from './metrics';

/**
 * `GET /metrics` for Prometheus. Unauthenticated, as scrapers expect: it shows counts only (no ids, keys or
 * amounts); keep the port off the public internet or filter the path at the proxy.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  async render(@Res() reply: FastifyReply): Promise<void> {
    await reply.type(this.metrics.contentType).send(await this.metrics.render());
  }
}
