import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { EnvelopeService } from './envelope.service';

@Controller('api')
export class EnvelopeController {
  constructor(private readonly envelope: EnvelopeService) {}

  /** Form-encoded (PHP, Python, C# clients) or JSON (Node client) bodies alike. */
  @Post('init')
  @HttpCode(200)
  async init(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const result = await this.envelope.handle(body);
    if (result.status !== 200) void reply.status(result.status);
    return result.answer;
  }
}
