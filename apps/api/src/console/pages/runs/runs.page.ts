import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { API_CONFIG, type ApiConfig } from '../../../config/api-config';
import { roleGrants } from '../../roles';
import { exportRoot } from '../../runs.controller';
import { businessDay } from '../days.controller';
import { PageSessions, sendPage } from '../page-session';
import { runFiles } from './run-files';
import { parsePeriod, todayInTaipei } from './run-start';
import { isCursor, listRuns, readRun, UUID } from './runs-reader';
import { runPage, runsPage } from './runs-template';

function dayBefore(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/**
 * `/console/runs`: the runs newest first (the operator API's reader), and for a `money` role the start
 * form: dates in, a checked period out, whose button calls `POST /console/api/runs/{period}/start` after the
 * confirm dialog. `/console/runs/{id}`: one run with its export files.
 */
@ApiExcludeController()
@Controller('console/runs')
export class RunsPage {
  constructor(
    private readonly dataSource: DataSource,
    private readonly pages: PageSessions,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Get()
  async list(
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const ctx = await this.pages.signedIn(request, reply, '/console/runs');
    if (!ctx?.operator) return;
    const before = typeof query.before === 'string' && isCursor(query.before) ? query.before : undefined;
    const { runs, next } = await listRuns(this.dataSource, { before });
    const today = todayInTaipei();
    const yesterday = dayBefore(today);
    const day = (v: unknown) => (businessDay.safeParse(v).success ? (v as string) : undefined);
    const start = day(query.start);
    const end = day(query.end);
    let prepared: string | null = null;
    let problem: string | null = null;
    if (start && end) {
      try {
        const period = parsePeriod(start === end ? start : `${start}_${end}`, today);
        prepared = period.start === period.end ? period.start : `${period.start}_${period.end}`;
      } catch (error) {
        problem = (error as Error).message;
      }
    }
    sendPage(
      reply,
      runsPage(ctx, runs, next, {
        start: start ?? yesterday,
        end: end ?? yesterday,
        prepared,
        problem,
        canStart: roleGrants(ctx.operator.role as never, 'money'),
      }),
    );
  }

  @Get(':id')
  async one(
    @Param('id') id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const ctx = await this.pages.signedIn(request, reply, '/console/runs');
    if (!ctx) return;
    const run = UUID.test(id) ? await readRun(this.dataSource, id) : null;
    if (!run) {
      void reply.status(404);
      sendPage(
        reply,
        runsPage(ctx, [], null, { start: '', end: '', prepared: null, problem: null, canStart: false }),
      );
      return;
    }
    const files = await runFiles(exportRoot(this.config), { start: run.period_start, end: run.period_end });
    sendPage(reply, runPage(ctx, run, files));
  }
}
