import { taiwanBusinessDate } from '@tixclear/domain';
import type { OperationEntity, PartnerContext } from '@tixclear/db';
import { commands, type RequestOf, type ResponseOf } from '@tixclear/gateway-client';
import type { DataSource } from 'typeorm';
import type { OperationAnswer } from '../answers';
import { feeBooks } from '../lines/fee-check';
import type { OperationRecorder } from '../records/operation-recorder';
import type { Clock, GatewayPort } from '../ports';
import type { RedemptionFacts } from './redemption-service';
import { assertOwnRedemptionPoint } from '../requests/partner-rules';
import { parseRequest, toWire } from '../requests/validation';
import { runOperation } from './operation-flow';
import { assertSerialsRedeemable } from '../records/redeemable-dates';
import { insertRedemptionLines } from '../lines/redemption-lines';
import {
  claimIssued,
  matchReported,
  raiseRedemptionMismatch,
  redeemedCompletion,
  redemptionLine,
  type ReportedVoucher,
  voucherStates,
} from '../lines/redeemed-vouchers';

type OfflineRequest = RequestOf<'voucheroffline'>;
type OfflineContent = NonNullable<ResponseOf<'voucheroffline'>['content']>;

/**
 * Redemption at the till (`api/voucheroffline`, seed 002). The vouchers are named only in the answer (a
 * digital pay token or physical serials), so there is nothing to hold beforehand; the unique index on
 * redemption lines still refuses a second redemption of a serial. The answer carries no fee object: our
 * fee-engine split is the only one. A line is written only for a voucher of the partner's that we sold and
 * that is `issued`, with the values (is_paid, cost, sharing, sales point) of our record of the sale; the
 * redemption point comes from the request (`reimbursement_*`). Anything else the gateway names waits for an
 * operator (`redemption_mismatch`).
 */
