import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { taiwanBusinessDate } from '@tixclear/domain';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { businessDay } from '../days.controller';
import { trialBalance, trustCheck, trustSeries } from '../ledgers/ledger-reads';
import { PageSessions, sendPage } from '../page-session';
import { booksPage } from './books.template';

/**
 * `/console/books?until=`: the trial balance, and the trust liability over the 90 days ending at `until` (today
 * in Taiwan by default) with its check against the vouchers outstanding. Reads what the operator API answers.
 */
@ApiExcludeController()
@Controller('console/books')
export class BooksPageController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly pages: PageSessions,
  ) {}

  @Get()
  async books(@Query('until') until: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const ctx = await this.pages.signedIn(request, reply, '/console/books');
    if (!ctx) return;
    const parsed = businessDay.safeParse(until);
    const day = parsed.success ? parsed.data : taiwanBusinessDate(new Date());
    const [trial, series, check] = await Promise.all([
      trialBalance(this.dataSource),
      trustSeries(this.dataSource, day),
      trustCheck(this.dataSource),
    ]);
    sendPage(reply, booksPage(ctx, day, trial, series, check));
  }
}
