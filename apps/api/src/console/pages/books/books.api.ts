import { Controller, Get, Query, UseFilters, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { taiwanBusinessDate } from '@tixclear/domain';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { parseInput } from '../../console-body';
import { ConsoleErrorsFilter } from '../../console-errors';
import { ConsoleGuard } from '../../console.guard';
import { Requires } from '../../roles';
import { businessDay } from '../days.controller';
import { DocumentedRead } from '../ledgers/console-docs';
import {
  type TrialBalance,
  trialBalance,
  type TrustCheck,
  trustCheck,
  type TrustPoint,
  trustSeries,
} from '../ledgers/ledger-reads';

const trustQuery = z.object({ until: businessDay.optional() });

/** The books' operator API: the trial balance, and the trust liability over time with its check. */
@ApiTags('console')
@UseFilters(ConsoleErrorsFilter)
@UseGuards(ConsoleGuard)
@Controller('console/api/books')
export class BooksApiController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('trial-balance')
  @Requires('read')
  @DocumentedRead('trialBalance', {
    summary: 'The trial balance',
    description:
      "Every account of the chart (with the operator's code and name) and its balance as a debit or a credit, " +
      'everything posted so far; `debits` equals `credits` (`balanced`)',
  })
  async trial(): Promise<{ data: TrialBalance }> {
    return { data: await trialBalance(this.dataSource) };
  }

  @Get('trust')
  @Requires('read')
  @DocumentedRead('trust', {
    summary: 'The trust liability over time, and its check against the vouchers outstanding',
    description:
      'The credit balance of trust_liability at the end of each of the 90 days ending at `until` (as posted by ' +
      'then), and now against the value of the paid vouchers sold and not redeemed, refunded or expired, with ' +
      'the difference',
    query: { until: 'YYYY-MM-DD (Asia/Taipei), default today' },
  })
  async trust(@Query() query: unknown): Promise<{ data: { series: TrustPoint[]; check: TrustCheck } }> {
    const { until } = parseInput(trustQuery, query);
    const [series, check] = await Promise.all([
      trustSeries(this.dataSource, until ?? taiwanBusinessDate(new Date())),
      trustCheck(this.dataSource),
    ]);
    return { data: { series, check } };
  }
}
