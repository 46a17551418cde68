import { OperationEntity, type PartnerContext } from '@tixclear/db';
import { formatTaiwanDate } from '@tixclear/domain';
import {
  callGateway,
  GatewayRejectedError,
  type GatewayClient,
  type QueryOrderResponse,
} from '@tixclear/gateway-client';
import { In, type DataSource } from 'typeorm';
import { gatewayUnavailable, inProgress, type OperationAnswer } from '../answers';
import { OperationError, OperationErrorCode } from '../errors';
import { runOperation } from '../flows/operation-flow';
import type { Clock, GatewayPort } from '../ports';
import type { OperationResolution } from '../reconcile/resolve-operation';
import type { OperationRecorder } from '../records/operation-recorder';
import { assertOwnStore } from '../requests/partner-rules';
import { parseRequest, toWire } from '../requests/validation';
import {
  derivedOrderId,
  NO_HOLD,
  ownOrderByUid,
  ownPayment,
  PAYMENT_ACTION_REPORT,
  PAYMENT_COMMAND,
  withPartnerOrderId,
  type PaymentActionCommand,
} from './payment-records';
import type { PaymentService } from './payment-service';

/** What our query of the order says of a write we sent: done, never arrived, still going, or refused. */
type Verdict = 'committed' | 'not_found' | 'pending' | 'rejected';

/**
 * The PayPage writes on an order named by the gateway's uid and key (seed 001): refund cancel, invoice issue,
 * card capture and authorisation cancel (kind `pay_action`), and the read-only invoice and pay-mode queries.
 * The same guarantees as every operation: the order must be the partner's own, intent before the call, an
 * identical repeat answered from the record, an unknown outcome settled by our `queryorder` of the order.
 */
