import { applyDecorators, Controller, Get, Param, UseFilters, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { parseInput } from '../console-body';
import { ConsoleErrorsFilter } from '../console-errors';
import { ConsoleGuard } from '../console.guard';
import { Requires } from '../roles';
import { type DayPoint, daySeries, type DayTotals, dayTotals } from './day/day-totals';

/** A calendar date that exists (2026-02-30 is refused): a business day. */
export const businessDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((s) => {
    const at = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(at.getTime()) && at.toISOString().startsWith(s);
  }, 'a date YYYY-MM-DD');
const dayParams = z.object({ date: businessDay });
const error = { $ref: '#/components/schemas/ConsoleError' };

function Documented(operationId: string, summary: string) {
  return applyDecorators(
    ApiOperation({ operationId: `console_${operationId}`, summary, description: `${summary}. Needs: read.` }),
    ApiParam({ name: 'date', description: 'The business day, YYYY-MM-DD (Asia/Taipei)' }),
    ApiCookieAuth('session'),
    ApiResponse({ status: 200, description: 'Done.' }),
    ApiResponse({ status: 400, description: 'BODY_INVALID (date)', schema: error }),
    ApiResponse({ status: 401, description: 'UNAUTHENTICATED: no live session.', schema: error }),
  );
}

/** A business day's cleared totals and the 90-day series, read from clearings (never the journal). */
@ApiTags('console')
@UseFilters(ConsoleErrorsFilter)
@UseGuards(ConsoleGuard)
@Controller('console/api/days')
export class DaysController {
  constructor(private readonly dataSource: DataSource) {}

  @Get(':date')
  @Requires('read')
  @Documented('day', "A business day's cleared totals: vouchers, gross value, each fee, the three shares")
  async day(@Param() params: unknown): Promise<{ data: DayTotals }> {
    const { date } = parseInput(dayParams, params);
    return { data: await dayTotals(this.dataSource, date) };
  }

  @Get(':date/series')
  @Requires('read')
  @Documented('daySeries', 'Gross value and vouchers cleared for each of the 90 days ending at the date')
  async series(@Param() params: unknown): Promise<{ data: DayPoint[] }> {
    const { date } = parseInput(dayParams, params);
    return { data: await daySeries(this.dataSource, date) };
  }
}
