import { Controller, HttpCode, Inject, Param, Post, Req, UseGuards } from '@nestjs/common';
import {
  OperationError,
  OperationErrorCode,
  reportsWithoutJob,
  resendReports,
  sendReportJobs,
} from '@tixclear/operations';
import type { FastifyRequest } from 'fastify';
import type PgBoss from 'pg-boss';
import { DataSource } from 'typeorm';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { JOB_QUEUE } from '../operations/operations.tokens';
import { ApiKeyGuard, partnerOf } from '../rest/api-key.guard';
import { ApiReportResend, ApiRestResource } from '../rest/openapi';
import { RestError, RestErrorCode } from '../rest/rest-errors';

/** An order id longer than its column names no order: answered without a query. */
const ORDER_ID_WIDTH = 64;

/**
 * A partner asks for the reports of one of its orders again. Only its own orders (another partner's order is
 * `ORDER_NOT_FOUND`, as an unknown one); the reports keep their ids, so the `webhook-id` repeats. No
 * Idempotency-Key: asking twice asks for the same deliveries under the same ids, which the partner drops.
 */
@ApiRestResource('reports')
@UseGuards(ApiKeyGuard)
@Controller('v1/orders')
export class ReportsController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(JOB_QUEUE) private readonly boss: PgBoss,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Post(':orderId/reports/resend')
  @HttpCode(202)
  @ApiReportResend()
  async resend(
    @Param('orderId') orderId: string,
    @Req() request: FastifyRequest,
  ): Promise<{ data: { order_id: string; reports: { id: string; event: string }[] } }> {
    const partner = partnerOf(request).partner;
    const reports =
      orderId.length > ORDER_ID_WIDTH
        ? null
        : await resendReports(this.dataSource, partner.id, orderId, `partner ${partner.partnerUid}`);
    if (reports === null)
      throw new OperationError(OperationErrorCode.OrderNotFound, 'no such order of this partner');
    if (reports.length === 0)
      throw new RestError(
        RestErrorCode.ReportNotFound,
        'no report for this order yet: its outcome is not final',
      );
    // A report still pending keeps its own job (and its backoff): only the others get one. A hand-over lost
    // here leaves them pending in the outbox, and the worker's sweep enqueues them.
    await reportsWithoutJob(
      this.dataSource,
      reports.map((report) => report.id),
    )
      .then((idle) =>
        sendReportJobs(this.boss, idle, { reportRetryDelaySeconds: this.config.reportRetryDelaySeconds }),
      )
      .catch(() => undefined);
    return { data: { order_id: orderId, reports } };
  }
}
