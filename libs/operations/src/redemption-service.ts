import { taiwanBusinessDate } from '@tixclear/domain';
import { type FeeObjectJson, OperationEntity, type PartnerContext, VoucherEntity } from '@tixclear/db';
import type { ResponseOf } from '@tixclear/gateway-client';
import type { DataSource } from 'typeorm';
import type { OperationAnswer } from './answers';
import { checkFees, feeBooks, sharingOf } from './fee-check';
import { OPEN_STATES, type OperationRecorder } from './operation-recorder';
import { settleWithLines } from './outcome-statement';
import { beginWithHolds, type HeldVoucher } from './voucher-hold-intent';
import { assertOwnStore } from './partner-rules';
import type { Clock, GatewayPort } from './ports';
import { parseRequest, toWire } from './validation';
import { moveHeldVouchers } from './voucher-holds';
import { runOperation } from './operation-flow';

/** What settles a redemption, from the call's answer or a query's content (`RedemptionState`). */
export type RedemptionFacts = Pick<ResponseOf<'vouchertransaction'>, 'code' | 'uid' | 'key'> & {
  reimbursement_date?: Date | null;
  items?: ResponseOf<'vouchertransaction'>['items'];
};

/**
 * Online redemption (`api/vouchertransaction`), intent first and outcome after:
 * 1. one transaction records the operation and moves every named voucher `issued → redeeming` (a conditional
 *    UPDATE: of concurrent redemptions of one voucher exactly one gets it; the others are refused and leave
 *    nothing behind);
 * 2. the gateway call, outside any transaction, under our own upstream order id;
 * 3. a second transaction stores the outcome: redeemed lines with the gateway's and our fee objects, or the
 *    vouchers back to `issued`, or `outcome_unknown` for the reconciler to settle by query.
 */
export class RedemptionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly gateway: GatewayPort,
    private readonly clock: Clock,
    private readonly recorder: OperationRecorder,
  ) {}

  async redeem(partner: PartnerContext, wire: unknown): Promise<OperationAnswer> {
    const request = parseRequest('vouchertransaction', wire);
    assertOwnStore(partner, request.store_uid);
    const client = this.gateway.clientFor(partner);
    const intent = {
      partnerId: partner.partner.id,
      orderId: request.order_id,
      kind: 'redemption',
      command: 'vouchertransaction',
      request: wire as Record<string, unknown>,
    } as const;
    // The vouchers as the hold found them: the outcome splits them without reading them again.
    let held: readonly HeldVoucher[] | undefined;
    return runOperation(this.dataSource, this.recorder, {
      intent,
      begin: async () => {
        const begun = await beginWithHolds(this.dataSource, intent, request.items, 'redeeming');
        held = begun.vouchers;
        return begun;
      },
      call: (operation) =>
        client.voucherRedeem({
          ...request,
          store_uid: partner.partner.upstreamUid,
          order_id: operation.upstreamOrderId,
        }),
      accepted: (operation, answer) =>
        this.recordRedeemed(partner, operation, answer, toWire('vouchertransaction', answer), held),
      rejected: (operation, rejection) => this.recordFailed(operation, rejection.code, rejection.message),
      unknownHold: ['redeeming', 'redeem_unknown'],
    });
  }

  /**
   * Stores a confirmed redemption, whoever learnt it (our call, a query, a report); idempotent. `held`: the
   * operation's vouchers as its hold read them (our own call's path); read here otherwise.
   */
  async recordRedeemed(
    partner: PartnerContext,
    operation: OperationEntity,
    redemption: RedemptionFacts,
    wireAnswer: Record<string, unknown>,
    held?: readonly HeldVoucher[],
  ): Promise<Record<string, unknown>> {
    const body = { ...wireAnswer, order_id: operation.orderId };
    const redeemedAt = redemption.reimbursement_date ?? this.clock.now();
    const businessDate = taiwanBusinessDate(redeemedAt);
    const book = await feeBooks.bookFor(this.dataSource, partner.partner.issuerId);
    // Read outside the outcome's statement: what a line takes from a voucher (id, cost, sharing, sales point)
    // never changes once it is issued.
    const vouchers =
      held ??
      (await this.dataSource.getRepository(VoucherEntity).findBy({ holderOperationId: operation.id }));
    const bySerial = new Map(vouchers.map((v) => [v.serialNumber, v]));
    const lines = (redemption.items ?? []).map((item) => {
      const voucher = bySerial.get(String(item.serial_number));
      const gatewayFee = (item.fee ?? null) as FeeObjectJson | null;
      const isPaid = item.is_paid === 1;
      const cost = voucher?.cost ?? gatewayFee?.cost ?? 0;
      const verdict = voucher
        ? checkFees(
            book,
            partner.partner.issuerId,
            businessDate,
            { cost, isPaid, sharing: sharingOf(voucher) },
            gatewayFee,
          )
        : { ours: null, issue: 'voucher not sold through us' };
      return {
        operationId: operation.id,
        partnerId: partner.partner.id,
        voucherId: voucher?.id ?? null,
        serialNumber: String(item.serial_number),
        itemId: String(item.id),
        isPaid,
        cost,
        gatewaySharing: item.sharing ?? null,
        gatewayFee,
        ourFee: verdict.ours,
        feeIssue: verdict.issue,
        salesPoint: `store:${voucher?.salesPoint ?? 'unknown'}`,
        redemptionPoint: `store:${partner.partner.partnerUid}`,
        redeemedAt,
        businessDate,
      };
    });
    const { reportId } = await settleWithLines(this.dataSource, {
      operationId: operation.id,
      completion: {
        state: 'succeeded',
        code: redemption.code,
        body,
        gateway: { uid: redemption.uid, key: redemption.key },
        report: 'redemption',
      },
      completedAt: this.clock.now(),
      openStates: OPEN_STATES,
      lines,
      vouchers: [['redeeming', 'redeem_unknown'], 'redeemed'],
    });
    this.recorder.dispatch(reportId);
    return body;
  }

  async recordFailed(operation: OperationEntity, code: string, message: string) {
    const body = { code, msg: message, order_id: operation.orderId };
    const { reportId } = await this.dataSource.transaction(async (tx) => {
      await moveHeldVouchers(tx, operation.id, ['redeeming', 'redeem_unknown'], 'issued');
      return this.recorder.complete(tx, operation, { state: 'failed', code, body, report: 'redemption' });
    });
    this.recorder.dispatch(reportId);
    return body;
  }
}