export class PaymentActionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly gateway: GatewayPort,
    private readonly recorder: OperationRecorder,
    private readonly payments: PaymentService,
    private readonly clock: Clock,
  ) {}

  /** One write through `/api/init` (the gateway's request), or REST (`orderId` the payment's, `body` the rest). */
  async run(partner: PartnerContext, command: PaymentActionCommand, wire: unknown): Promise<OperationAnswer> {
    const request: { store_uid: string } = parseRequest(command, wire);
    assertOwnStore(partner, request.store_uid);
    const order = await this.orderNamed(partner, command, wire);
    const orderId = await derivedOrderId(this.dataSource, partner.partner.id, 'PA', command, wire);
    const client = this.gateway.clientFor(partner);
    const upstream = upstreamOf(partner, request, order);
    return runOperation(this.dataSource, this.recorder, {
      intent: {
        partnerId: partner.partner.id,
        orderId,
        kind: 'pay_action',
        command,
        request: wire as Record<string, unknown>,
      },
      call: () => send(client, command, upstream),
      accepted: (operation, answer) =>
        this.recordDone(operation, order, toWire(command, answer), stateIn(answer)),
      rejected: (operation, rejection) => this.recordFailed(operation, rejection.code, rejection.message),
      unknownHold: NO_HOLD,
    });
  }

  /** The REST form: the payment named by the partner's own order id gives the uid and key. */
  async runForPayment(
    partner: PartnerContext,
    command: PaymentActionCommand,
    paymentOrderId: string,
    body: Record<string, unknown>,
  ): Promise<OperationAnswer> {
    const named = ['store_uid', 'uid', 'key'].find((field) => field in body);
    if (named) throw new OperationError(OperationErrorCode.RequestInvalid, 'not accepted here', named);
    const store = partner.partner.partnerUid;
    parseRequest(command, { ...body, store_uid: store, uid: '0', key: '0' });
    const payment = await this.openPayment(partner, paymentOrderId);
    return this.run(partner, command, {
      ...body,
      store_uid: store,
      uid: payment.gatewayUid,
      key: payment.gatewayKey,
    });
  }

  /** A refund cancel through REST: the refund named by its own id gives its refund uid and its order's key. */
  async cancelRefund(partner: PartnerContext, refundOrderId: string): Promise<OperationAnswer> {
    const refund = await ownPayment(this.dataSource, partner, refundOrderId, ['refund', 'esvcrefund']);
    if (refund.state !== 'succeeded' || !refund.gatewayUid) {
      throw new OperationError(
        OperationErrorCode.RequestInvalid,
        'not a refund the gateway made',
        'order_id',
      );
    }
    const key = typeof refund.request.key === 'string' ? refund.request.key : '';
    return this.run(partner, 'refundcancel', {
      store_uid: partner.partner.partnerUid,
      uid: refund.gatewayUid,
      key,
    });
  }

  /** `api/invoice`: the e-invoice of one of the partner's own orders (read only). */
  async invoice(partner: PartnerContext, wire: unknown): Promise<Record<string, unknown>> {
    const request = parseRequest('invoice', wire);
    const order = await ownOrderByUid(this.dataSource, partner, request.uid, request.key, [
      PAYMENT_COMMAND,
      'voucherservicepurchase',
    ]);
    return this.ask(order, (client) => client.invoiceQuery(request), 'invoice', partner);
  }

  async invoiceOfPayment(partner: PartnerContext, orderId: string): Promise<Record<string, unknown>> {
    const payment = await this.openPayment(partner, orderId);
    return this.invoice(partner, { uid: payment.gatewayUid, key: payment.gatewayKey });
  }

  /** `api/paymentsupportpaymode`: the pay modes of the partner's store for an amount (read only). */
  async payModes(partner: PartnerContext, wire: unknown): Promise<Record<string, unknown>> {
    const request = parseRequest('paymentsupportpaymode', wire);
    assertOwnStore(partner, request.store_uid);
    const client = this.gateway.clientFor(partner);
    const outcome = await callGateway(() =>
      client.paymentToolsQuery({ ...request, store_uid: partner.partner.upstreamUid }),
    );
    if (outcome.kind === 'not_sent' || outcome.kind === 'unknown') throw gatewayUnavailable();
    if (outcome.kind === 'rejected') return { code: outcome.code, msg: outcome.message };
    return toWire('paymentsupportpaymode', outcome.value);
  }

  /** What our `queryorder` of the action's order says of it (the reconciler, a woken report). */
  async resolve(client: GatewayClient, operation: OperationEntity): Promise<OperationResolution> {
    const command = operation.command as PaymentActionCommand;
    if (command === 'disabledirectdebit' || command === 'ewalletbind')
      return this.sendAgain(client, operation);
    const key = textOf(operation.request.key);
    const target = textOf(operation.request.uid);
    // A refund cancel names the refund (or its order): the order is the refund's.
    const orderUid =
      command === 'refundcancel' ? await this.orderUidOfRefund(operation.partnerId, target) : target;
    let state: QueryOrderResponse;
    try {
      state = await client.orderQuery({ uid: orderUid, key });
    } catch (error) {
      if (error instanceof GatewayRejectedError) return { status: 'not_found' };
      throw error;
    }
    const verdict = verdictOf(command, state, target);
    if (verdict === 'not_found') return { status: 'not_found' };
    const wire = withPartnerOrderId(toWire('queryorder', state), await this.paidOrderOf(operation, orderUid));
    const result = { code: state.prc, wire };
    return verdict === 'committed'
      ? { status: 'committed', result }
      : verdict === 'rejected'
        ? { status: 'rejected', result }
        : { status: 'pending', result };
  }

  async record(operation: OperationEntity, resolution: OperationResolution): Promise<void> {
    if (resolution.status === 'committed') {
      const result = resolution.result as {
        wire?: Record<string, unknown>;
        answer?: Record<string, unknown>;
      };
      const order = await this.dataSource.getRepository(OperationEntity).findOneBy({
        partnerId: operation.partnerId,
        orderId: textOf(operation.request.order_id),
        command: PAYMENT_COMMAND,
      });
      const body = result.answer ?? { code: 'B200', msg: 'settled by query', content: result.wire ?? {} };
      await this.recordDone(operation, order ?? undefined, body);
    } else if (resolution.status === 'rejected') {
      await this.recordFailed(operation, resolution.result.code, 'refused by the gateway');
    }
  }

  async neverArrived(operation: OperationEntity): Promise<void> {
    await this.recordFailed(operation, 'B500', 'the gateway never received this request');
  }

  private async recordDone(
    operation: OperationEntity,
    order: OperationEntity | undefined,
    wire: Record<string, unknown>,
    state?: QueryOrderResponse,
  ): Promise<Record<string, unknown>> {
    const named = order ?? { orderId: '' };
    const body = partnerView(wire, named);
    const { reportId } = await this.dataSource.transaction((tx) =>
      this.recorder.complete(tx, operation, {
        state: 'succeeded',
        code: typeof wire.code === 'string' ? wire.code : 'B200',
        body,
        report: PAYMENT_ACTION_REPORT,
      }),
    );
    this.recorder.dispatch(reportId);
    // A capture or cancel answers the order's state: our own call's answer, applied to the payment (a capture
    // under way, 247, leaves it awaiting: the payment report and our query then settle it).
    if (order?.command === PAYMENT_COMMAND && state) await this.payments.applyState(order, state);
    return body;
  }

  private async recordFailed(operation: OperationEntity, code: string, message: string) {
    const request = operation.request;
    const body = { key: request.key, uid: request.uid, code, msg: message };
    const { reportId } = await this.dataSource.transaction((tx) =>
      this.recorder.complete(tx, operation, { state: 'failed', code, body, report: PAYMENT_ACTION_REPORT }),
    );
    this.recorder.dispatch(reportId);
    return body;
  }

  /**
   * A direct-debit stop or an e-wallet binding has no query: both are the same again when sent again (the same
   * stop date on the same group; one more binding page, which binds nothing until the buyer uses it), so an
   * unknown one is settled by sending it again under our authenticated channel and reading that answer.
   */
  private async sendAgain(client: GatewayClient, operation: OperationEntity): Promise<OperationResolution> {
    const command = operation.command as 'disabledirectdebit' | 'ewalletbind';
    const request: { store_uid: string } = parseRequest(command, operation.request);
    const payment =
      command === 'disabledirectdebit'
        ? await this.dataSource.getRepository(OperationEntity).findOneBy({
            partnerId: operation.partnerId,
            orderId: textOf(operation.request.order_id),
            command: PAYMENT_COMMAND,
          })
        : null;
    const upstream = {
      ...request,
      store_uid: client.merchant.uid,
      ...(payment ? { order_id: payment.upstreamOrderId } : {}),
    };
    try {
      const answer = toWire(command, await send(client, command, upstream));
      return { status: 'committed', result: { code: String(answer.code), answer } };
    } catch (error) {
      if (!(error instanceof GatewayRejectedError)) throw error;
      const code = error.gatewayCode ?? 'B500';
      // Sent again on or after its stop day, a stop the gateway could take when first sent is refused whether or
      // not that one stopped the agreement (B500 停扣日必須大於今日): no evidence, so it stays open (an operator's
      // at its horizon). One whose stop day was already past when first sent was refused then too.
      const stop = textOf(operation.request.stop_time);
      if (
        command === 'disabledirectdebit' &&
        stopDayAhead(stop, operation.createdAt) &&
        !stopDayAhead(stop, this.clock.now())
      )
        return { status: 'pending', result: { code } };
      return { status: 'rejected', result: { code } };
    }
  }

  /**
   * The partner's own order the request names; a refund cancel names a refund of its own, or its order; a
   * direct-debit stop names its payment by the partner's order id; an e-wallet binding names none.
   */
  private async orderNamed(
    partner: PartnerContext,
    command: PaymentActionCommand,
    wire: unknown,
  ): Promise<OperationEntity | undefined> {
    if (command === 'ewalletbind') return undefined;
    if (command === 'disabledirectdebit') {
      const orderId = textOf((wire as { order_id?: unknown }).order_id);
      return ownPayment(this.dataSource, partner, orderId);
    }
    const request = wire as { uid: string; key: string; rows?: { uid: string; key: string }[] };
    const commands =
      command === 'issueinvoice' ? [PAYMENT_COMMAND, 'voucherservicepurchase'] : [PAYMENT_COMMAND];
    if (command !== 'refundcancel')
      return ownOrderByUid(this.dataSource, partner, request.uid, request.key, commands);
    let first: OperationEntity | undefined;
    for (const [index, target] of [request, ...(request.rows ?? [])].entries()) {
      const order = await this.orderOfRefundTarget(partner, target).catch((error: unknown) => {
        if (error instanceof OperationError && index > 0)
          throw new OperationError(error.code, error.message, `rows[${index - 1}].uid`);
        throw error;
      });
      first ??= order;
    }
    return first!;
  }

  private async orderOfRefundTarget(
    partner: PartnerContext,
    target: { uid: string; key: string },
  ): Promise<OperationEntity> {
    const refund = await this.dataSource.getRepository(OperationEntity).findOneBy({
      partnerId: partner.partner.id,
      gatewayUid: target.uid,
      command: In(['refund', 'esvcrefund']),
    });
    const orderUid = refund ? textOf(refund.request.uid) : target.uid;
    return ownOrderByUid(this.dataSource, partner, orderUid, target.key, [
      PAYMENT_COMMAND,
      'voucherservicepurchase',
    ]);
  }

  private async orderUidOfRefund(partnerId: string, uid: string): Promise<string> {
    const refund = await this.dataSource.getRepository(OperationEntity).findOneBy({
      partnerId,
      gatewayUid: uid,
      command: In(['refund', 'esvcrefund']),
    });
    return refund ? textOf(refund.request.uid) : uid;
  }

  private async paidOrderOf(operation: OperationEntity, uid: string): Promise<{ orderId: string }> {
    const order = await this.dataSource.getRepository(OperationEntity).findOneBy({
      partnerId: operation.partnerId,
      gatewayUid: uid,
      command: In([PAYMENT_COMMAND, 'voucherservicepurchase']),
    });
    return { orderId: order?.orderId ?? '' };
  }

  private async openPayment(partner: PartnerContext, orderId: string): Promise<OperationEntity> {
    const payment = await ownPayment(this.dataSource, partner, orderId);
    if (!payment.gatewayUid || !payment.gatewayKey) throw inProgress();
    return payment;
  }

  private async ask(
    order: OperationEntity,
    query: (client: GatewayClient) => Promise<unknown>,
    command: 'invoice',
    partner: PartnerContext,
  ): Promise<Record<string, unknown>> {
    const client = this.gateway.clientFor(partner);
    const outcome = await callGateway(() => query(client));
    if (outcome.kind === 'not_sent' || outcome.kind === 'unknown') throw gatewayUnavailable();
    if (outcome.kind === 'rejected') return { code: outcome.code, msg: outcome.message };
    return withPartnerOrderId(toWire(command, outcome.value), order);
  }
}

