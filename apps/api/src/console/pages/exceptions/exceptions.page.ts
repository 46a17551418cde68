import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { OperatorRole } from '@tixclear/db';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { roleGrants } from '../../roles';
import { PageSessions, sendPage } from '../page-session';
import { openCounts, queueItems, queueQuery, UNKNOWN_OUTCOME, unknownOperations } from './exceptions.reader';
import { exceptionsPage } from './exceptions.template';

/**
 * The exception queue's page: open items by kind with the actions each kind offers (the operator API's routes,
 * called by console.js with a note and the CSRF token), and operations of unknown outcome by age. Reads the
 * same functions as `GET /console/api/exceptions`.
 */
@ApiExcludeController()
@Controller('console/exceptions')
export class ExceptionsPage {
  constructor(
    private readonly dataSource: DataSource,
    private readonly pages: PageSessions,
  ) {}

  @Get()
  async show(@Query() query: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const ctx = await this.pages.signedIn(request, reply, '/console/exceptions');
    if (!ctx?.operator) return;
    const { lang: _lang, ...asked } = (query ?? {}) as Record<string, unknown>;
    // A cursor the page cannot read shows the kind's first page; a kind it does not know, the whole queue's.
    const { after: _after, ...kindOnly } = asked;
    const filter =
      [asked, kindOnly]
        .map((query) => queueQuery.safeParse({ ...query, state: 'open', limit: 50 }))
        .find((parsed) => parsed.success)?.data ?? queueQuery.parse({ state: 'open', limit: 50 });
    const role = ctx.operator.role as OperatorRole;
    const [counts, items, unknown] = await Promise.all([
      openCounts(this.dataSource),
      filter.kind === UNKNOWN_OUTCOME ? undefined : queueItems(this.dataSource, filter),
      filter.kind === UNKNOWN_OUTCOME ? unknownOperations(this.dataSource, filter) : undefined,
    ]);
    sendPage(
      reply,
      exceptionsPage(
        ctx,
        { kind: filter.kind, paged: filter.after !== undefined, counts, items, unknown },
        { money: roleGrants(role, 'money'), operations: roleGrants(role, 'operations') },
      ),
    );
  }
}
