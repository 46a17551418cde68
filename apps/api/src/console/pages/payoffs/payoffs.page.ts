import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { PageSessions, sendPage } from '../page-session';
import { batchesQuery, itemsQuery } from './payoffs.controller';
import { BATCH_STATES, listBatches, listItems, readBatch } from './payoffs-reader';
import { payoffPage, payoffsPage } from './payoffs-template';

/** `/console/payoffs`: batches newest run first (filter by state); `/console/payoffs/{id}`: a batch's items. */
@ApiExcludeController()
@Controller('console/payoffs')
export class PayoffsPage {
  constructor(
    private readonly dataSource: DataSource,
    private readonly pages: PageSessions,
  ) {}

  @Get()
  async list(
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const ctx = await this.pages.signedIn(request, reply, '/console/payoffs');
    if (!ctx) return;
    const { lang: _, ...rest } = query;
    const parsed = batchesQuery.safeParse({ ...rest, state: rest.state || undefined });
    const filter = parsed.success ? parsed.data : { limit: 30 };
    const { batches, next } = await listBatches(this.dataSource, filter);
    sendPage(reply, payoffsPage(ctx, batches, next, filter, BATCH_STATES));
  }

  @Get(':batch')
  async one(
    @Param('batch') key: string,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const ctx = await this.pages.signedIn(request, reply, '/console/payoffs');
    if (!ctx) return;
    const batch = /^[A-Za-z0-9-]{1,50}$/.test(key) ? await readBatch(this.dataSource, key) : null;
    if (!batch) {
      void reply.status(404);
      sendPage(reply, payoffsPage(ctx, [], null, {}, BATCH_STATES));
      return;
    }
    const parsed = itemsQuery.safeParse({ after: query.after });
    const { items, next } = await listItems(this.dataSource, batch.id, parsed.success ? parsed.data : {});
    sendPage(reply, payoffPage(ctx, batch, items, next));
  }
}
