import {
  Body,
  Controller,
  Get,
  Inject,
  Param,
  Post,
  Query,
  Req,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { operatorItemKinds, operatorItemStates, type PartnerRegistry } from '@tixclear/db';
import {
  gatewayPort,
  OperationError,
  OperationErrorCode,
  type Operations,
  reportsWithoutJob,
  resendReports,
  sendReportJobs,
} from '@tixclear/operations';
import {
  reclearHold,
  reincludeException,
  settleExceptionOutside,
  settleHoldOutside,
} from '@tixclear/settlement';
import type { FastifyRequest } from 'fastify';
import type PgBoss from 'pg-boss';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { clientAddress } from '../common/client-address';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { JOB_QUEUE, OPERATIONS } from '../operations/operations.tokens';
import { PARTNER_REGISTRY } from '../partners/partners.tokens';
import { Audited, type AuditedAction, itemsSnapshot, rowSnapshot, withinTransaction } from './audited';
import { parseInput, subjectId } from './console-body';
import { ConsoleError, ConsoleErrorCode, ConsoleErrorsFilter } from './console-errors';
import { ConsoleGuard, sessionOf } from './console.guard';
import { ApiConsoleOperation } from './console-openapi';
import { Requires } from './roles';

const itemsQuery = z.object({
  kind: z.enum(operatorItemKinds).optional(),
  state: z.enum(operatorItemStates).default('open'),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const noteBody = z.object({ note: z.string().trim().min(1).max(500) });
const reclearBody = noteBody.extend({ accept: z.enum(['ours', 'gateway']).optional() });
const resendBody = z.object({ partner_uid: z.string().min(1).max(64), order_id: z.string().min(1).max(64) });
const decideBody = z.object({
  serial: z.string().min(1).max(64),
  verdict: z.enum(['redeemed', 'not_redeemed']),
});

interface OperatorItemRow {
  id: string;
  kind: string;
  reference: string;
  partner_uid: string | null;
  state: string;
  details: unknown;
  created_at: Date;
  resolved_at: Date | null;
  resolved_by: string | null;
  resolution: string | null;
}

/**
 * The exception queue (operator_items) and the actions on it. Each action calls the very library function the
 * CLIs call (`npm run settle`, `npm run partners`), and is audited with its subject before and after: in the
 * action's own transaction when it is database work only (holds, report resends), after it when the action
 * asks the gateway and commits its own steps (pay-off exceptions, `290` payments).
 */
@ApiTags('console')
@UseFilters(ConsoleErrorsFilter)
@UseGuards(ConsoleGuard)
@Controller('console/api')
export class ExceptionsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audited: Audited,
    @Inject(OPERATIONS) private readonly operations: Operations,
    @Inject(PARTNER_REGISTRY) private readonly registry: PartnerRegistry,
    @Inject(JOB_QUEUE) private readonly boss: PgBoss,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Get('exceptions')
  @Requires('read')
  @ApiConsoleOperation('exceptions')
  async list(@Query() query: unknown): Promise<{ data: OperatorItemRow[] }> {
    const filter = parseInput(itemsQuery, query);
    const rows = await this.dataSource.query<OperatorItemRow[]>(
      `SELECT i.id, i.kind, i.reference, p.partner_uid, i.state, i.details, i.created_at, i.resolved_at,
              i.resolved_by, i.resolution
         FROM operator_items i LEFT JOIN partners p ON p.id = i.partner_id
        WHERE i.state = $1 AND ($2::text IS NULL OR i.kind = $2)
        ORDER BY i.created_at, i.id OFFSET $3 LIMIT $4`,
      [filter.state, filter.kind ?? null, filter.offset, filter.limit],
    );
    return { data: rows };
  }

  @Post('holds/:lineId/reclear')
  @Requires('money')
  @ApiConsoleOperation('holdReclear')
  async reclear(@Param('lineId') lineId: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    const { note, accept } = parseInput(reclearBody, body);
    const action = this.holdAction(request, 'hold.reclear', subjectId(lineId));
    return {
      data: await this.audited.inTransaction(action, (tx) =>
        reclearHold(withinTransaction(tx), lineId, { by: action.session.name, note }, accept),
      ),
    };
  }

  @Post('holds/:lineId/settle-outside')
  @Requires('money')
  @ApiConsoleOperation('holdSettleOutside')
  async settleHold(@Param('lineId') lineId: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    const { note } = parseInput(noteBody, body);
    const action = this.holdAction(request, 'hold.settle_outside', subjectId(lineId));
    return {
      data: await this.audited.inTransaction(action, (tx) =>
        settleHoldOutside(withinTransaction(tx), lineId, { by: action.session.name, note }),
      ),
    };
  }

  @Post('payout-exceptions/:itemId/reinclude')
  @Requires('money')
  @ApiConsoleOperation('payoutReinclude')
  async reinclude(@Param('itemId') itemId: string, @Req() request: FastifyRequest) {
    const action = this.payoutAction(request, 'payout_exception.reinclude', subjectId(itemId));
    return {
      data: await this.audited.around(action, () =>
        reincludeException(this.dataSource, this.payoffGateway(), itemId),
      ),
    };
  }

  @Post('payout-exceptions/:itemId/settle-outside')
  @Requires('money')
  @ApiConsoleOperation('payoutSettleOutside')
  async settlePayout(@Param('itemId') itemId: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    const { note } = parseInput(noteBody, body);
    const action = this.payoutAction(request, 'payout_exception.settle_outside', subjectId(itemId));
    return {
      data: await this.audited.around(action, () =>
        settleExceptionOutside(
          this.dataSource,
          this.payoffGateway(),
          itemId,
          `${note} (${action.session.name})`,
        ),
      ),
    };
  }

  @Post('paid-mismatches/:operationId/accept')
  @Requires('money')
  @ApiConsoleOperation('paidMismatchAccept')
  async accept(@Param('operationId') operationId: string, @Req() request: FastifyRequest) {
    const action = this.mismatchAction(request, 'paid_mismatch.accept', uuidOf(operationId));
    return {
      data: await this.audited.around(action, () =>
        this.operations.paidMismatch.accept(operationId, action.session.name),
      ),
    };
  }

  @Post('paid-mismatches/:operationId/refund')
  @Requires('money')
  @ApiConsoleOperation('paidMismatchRefund')
  async refund(@Param('operationId') operationId: string, @Req() request: FastifyRequest) {
    const action = this.mismatchAction(request, 'paid_mismatch.refund', uuidOf(operationId));
    return {
      data: await this.audited.around(action, () =>
        this.operations.paidMismatch.refund(operationId, action.session.name),
      ),
    };
  }

  @Post('redemption-mismatches/:operationId/decide')
  @Requires('operations')
  @ApiConsoleOperation('redemptionMismatchDecide')
  async decide(
    @Param('operationId') operationId: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
  ) {
    const { serial, verdict } = parseInput(decideBody, body);
    const action = this.redemptionAction(request, 'redemption_mismatch.decide', uuidOf(operationId));
    return {
      data: await this.audited.around(action, () =>
        this.operations.redemptionMismatch.decide(operationId, serial, verdict, action.session.name),
      ),
    };
  }

  @Post('redemption-mismatches/:operationId/acknowledge')
  @Requires('operations')
  @ApiConsoleOperation('redemptionMismatchAcknowledge')
  async acknowledge(@Param('operationId') operationId: string, @Req() request: FastifyRequest) {
    const action = this.redemptionAction(request, 'redemption_mismatch.acknowledge', uuidOf(operationId));
    return {
      data: await this.audited.around(action, () =>
        this.operations.redemptionMismatch.acknowledge(operationId, action.session.name),
      ),
    };
  }

  @Post('partner-reports/resend')
  @Requires('operations')
  @ApiConsoleOperation('reportsResend')
  async resend(@Body() body: unknown, @Req() request: FastifyRequest) {
    const { partner_uid: partnerUid, order_id: orderId } = parseInput(resendBody, body);
    const partner = await this.registry.findByUid(partnerUid);
    if (!partner) throw new ConsoleError(ConsoleErrorCode.NotFound, 'no such partner', 'partner_uid');
    const session = sessionOf(request);
    const action: AuditedAction = {
      session,
      clientAddress: clientAddress(request),
      action: 'partner_report.resend',
      target: `${partnerUid}:${orderId}`,
      snapshot: (manager) =>
        manager.query<unknown[]>(
          `SELECT n.id, n.event, n.state, n.attempts FROM partner_notifications n
             JOIN operations o ON o.id = n.operation_id
            WHERE o.partner_id = $1 AND o.order_id = $2 ORDER BY n.id`,
          [partner.id, orderId],
        ),
    };
    const reports = await this.audited.inTransaction(action, async (tx) => {
      const resent = await resendReports(withinTransaction(tx), partner.id, orderId, session.name);
      if (resent === null)
        throw new OperationError(OperationErrorCode.OrderNotFound, 'no such order of this partner');
      if (resent.length === 0)
        throw new ConsoleError(ConsoleErrorCode.Conflict, 'no report yet: the outcome is not final');
      return resent;
    });
    // As the REST door's resend: the reports are pending in the outbox; a job lost here is the sweep's.
    await reportsWithoutJob(
      this.dataSource,
      reports.map((report) => report.id),
    )
      .then((idle) =>
        sendReportJobs(this.boss, idle, { reportRetryDelaySeconds: this.config.reportRetryDelaySeconds }),
      )
      .catch(() => undefined);
    return { data: { reports } };
  }

  private payoffGateway() {
    return {
      partners: this.registry,
      gateway: gatewayPort({ baseUrl: this.config.gatewayUrl, timeoutMs: this.config.gatewayTimeoutMs }),
    };
  }

  private holdAction(request: FastifyRequest, name: string, lineId: string): AuditedAction {
    return this.action(request, name, lineId, async (manager) => ({
      line: await rowSnapshot(manager, 'redemption_lines', 'id', lineId),
      items: await itemsSnapshot(manager, 'settlement_hold', lineId),
    }));
  }

  private payoutAction(request: FastifyRequest, name: string, itemId: string): AuditedAction {
    return this.action(request, name, itemId, async (manager) => ({
      item: await rowSnapshot(manager, 'payout_items', 'item_id', itemId),
      items: await itemsSnapshot(manager, 'payout_item_refused', itemId),
    }));
  }

  private mismatchAction(request: FastifyRequest, name: string, operationId: string): AuditedAction {
    return this.action(request, name, operationId, async (manager) => ({
      operation: await operationState(manager, operationId),
      items: await itemsSnapshot(manager, 'paid_mismatch', operationId),
    }));
  }

  private redemptionAction(request: FastifyRequest, name: string, operationId: string): AuditedAction {
    return this.action(request, name, operationId, async (manager) => ({
      operation: await operationState(manager, operationId),
      items: await itemsSnapshot(manager, 'redemption_mismatch', operationId),
    }));
  }

  private action(
    request: FastifyRequest,
    name: string,
    target: string,
    snapshot: AuditedAction['snapshot'],
  ): AuditedAction {
    return {
      session: sessionOf(request),
      clientAddress: clientAddress(request),
      action: name,
      target,
      snapshot,
    };
  }
}

/** An operation's state as the console shows it (not its whole row: requests and answers stay out of the audit). */
async function operationState(manager: import('typeorm').EntityManager, id: string): Promise<unknown> {
  const [row] = await manager.query<unknown[]>(
    `SELECT id, kind, order_id, state, updated_at FROM operations WHERE id = $1`,
    [id],
  );
  return row ?? null;
}

function uuidOf(value: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value))
    throw new ConsoleError(ConsoleErrorCode.NotFound, 'no such operation');
  return value;
}
