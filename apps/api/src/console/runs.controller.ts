import path from 'node:path';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { QUEUES } from '@tixclear/operations';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type PgBoss from 'pg-boss';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { clientAddress } from '../common/client-address';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { JOB_QUEUE } from '../operations/operations.tokens';
import { Audited } from './audited';
import { parseInput } from './console-body';
import { ConsoleError, ConsoleErrorCode, ConsoleErrorsFilter } from './console-errors';
import { ConsoleGuard, sessionOf } from './console.guard';
import { ApiConsoleOperation } from './console-openapi';
import { openRunFile, type RunFile, runFiles } from './pages/runs/run-files';
import { parsePeriod, type StartedRun, startRun, todayInTaipei } from './pages/runs/run-start';
import {
  isCursor,
  listRuns,
  periodKey,
  readRun,
  type RunDetail,
  type RunRow,
  runOfPeriod,
  UUID,
} from './pages/runs/runs-reader';
import { Requires } from './roles';

const listQuery = z.object({
  before: z.string().refine(isCursor, 'the `next` of the previous page').optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
const noteBody = z.object({ note: z.string().trim().min(1).max(500) });

/** Resolves a run's export folder the way the worker does (`EXPORT_DIR`, relative to the working directory). */
export function exportRoot(config: Pick<ApiConfig, 'exportDir'>): string {
  return path.resolve(config.exportDir);
}

/**
 * Settlement runs: the list and one run (state, steps, durations, counts), starting a period's run through the
 * settlement queue (audited), and the run's export files, streamed by name from its manifest's own list.
 */
@ApiTags('console')
@UseFilters(ConsoleErrorsFilter)
@UseGuards(ConsoleGuard)
@Controller('console/api/runs')
export class RunsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audited: Audited,
    @Inject(JOB_QUEUE) private readonly boss: PgBoss,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Get()
  @Requires('read')
  @ApiConsoleOperation('runs')
  async list(@Query() query: unknown): Promise<{ data: RunRow[]; next: string | null }> {
    const { before, limit } = parseInput(listQuery, query);
    const { runs, next } = await listRuns(this.dataSource, { before, limit });
    return { data: runs, next };
  }

  @Get(':id')
  @Requires('read')
  @ApiConsoleOperation('run')
  async one(@Param('id') id: string): Promise<{ data: RunDetail & { files: RunFile[] | null } }> {
    const run = UUID.test(id) ? await readRun(this.dataSource, id) : null;
    if (!run) throw new ConsoleError(ConsoleErrorCode.NotFound, 'no such run');
    const files = await runFiles(exportRoot(this.config), { start: run.period_start, end: run.period_end });
    return { data: { ...run, files } };
  }

  @Post(':period/start')
  @HttpCode(202)
  @Requires('money')
  @ApiConsoleOperation('runStart')
  async start(
    @Param('period') text: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
  ): Promise<{ data: StartedRun }> {
    const period = parsePeriod(text, todayInTaipei());
    const { note } = parseInput(noteBody, body);
    const key = periodKey(period.start, period.end);
    const action = {
      session: sessionOf(request),
      clientAddress: clientAddress(request),
      action: 'run.start',
      target: key,
      snapshot: async (manager: import('typeorm').EntityManager) => ({
        note,
        run: await runOfPeriod(manager, period.start, period.end),
        jobs: await manager.query<unknown[]>(
          `SELECT id, state FROM pgboss.job WHERE name = $1 AND singleton_key = $2
              AND state IN ('created', 'retry', 'active') ORDER BY created_on`,
          [QUEUES.settlement, key],
        ),
      }),
    };
    return { data: await this.audited.inTransaction(action, (tx) => startRun(tx, this.boss, period)) };
  }

  @Get(':id/files/:name')
  @Requires('read')
  @ApiConsoleOperation('runFile')
  async file(
    @Param('id') id: string,
    @Param('name') name: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const run = UUID.test(id)
      ? await this.dataSource
          .query<{ start: string; end: string }[]>(
            `SELECT period_start::text AS start, period_end::text AS end FROM settlement_runs WHERE id = $1`,
            [id],
          )
          .then((rows) => rows[0])
      : undefined;
    const opened = run && name.length <= 100 ? await openRunFile(exportRoot(this.config), run, name) : null;
    if (!opened) throw new ConsoleError(ConsoleErrorCode.NotFound, 'no such file of this run');
    void reply
      .header('content-type', opened.type)
      .header('content-length', String(opened.bytes))
      .header('content-disposition', opened.disposition)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .send(opened.stream);
  }
}
