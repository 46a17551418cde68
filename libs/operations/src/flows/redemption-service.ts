import { taiwanBusinessDate } from '@tixclear/domain';
import { OperationEntity, type PartnerContext, VoucherEntity } from '@tixclear/db';
import type { ResponseOf } from '@tixclear/gateway-client';
import type { DataSource, EntityManager } from 'typeorm';
import type { OperationAnswer } from '../answers';
import { feeBooks } from '../lines/fee-check';
import { OPEN_STATES, type OperationRecorder } from '../records/operation-recorder';
import { settleWithLines } from '../records/outcome-statement';
import { beginWithHolds, type HeldVoucher } from '../records/voucher-hold-intent';
import { assertOwnStore } from '../requests/partner-rules';
import type { Clock, GatewayPort } from '../ports';
import { parseRequest, toWire } from '../requests/validation';
import { moveHeldVouchers } from '../records/voucher-holds';
import { insertRedemptionLines, type NewRedemptionLine } from '../lines/redemption-lines';
import {
  matchReported,
  raiseRedemptionMismatch,
  redeemedCompletion,
  redemptionLine,
  type Unheld,
} from '../lines/redeemed-vouchers';
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
        // The Taiwan day it is asked on: a voucher past its dates is refused before the gateway is asked.
        const today = taiwanBusinessDate(this.clock.now());
        const begun = await beginWithHolds(this.dataSource, intent, request.items, 'redeeming', today);
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
    // The answer says which vouchers were redeemed; the line's values are our record of each (see
    // redeemed-vouchers.ts). One named that we did not hold, or one held and not named, waits for an operator.
    const { matched, unheld, omitted } = matchReported(
      vouchers,
      (redemption.items ?? []).map((item) => ({
        serial: String(item.serial_number),
        itemId: String(item.id),
        isPaid: item.is_paid === 1,
        gatewayFee: item.fee ?? null,
        gatewaySharing: item.sharing ?? null,
      })),
    );
    const place = {
      operationId: operation.id,
      partnerId: partner.partner.id,
      issuerId: partner.partner.issuerId,
      redemptionPoint: `store:${partner.partner.partnerUid}`,
      redeemedAt,
      businessDate,
    };
    const lines = matched.map((pair) => redemptionLine(book, place, pair));
    if (unheld.length > 0 || omitted.length > 0) {
      return this.recordDisputed(operation, redemption, body, lines, { unheld, omitted });
    }
    const { reportId } = await settleWithLines(this.dataSource, {
      operationId: operation.id,
      completion: redeemedCompletion(redemption, body),
      completedAt: this.clock.now(),
      openStates: OPEN_STATES,
      lines,
      vouchers: [['redeeming', 'redeem_unknown'], 'redeemed'],
    });
    this.recorder.dispatch(reportId);
    return body;
  }

  /**
   * A confirmed redemption whose named vouchers differ from those held: the operation is settled as the gateway
   * answered, the vouchers both sides agree on are redeemed with their lines, and the rest waits for an
   * operator (one `redemption_mismatch` item, in the same transaction). A held voucher the answer leaves out
   * stays held by the operation (`redeem_unknown`): neither redeemed nor released on a guess.
   */
  private async recordDisputed(
    operation: OperationEntity,
    redemption: RedemptionFacts,
    body: Record<string, unknown>,
    lines: readonly NewRedemptionLine[],
    mismatch: { unheld: readonly Unheld[]; omitted: readonly HeldVoucher[] },
  ): Promise<Record<string, unknown>> {
    const { reportId } = await this.dataSource.transaction(async (tx) => {
      const completion = await this.recorder.complete(tx, operation, redeemedCompletion(redemption, body));
      if (!completion.settled) return completion;
      await insertRedemptionLines(tx, lines);
      await moveVouchersById(
        tx,
        operation.id,
        lines.map((l) => l.voucherId),
        'redeemed',
      );
      await moveVouchersById(
        tx,
        operation.id,
        mismatch.omitted.map((v) => v.id),
        'redeem_unknown',
      );
      await raiseRedemptionMismatch(tx, operation, mismatch);
      return completion;
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

/** Moves the operation's held vouchers named by id (still in a holding state) to `to`. */
async function moveVouchersById(
  tx: EntityManager,
  operationId: string,
  ids: readonly (string | null)[],
  to: 'redeemed' | 'redeem_unknown',
): Promise<void> {
  if (ids.length === 0) return;
  await tx.query(
    `UPDATE vouchers SET state = $3, updated_at = now()
      WHERE holder_operation_id = $1 AND id = ANY($2::uuid[]) AND state IN ('redeeming', 'redeem_unknown')`,
    [operationId, ids, to],
  );
}
