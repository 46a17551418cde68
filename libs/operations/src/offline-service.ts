import { taiwanBusinessDate } from '@tixclear/domain';
import {
  FeeScheduleEntity,
  type OperationEntity,
  type PartnerContext,
  RedemptionLineEntity,
  VoucherEntity,
} from '@tixclear/db';
import type { RequestOf, ResponseOf } from '@tixclear/gateway-client';
import { In, type DataSource } from 'typeorm';
import { gatewayUnavailable, inProgress, type OperationAnswer } from './answers';
import { checkFees, feeBookOf, sharingOf } from './fee-check';
import { callGateway } from './gateway-outcome';
import { beginOperation } from './operation-store';
import type { OperationRecorder } from './operation-recorder';
import type { Clock, GatewayPort } from './ports';
import { parseRequest, toWire } from './validation';

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
    const begun = await this.dataSource.transaction((tx) =>
      beginOperation(tx, {
        partnerId: partner.partner.id,
        orderId: request.order_id,
        kind: 'redemption',
        command: 'voucheroffline',
        request: wire as Record<string, unknown>,
        state: 'submitted',
      }),
    );
    if (begun.status === 'replay') return { body: begun.response, replayed: true };
    if (begun.status === 'in_progress') throw inProgress();
    const operation = begun.operation;

    const client = this.gateway.clientFor(partner);
    const outcome = await callGateway(() =>
      client.voucherOffline({ ...request, order_id: operation.upstreamOrderId }),
    );
    switch (outcome.kind) {
      case 'ok': {
        const content = outcome.value.content;
        const body = { ...toWire('voucheroffline', outcome.value) };
        if (content && content.code === '250')
          return { body: await this.recordRedeemed(partner, operation, content, body), replayed: false };
        return {
          body: await this.recordFailed(
            operation,
            content?.code ?? outcome.value.code,
            content?.msg ?? outcome.value.msg ?? '',
          ),
          replayed: false,
        };
      }
      case 'rejected':
        return { body: await this.recordFailed(operation, outcome.code, outcome.message), replayed: false };
      case 'not_sent':
        await this.dataSource.transaction((tx) => this.recorder.undoIntent(tx, operation));
        throw gatewayUnavailable();
      case 'unknown':
        await this.dataSource.transaction((tx) => this.recorder.markUnknown(tx, operation, 'none', 'none'));
        throw inProgress();
    }
  }

  async recordRedeemed(
    partner: PartnerContext,
    operation: OperationEntity,
    content: OfflineContent,
    wireAnswer: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const body = withPartnerOrderId(wireAnswer, operation.orderId);
    const request = operation.request as unknown as OfflineRequest;
    const redeemedAt = content.finishtime ?? this.clock.now();
    const businessDate = taiwanBusinessDate(redeemedAt);
    const book = feeBookOf(
      await this.dataSource.getRepository(FeeScheduleEntity).findBy({ issuerId: partner.partner.issuerId }),
    );
    const redemptionPoint = pointOf(
      request.reimbursement_from_type,
      request.reimbursement_store_uid,
      request.reimbursement_dealer_no,
      partner.partner.partnerUid,
    );
    const tokens = (content.items ?? []).flatMap((item) =>
      item.vouchers.map((v) => ({
        item,
        voucher: v,
        serial: String(v.custom_serial_no || v.serial_no || ''),
      })),
    );

    const { reportId } = await this.dataSource.transaction(async (tx) => {
      const known = await tx.getRepository(VoucherEntity).findBy({
        partnerId: partner.partner.id,
        serialNumber: In(tokens.map((t) => t.serial)),
      });
      const bySerial = new Map(known.map((v) => [v.serialNumber, v]));
      const lines = tokens.map(({ item, voucher, serial }) => {
        const ours = bySerial.get(serial);
        const isPaid = ours?.isPaid ?? voucher.cost > 0;
        const verdict = ours
          ? checkFees(
              book,
              partner.partner.issuerId,
              businessDate,
              { cost: voucher.cost, isPaid, sharing: sharingOf(ours) },
              null,
            )
          : { ours: null, issue: 'sharing unknown: voucher not sold through us' };
        return {
          operationId: operation.id,
          partnerId: partner.partner.id,
          voucherId: ours?.id ?? null,
          serialNumber: serial,
          itemId: String(item.id),
          isPaid,
          cost: voucher.cost,
          gatewaySharing: null,
          gatewayFee: null,
          ourFee: verdict.ours,
          feeIssue: verdict.issue,
          salesPoint: pointOf(
            voucher.sales_from_type,
            voucher.sales_store_uid,
            voucher.sales_dealer_no,
            'unknown',
          ),
          redemptionPoint,
          redeemedAt,
          businessDate,
        };
      });
      if (lines.length > 0) {
        await tx.createQueryBuilder().insert().into(RedemptionLineEntity).values(lines).orIgnore().execute();
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
        code: content.code,
        body,
        gateway: { uid: content.uid, key: content.key },
        report: 'redemption',
      });
    });
    this.recorder.dispatch(reportId);
    return body;
  }

  async recordFailed(operation: OperationEntity, code: string, message: string) {
    const body = { code, msg: message, order_id: operation.orderId };
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

function withPartnerOrderId(answer: Record<string, unknown>, orderId: string): Record<string, unknown> {
  const content = answer.content;
  return content && typeof content === 'object'
    ? { ...answer, content: { ...content, order_id: orderId } }
    : answer;
}
