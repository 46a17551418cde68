import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { taiwanBusinessDate } from '@tixclear/domain';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { businessDay } from '../days.controller';
import { PageSessions, sendPage } from '../page-session';
import { paymentsQuery } from './payments.controller';
import { listPayments, paymentsDay } from './payments-reader';
import { paymentsPage } from './payments-template';

/** `/console/payments?date=`: a day's payments (today in Asia/Taipei by default) and the payments ledger's totals. */
@ApiExcludeController()
@Controller('console/payments')
export class PaymentsPage {
  constructor(
    private readonly dataSource: DataSource,
    private readonly pages: PageSessions,
  ) {}

  @Get()
  async day(
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const ctx = await this.pages.signedIn(request, reply, '/console/payments');
    if (!ctx) return;
    const parsed = businessDay.safeParse(query.date);
    const date = parsed.success ? parsed.data : taiwanBusinessDate(new Date());
    const page = paymentsQuery.safeParse({ after: query.after });
    const [ledger, { payments, next }] = await Promise.all([
      paymentsDay(this.dataSource, date),
      listPayments(this.dataSource, date, page.success ? page.data : {}),
    ]);
    sendPage(reply, paymentsPage(ctx, ledger, payments, next));
  }
}
