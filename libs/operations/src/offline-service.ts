import { taiwanBusinessDate } from '@tixclear/domain';
import { type FeeObjectJson, type OperationEntity, type PartnerContext, VoucherEntity } from '@tixclear/db';
import { commands, type RequestOf, type ResponseOf } from '@tixclear/gateway-client';
import { In, type DataSource } from 'typeorm';
import type { OperationAnswer } from './answers';
import { checkFees, feeBooks, sharingOf } from './fee-check';
import type { OperationRecorder } from './operation-recorder';
import type { Clock, GatewayPort } from './ports';
import type { RedemptionFacts } from './redemption-service';
import { parseRequest, toWire } from './validation';
import { runOperation } from './operation-flow';
import { insertRedemptionLines } from './redemption-lines';

type OfflineRequest = RequestOf<'voucheroffline'>;
type OfflineContent = NonNullable<ResponseOf<'voucheroffline'>['content']>;

/**
 * Redemption at the till (`api/voucheroffline`, seed 002). The vouchers are named only in the answer (a
 * digital pay token or physical serials), so there is nothing to hold beforehand; the unique index on
 * redemption lines still refuses a second redemption of a serial. The answer carries no fee object: our
 * fee-engine split is the only one. The sales point comes from the answer (`sales_from_type`,
 * `sales_store_uid`/`sales_dealer_no`), the redemption point from the request (`reimbursement_*`).
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
    const client = this.gateway.clientFor(partner);
    return runOperation(this.dataSource, this.recorder, {
      intent: {
        partnerId: partner.partner.id,
        orderId: request.order_id,
        kind: 'redemption',
        command: 'voucheroffline',
        request: wire as Record<string, unknown>,
      },
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
      item.vouchers.map((v): TillVoucher => ({
        serial: String(v.custom_serial_no || v.serial_no || ''),
        itemId: String(item.id),
        cost: v.cost,
        isPaid: v.cost > 0,
        salesPoint: pointOf(v.sales_from_type, v.sales_store_uid, v.sales_dealer_no, 'unknown'),
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
    const redeemed = (redemption.items ?? []).map((item): TillVoucher => ({
      serial: String(item.serial_number),
      itemId: String(item.id),
      cost: item.fee?.cost,
      isPaid: item.is_paid === 1,
      salesPoint: undefined,
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
      vouchers: TillVoucher[];
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
      const known = await tx.getRepository(VoucherEntity).findBy({
        partnerId: partner.partner.id,
        serialNumber: In(vouchers.map((t) => t.serial)),
      });
      const bySerial = new Map(known.map((v) => [v.serialNumber, v]));
      const lines = vouchers.map((voucher) => {
        const ours = bySerial.get(voucher.serial);
        const isPaid = ours?.isPaid ?? voucher.isPaid;
        // Our record first (a gift's value, as online lines keep it), the gateway's figure otherwise.
        const cost = ours?.cost ?? voucher.cost ?? 0;
        const verdict = ours
          ? checkFees(
              book,
              partner.partner.issuerId,
              businessDate,
              { cost, isPaid, sharing: sharingOf(ours) },
              voucher.gatewayFee,
            )
          : { ours: null, issue: 'sharing unknown: voucher not sold through us' };
        return {
          operationId: operation.id,
          partnerId: partner.partner.id,
          voucherId: ours?.id ?? null,
          serialNumber: voucher.serial,
          itemId: voucher.itemId,
          isPaid,
          cost,
          gatewaySharing: voucher.gatewaySharing,
          gatewayFee: voucher.gatewayFee,
          ourFee: verdict.ours,
          feeIssue: verdict.issue,
          salesPoint: voucher.salesPoint ?? (ours ? `store:${ours.salesPoint}` : 'unknown'),
          redemptionPoint,
          redeemedAt,
          businessDate,
        };
      });
      if (lines.length > 0) {
        await insertRedemptionLines(tx, lines);
        await tx
          .createQueryBuilder()
          .update(VoucherEntity)
          .set({ state: 'redeemed', holderOperationId: operation.id })
          .where('partner_id = :p AND serial_number IN (:...serials) AND state = :issued', {
            p: partner.partner.id,
            serials: lines.map((l) => l.serialNumber),
            issued: 'issued',
          })
          .execute();
      }
      return this.recorder.complete(tx, operation, {
        state: 'succeeded',
        code: outcome.code,
        body,
        gateway: { uid: outcome.uid, key: outcome.key },
        report: 'redemption',
      });
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

/** One voucher the gateway says was redeemed at the till, from its direct answer or from a query. */
interface TillVoucher {
  serial: string;
  itemId: string;
  /** The gateway's figure, when it gives one. */
  cost: number | undefined;
  /** The gateway's word, used for a voucher not sold through us. */
  isPaid: boolean;
  /** From the direct answer; a query names none (our voucher's then). */
  salesPoint: string | undefined;
  gatewayFee: FeeObjectJson | null;
  gatewaySharing: Record<string, unknown> | null;
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
