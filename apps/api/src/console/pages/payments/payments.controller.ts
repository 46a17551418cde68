import { Controller, Get, Param, Query, UseFilters, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { parseInput } from '../../console-body';
import { ConsoleErrorsFilter } from '../../console-errors';
import { ConsoleGuard } from '../../console.guard';
import { ApiConsoleOperation } from '../../console-openapi';
import { Requires } from '../../roles';
import { businessDay } from '../days.controller';
import {
  isPaymentsCursor,
  listPayments,
  type PaymentRow,
  type PaymentsDay,
  paymentsDay,
} from './payments-reader';

export const paymentsQuery = z.object({
  after: z.string().refine(isPaymentsCursor, 'the `next` of the previous page').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const dayParams = z.object({ date: businessDay });

/** A day's payments (issue 14's payments door) and the payments ledger's totals of that business day; read only. */
@ApiTags('console')
@UseFilters(ConsoleErrorsFilter)
@UseGuards(ConsoleGuard)
@Controller('console/api/payments')
export class PaymentsController {
  constructor(private readonly dataSource: DataSource) {}

  @Get(':date')
  @Requires('read')
  @ApiConsoleOperation('payments')
  async day(
    @Param() params: unknown,
    @Query() query: unknown,
  ): Promise<{ data: { ledger: PaymentsDay; payments: PaymentRow[] }; next: string | null }> {
    const { date } = parseInput(dayParams, params);
    const page = parseInput(paymentsQuery, query);
    const [ledger, { payments, next }] = await Promise.all([
      paymentsDay(this.dataSource, date),
      listPayments(this.dataSource, date, page),
    ]);
    return { data: { ledger, payments }, next };
  }
}
