import { Controller, Get, Query, UseFilters, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { type AuditLine, listAudit } from '@tixclear/db';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { parseInput } from './console-body';
import { ConsoleErrorsFilter } from './console-errors';
import { ConsoleGuard } from './console.guard';
import { ApiConsoleOperation } from './console-openapi';
import { Requires } from './roles';

const auditQuery = z.object({
  actor: z.string().min(1).max(64).optional(),
  action: z.string().min(1).max(60).optional(),
  target: z.string().min(1).max(200).optional(),
  before: z
    .string()
    .regex(/^\d{1,18}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** The operators' audit trail, newest first, a page at a time. */
@ApiTags('console')
@UseFilters(ConsoleErrorsFilter)
@UseGuards(ConsoleGuard)
@Controller('console/api/audit')
export class AuditController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @Requires('read')
  @ApiConsoleOperation('audit')
  async list(@Query() query: unknown): Promise<{ data: AuditLine[]; next: string | null }> {
    const filter = parseInput(auditQuery, query);
    const { entries, next } = await listAudit(this.dataSource.manager, filter);
    return { data: entries, next };
  }
}
