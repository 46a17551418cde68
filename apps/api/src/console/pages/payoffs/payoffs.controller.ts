import { Controller, Get, Param, Query, UseFilters, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { parseInput } from '../../console-body';
import { ConsoleError, ConsoleErrorCode, ConsoleErrorsFilter } from '../../console-errors';
import { ConsoleGuard } from '../../console.guard';
import { ApiConsoleOperation } from '../../console-openapi';
import { Requires } from '../../roles';
import {
  BATCH_STATES,
  type BatchRow,
  isBatchCursor,
  ITEM_ID,
  type ItemRow,
  listBatches,
  listItems,
  readBatch,
} from './payoffs-reader';

export const batchesQuery = z.object({
  state: z.enum(BATCH_STATES).optional(),
  before: z.string().refine(isBatchCursor, 'the `next` of the previous page').optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});
export const itemsQuery = z.object({
  after: z.string().regex(ITEM_ID, 'the `next` of the previous page').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** Pay-off batches and their items (libs/settlement payouts tables), read only. */
@ApiTags('console')
@UseFilters(ConsoleErrorsFilter)
@UseGuards(ConsoleGuard)
@Controller('console/api/payoffs')
export class PayoffsController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @Requires('read')
  @ApiConsoleOperation('payoffs')
  async list(@Query() query: unknown): Promise<{ data: BatchRow[]; next: string | null }> {
    const filter = parseInput(batchesQuery, query);
    const { batches, next } = await listBatches(this.dataSource, filter);
    return { data: batches, next };
  }

  @Get(':batch')
  @Requires('read')
  @ApiConsoleOperation('payoff')
  async one(
    @Param('batch') key: string,
    @Query() query: unknown,
  ): Promise<{ data: BatchRow & { item_list: ItemRow[] }; next: string | null }> {
    const page = parseInput(itemsQuery, query);
    const batch = /^[A-Za-z0-9-]{1,50}$/.test(key) ? await readBatch(this.dataSource, key) : null;
    if (!batch) throw new ConsoleError(ConsoleErrorCode.NotFound, 'no such pay-off batch');
    const { items, next } = await listItems(this.dataSource, batch.id, page);
    return { data: { ...batch, item_list: items }, next };
  }
}