export class OfflineRedemptionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly gateway: GatewayPort,
    private readonly clock: Clock,
    private readonly recorder: OperationRecorder,
  ) {}

  async redeem(partner: PartnerContext, wire: unknown): Promise<OperationAnswer> {
    const request = parseRequest('voucheroffline', wire);
    assertOwnRedemptionPoint(partner, request);
    const client = this.gateway.clientFor(partner);
    return runOperation(this.dataSource, this.recorder, {
      intent: {
        partnerId: partner.partner.id,
        orderId: request.order_id,
        kind: 'redemption',
        command: 'voucheroffline',
        request: wire as Record<string, unknown>,
      },
      // Physical serials name the vouchers before the call: one of ours past its dates is refused here. A
      // digital token names them only in the answer (claimIssued keeps such a voucher out of the lines).
      reserve: (tx) =>
        Array.isArray(request.pay_token)
          ? assertSerialsRedeemable(
              tx,
              partner.partner.id,
              request.pay_token,
              taiwanBusinessDate(this.clock.now()),
            )
          : Promise.resolve(),
      call: (operation) => client.voucherOffline({ ...request, order_id: operation.upstreamOrderId }),
      accepted: (operation, answer) => {
        const content = answer.content;
        const body = { ...toWire('voucheroffline', answer) };
        if (content?.code === '250') return this.recordRedeemed(partner, operation, content, body);
        // `B200` with `content.code` 300: the partner gets (and a repeat replays) the gateway's own shape.
        return this.recordFailed(
          operation,
          content?.code ?? answer.code,
          content?.msg ?? answer.msg ?? '',
          withPartnerOrderId(body, operation.orderId),
        );
      },
      rejected: (operation, rejection) =>
        this.recordFailed(
          operation,
          rejection.code,
          rejection.message,
          refusalAnswer(rejection.answer, operation.orderId),
        ),
      // Nothing is held before a till redemption: its vouchers are named only in the answer.
      unknownHold: ['none', 'none'],
    });
  }

  /** Stores a redemption the gateway answered directly: its vouchers carry the sales point, no fee object. */
  async recordRedeemed(
    partner: PartnerContext,
    operation: OperationEntity,
    content: OfflineContent,
    wireAnswer: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const redeemed = (content.items ?? []).flatMap((item) =>
      item.vouchers.map((v): ReportedVoucher => ({
        serial: String(v.custom_serial_no || v.serial_no || ''),
        itemId: String(item.id),
        // The till's answer has no is_paid: it shows a gift's cost as 0 (what was paid for it).
        cost: v.cost,
        isPaid: v.cost > 0,
        gatewayFee: null,
        gatewaySharing: null,
      })),
    );
    return this.recordLines(partner, operation, {
      code: content.code,
      uid: content.uid,
      key: content.key,
      redeemedAt: content.finishtime ?? this.clock.now(),
      vouchers: redeemed,
      body: withPartnerOrderId(wireAnswer, operation.orderId),
    });
  }

  /**
   * Stores an offline redemption learnt from `api/voucherquery` (its answer was lost: the partner's query, the
   * reconciler, resolveVoucherOffline). The query answers in the online redemption's shape: serials with the
   * gateway's `sharing` and `fee`, but no sales point, which comes from our own voucher. The redemption point is
   * the request's, as for a direct answer, so both paths write the same lines.
   */
  async recordRedeemedByQuery(
    partner: PartnerContext,
    operation: OperationEntity,
    redemption: RedemptionFacts,
    wireAnswer: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const redeemed = (redemption.items ?? []).map((item): ReportedVoucher => ({
      serial: String(item.serial_number),
      itemId: String(item.id),
      isPaid: item.is_paid === 1,
      gatewayFee: item.fee ?? null,
      gatewaySharing: item.sharing ?? null,
    }));
    return this.recordLines(partner, operation, {
      code: redemption.code,
      uid: redemption.uid,
      key: redemption.key,
      redeemedAt: redemption.reimbursement_date ?? this.clock.now(),
      vouchers: redeemed,
      body: { ...wireAnswer, order_id: operation.orderId },
    });
  }

  private async recordLines(
    partner: PartnerContext,
    operation: OperationEntity,
    outcome: {
      code: string;
      uid: string;
      key: string;
      redeemedAt: Date;
      vouchers: ReportedVoucher[];
      body: Record<string, unknown>;
    },
  ): Promise<Record<string, unknown>> {
    const { body, redeemedAt, vouchers } = outcome;
    const request = operation.request as unknown as OfflineRequest;
    const businessDate = taiwanBusinessDate(redeemedAt);
    const book = await feeBooks.bookFor(this.dataSource, partner.partner.issuerId);
    const redemptionPoint = pointOf(
      request.reimbursement_from_type,
      request.reimbursement_store_uid,
      request.reimbursement_dealer_no,
      partner.partner.partnerUid,
    );

    const { reportId } = await this.dataSource.transaction(async (tx) => {
      // Settled first: only the transaction that settles the operation from an open state writes its lines, so
      // an operation already failed never takes a (partner, serial) slot a later, real redemption needs.
      const completion = await this.recorder.complete(tx, operation, redeemedCompletion(outcome, body));
      if (!completion.settled) return completion;
      // Lines only for vouchers of this partner, sold through us and `issued` (claimed here, conditionally),
      // with the values of our record; any other voucher the gateway names waits for an operator.
      const claimed = await claimIssued(
        tx,
        partner.partner.id,
        operation.id,
        vouchers.map((v) => v.serial),
        businessDate,
      );
      const { matched, unheld } = matchReported(claimed, vouchers, () => 'not an issued voucher of ours');
      const place = {
        operationId: operation.id,
        partnerId: partner.partner.id,
        issuerId: partner.partner.issuerId,
        redemptionPoint,
        redeemedAt,
        businessDate,
      };
      const lines = matched.map((pair) => redemptionLine(book, place, pair));
      await insertRedemptionLines(tx, lines);
      if (unheld.length > 0) {
        const states = await voucherStates(
          tx,
          partner.partner.id,
          unheld.map((u) => u.serial),
        );
        const described = unheld.map((u) => ({
          ...u,
          why:
            u.why === 'named twice'
              ? u.why
              : states.get(u.serial) === 'issued'
                ? `voucher is outside its redemption dates on ${businessDate}`
                : states.has(u.serial)
                  ? `voucher is ${states.get(u.serial)}`
                  : 'not sold through us',
        }));
        await raiseRedemptionMismatch(tx, operation, { unheld: described, omitted: [] });
      }
      return completion;
    });
    this.recorder.dispatch(reportId);
    return body;
  }

  async recordFailed(
    operation: OperationEntity,
    code: string,
    message: string,
    answer?: Record<string, unknown>,
  ) {
    const body = answer ?? { code, msg: message, order_id: operation.orderId };
    const { reportId } = await this.dataSource.transaction((tx) =>
      this.recorder.complete(tx, operation, { state: 'failed', code, body, report: 'redemption' }),
    );
    this.recorder.dispatch(reportId);
    return body;
  }
}

/** `store:<store_uid>` for a MYTIX store (type 1), `dealer:<no>` for the partner's own point (type 2). */
function pointOf(
  type: number | undefined,
  storeUid: string | null | undefined,
  dealerNo: string | null | undefined,
  fallbackStore: string,
): string {
  if (type === 2 && dealerNo) return `dealer:${dealerNo}`;
  return `store:${storeUid || fallbackStore}`;
}

/**
 * A till's refusal (`B200` with `content.code` 300) as the gateway answered it, so that a partner written
 * against the gateway reads `content.code` here too; `undefined` (the short `{code, msg, order_id}`) for an
 * outer refusal or an answer that does not read as one.
 */
function refusalAnswer(answer: unknown, orderId: string): Record<string, unknown> | undefined {
  const parsed = commands.voucheroffline.response.safeParse(answer);
  if (!parsed.success || parsed.data.content === undefined) return undefined;
  return withPartnerOrderId(toWire('voucheroffline', parsed.data), orderId);
}

function withPartnerOrderId(answer: Record<string, unknown>, orderId: string): Record<string, unknown> {
  const content = answer.content;
  return content && typeof content === 'object'
    ? { ...answer, content: { ...content, order_id: orderId } }
    : answer;
}
