import { Controller, Get, UseFilters, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { type Alert, currentAlerts, DEFAULT_ALERT_THRESHOLDS } from '@tixclear/operations';
import { DataSource } from 'typeorm';
import { ConsoleErrorsFilter } from './console-errors';
import { ConsoleGuard } from './console.guard';
import { ApiConsoleOperation } from './console-openapi';
import { Requires } from './roles';

/**
 * The alerts in force (libs/operations `currentAlerts`: aggregate reads only), the same the worker exposes as
 * `tixclear_alert_*` gauges and sends to its webhook; each names where an operator acts.
 */
@ApiTags('console')
@UseFilters(ConsoleErrorsFilter)
@UseGuards(ConsoleGuard)
@Controller('console/api')
export class AlertsController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('alerts')
  @Requires('read')
  @ApiConsoleOperation('alerts')
  async list(): Promise<{ data: Alert[]; computed_at: string }> {
    const now = new Date();
    return {
      data: await currentAlerts(this.dataSource, DEFAULT_ALERT_THRESHOLDS, now),
      computed_at: now.toISOString(),
    };
  }
}