/** The request as sent upstream: our store, and our upstream order id where the partner named its own. */
function upstreamOf(
  partner: PartnerContext,
  request: { store_uid: string },
  order: OperationEntity | undefined,
): Record<string, unknown> {
  const upstream: Record<string, unknown> = { ...request, store_uid: partner.partner.upstreamUid };
  if ('order_id' in request && order) upstream.order_id = order.upstreamOrderId;
  return upstream;
}

function send(client: GatewayClient, command: PaymentActionCommand, request: Record<string, unknown>) {
  switch (command) {
    case 'refundcancel':
      return client.orderRefundCancel(parseRequest('refundcancel', request));
    case 'issueinvoice':
      return client.invoiceIssue(parseRequest('issueinvoice', request));
    case 'authorizedrequestpayment':
      return client.cardAuthorizationCapture(parseRequest('authorizedrequestpayment', request));
    case 'cancelauthorization':
      return client.cardAuthorizationCancel(parseRequest('cancelauthorization', request));
    case 'disabledirectdebit':
      return client.directDebitDisable(parseRequest('disabledirectdebit', request));
    case 'ewalletbind':
      return client.ewalletBind(parseRequest('ewalletbind', request));
  }
}

/** The answer with the partner's order id wherever the gateway wrote ours (top level, content, row_data). */
function partnerView(wire: Record<string, unknown>, order: { orderId: string }): Record<string, unknown> {
  const body = order.orderId ? withPartnerOrderId(wire, order) : { ...wire };
  for (const part of ['content', 'row_data'] as const) {
    const inner = body[part];
    if (inner && typeof inner === 'object' && !Array.isArray(inner) && order.orderId)
      body[part] = withPartnerOrderId(inner as Record<string, unknown>, order);
  }
  return body;
}

