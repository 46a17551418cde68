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
import type { PartnerRegistry } from '@tixclear/db';
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
import {
  queueItems,
  queueQuery,
  UNKNOWN_OUTCOME,
  unknownOperations,
} from './pages/exceptions/exceptions.reader';
import { Requires } from './roles';

const noteBody = z.object({ note: z.string().trim().min(1).max(500) });
/** The actions that took no note before the console page: a note is recorded in the audit line when given. */
const optionalNote = z.object({ note: z.string().trim().min(1).max(500).optional() });
const reclearBody = noteBody.extend({ accept: z.enum(['ours', 'gateway']).optional() });
const resendBody = z.object({ partner_uid: z.string().min(1).max(64), order_id: z.string().min(1).max(64) });
const decideBody = z.object({
  serial: z.string().min(1).max(64),
  verdict: z.enum(['redeemed', 'not_redeemed']),
});

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
  async list(@Query() query: unknown): Promise<{ data: unknown[]; next: string | null }> {
    const filter = parseInput(queueQuery, query);
    const page =
      filter.kind === UNKNOWN_OUTCOME
        ? await unknownOperations(this.dataSource, filter)
        : await queueItems(this.dataSource, filter);
    return { data: page.rows, next: page.next };
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
  async reinclude(@Param('itemId') itemId: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    const { note } = parseInput(optionalNote, body);
    const action = noted(this.payoutAction(request, 'payout_exception.reinclude', subjectId(itemId)), note);
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
  async accept(
    @Param('operationId') operationId: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
  ) {
    const { note } = parseInput(optionalNote, body);
    const action = noted(this.mismatchAction(request, 'paid_mismatch.accept', uuidOf(operationId)), note);
    return {
      data: await this.audited.around(action, () =>
        this.operations.paidMismatch.accept(operationId, action.session.name),
      ),
    };
  }

  @Post('paid-mismatches/:operationId/refund')
  @Requires('money')
  @ApiConsoleOperation('paidMismatchRefund')
  async refund(
    @Param('operationId') operationId: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
  ) {
    const { note } = parseInput(optionalNote, body);
    const action = noted(this.mismatchAction(request, 'paid_mismatch.refund', uuidOf(operationId)), note);
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

  /** The exception queue's decision on one voucher of a redemption mismatch (serial and verdict in the path). */
  @Post('redemption-mismatches/:operationId/vouchers/:serial/:verdict')
  @Requires('operations')
  @ApiConsoleOperation('redemptionMismatchVoucher')
  async decideVoucher(
    @Param('operationId') operationId: string,
    @Param('serial') serial: string,
    @Param('verdict') verdict: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
  ) {
    const { note } = parseInput(noteBody, body);
    const decision = parseInput(decideBody, { serial, verdict });
    const action = noted(
      this.redemptionAction(request, 'redemption_mismatch.decide', uuidOf(operationId)),
      note,
    );
    return {
      data: await this.audited.around(action, () =>
        this.operations.redemptionMismatch.decide(
          operationId,
          decision.serial,
          decision.verdict,
          action.session.name,
        ),
      ),
    };
  }

  @Post('redemption-mismatches/:operationId/acknowledge')
  @Requires('operations')
  @ApiConsoleOperation('redemptionMismatchAcknowledge')
  async acknowledge(
    @Param('operationId') operationId: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
  ) {
    const { note } = parseInput(optionalNote, body);
    const action = noted(
      this.redemptionAction(request, 'redemption_mismatch.acknowledge', uuidOf(operationId)),
      note,
    );
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
    return this.resendOrder(request, partnerUid, orderId, undefined);
  }

  /** The exception queue's resend of a flagged report: its order's reports, as the route above by order. */
  @Post('partner-reports/:reportId/resend')
  @Requires('operations')
  @ApiConsoleOperation('reportResend')
  async resendReport(
    @Param('reportId') reportId: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
  ) {
    const { note } = parseInput(noteBody, body);
    const [found] = await this.dataSource.query<{ partner_uid: string; order_id: string }[]>(
      `SELECT p.partner_uid, o.order_id FROM partner_notifications n
         JOIN operations o ON o.id = n.operation_id JOIN partners p ON p.id = o.partner_id
        WHERE n.id = $1`,
      [uuidOf(reportId, 'no such report')],
    );
    if (!found) throw new ConsoleError(ConsoleErrorCode.NotFound, 'no such report');
    return this.resendOrder(request, found.partner_uid, found.order_id, note);
  }

  /**
   * Asks the gateway now about an operation of unknown outcome: it is made due first (`next_check_at`), then one
   * pass of the reconciler runs, which settles it on our own authenticated query's evidence only (or leaves it
   * open, checked again later). Audited with the operation before and after.
   */
  @Post('operations/:operationId/query')
  @Requires('operations')
  @ApiConsoleOperation('operationQuery')
  async query(
    @Param('operationId') operationId: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
  ) {
    const { note } = parseInput(noteBody, body);
    const id = uuidOf(operationId);
    const action = noted(
      this.action(request, 'operation.query', id, async (manager) => ({
        operation: await operationState(manager, id),
      })),
      note,
    );
    return {
      data: await this.audited.around(action, async () => {
        const [, due] = await this.dataSource.query<[unknown, number]>(
          `UPDATE operations SET next_check_at = '-infinity' WHERE id = $1 AND state = 'outcome_unknown'`,
          [id],
        );
        if (due === 0) {
          const [known] = await this.dataSource.query<unknown[]>(`SELECT 1 FROM operations WHERE id = $1`, [
            id,
          ]);
          if (!known) throw new ConsoleError(ConsoleErrorCode.NotFound, 'no such operation');
          throw new ConsoleError(ConsoleErrorCode.Conflict, 'the outcome is no longer unknown');
        }
        const report = await this.operations.reconciler.runOnce();
        const [now] = await this.dataSource.query<{ state: string }[]>(
          `SELECT state FROM operations WHERE id = $1`,
          [id],
        );
        return { state: now?.state ?? null, pass: report };
      }),
    };
  }

  private async resendOrder(
    request: FastifyRequest,
    partnerUid: string,
    orderId: string,
    note: string | undefined,
  ) {
    const partner = await this.registry.findByUid(partnerUid);
    if (!partner) throw new ConsoleError(ConsoleErrorCode.NotFound, 'no such partner', 'partner_uid');
    const session = sessionOf(request);
    const action: AuditedAction = noted(
      {
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
      },
      note,
    );
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

function uuidOf(value: string, missing = 'no such operation'): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value))
    throw new ConsoleError(ConsoleErrorCode.NotFound, missing);
  return value;
}

/** The action with the operator's note in its audit line (before and after), when a note was given. */
function noted(action: AuditedAction, note: string | undefined): AuditedAction {
  if (note === undefined) return action;
  return {
    ...action,
    snapshot: async (manager) => {
      const state = await action.snapshot(manager);
      return Array.isArray(state) ? { note, rows: state } : { note, ...(state as object) };
    },
  };
}