/** A uid or key as the stored request holds it (text; a number for a PHP client's uid). */
function textOf(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/** The order's state a capture or cancel answers in `content`. */
function stateIn(answer: unknown): QueryOrderResponse | undefined {
  const content = (answer as { content?: unknown }).content;
  return content !== null && typeof content === 'object' && 'prc' in content
    ? (content as QueryOrderResponse)
    : undefined;
}

/** Seed 001 附錄二 as it bears on each write (the simulator plays the same codes). */
function verdictOf(command: PaymentActionCommand, state: QueryOrderResponse, target: string): Verdict {
  switch (command) {
    case 'authorizedrequestpayment':
      if (['250', '247', '600', '230'].includes(state.prc)) return 'committed';
      return state.prc === '245' ? 'not_found' : 'rejected';
    case 'cancelauthorization':
      if (state.prc === '245') return 'not_found';
      return (state.cancel_order ?? []).length > 0 ? 'committed' : 'rejected';
    case 'refundcancel': {
      const refunds = state.refund_order ?? [];
      const refund =
        refunds.find((r) => String(r.uid) === target) ??
        (String(state.uid) === target ? refunds.at(-1) : undefined);
      return refund?.prc === '220' ? 'committed' : 'not_found';
    }
    case 'disabledirectdebit':
    case 'ewalletbind':
      return 'not_found';
    case 'issueinvoice':
      switch (String(state.invoice_state)) {
        case '2':
          return 'committed';
        case '1':
          return 'pending';
        case '3':
          return 'rejected';
        default:
          return 'not_found';
      }
  }
}

/** Whether a stop day (YYYYMMDD) is still after today in Taiwan: the gateway takes a stop only then. */
function stopDayAhead(stopTime: string, now: Date): boolean {
  return stopTime.replace(/\D/g, '') > formatTaiwanDate(now);
}
