import { taiwanBusinessDate } from '@tixclear/domain';
import { OperationEntity, OperatorItemEntity, PartnerEntity, resolveOperatorItem } from '@tixclear/db';
import type { DataSource, EntityManager } from 'typeorm';
import { OperationError, OperationErrorCode } from '../errors';
import { feeBooks } from '../lines/fee-check';
import type { Clock } from '../ports';
import { insertRedemptionLines } from '../lines/redemption-lines';
import { redemptionLine } from '../lines/redeemed-vouchers';
import {
  SOLD_VOUCHER_COLUMNS,
  type SoldVoucher,
  soldVoucherOf,
  type SoldVoucherRow,
} from '../lines/sold-voucher';

export type MismatchVerdict = 'redeemed' | 'not_redeemed';

export interface MismatchDecision {
  serial: string;
  verdict: MismatchVerdict;
  /** Vouchers of the operation still waiting for a verdict; the item closes when none is left. */
  waiting: number;
  resolved: boolean;
}

/**
 * The operator's answers to a redemption whose answer left out vouchers it held (an open `redemption_mismatch`
 * item; those vouchers are held by the operation as `redeem_unknown`), once they have looked at the gateway:
 * `redeemed` writes the voucher's line from our record of the sale and marks it redeemed; `not_redeemed` frees
 * it (`issued`, redeemable again). Each is a conditional move from `redeem_unknown`, so a voucher is decided
 * once. The item closes, with who acted, when no voucher of the operation is left waiting; vouchers the gateway
 * named that we did not hold change nothing of ours, and `acknowledge` closes an item that has only those.
 */
export class RedemptionMismatchActions {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * @throws OperationError `ORDER_NOT_FOUND` (no open item for the operation) or `VOUCHER_UNAVAILABLE` (the
   *   voucher is not one of its vouchers waiting for a verdict).
   */
  async decide(
    operationId: string,
    serial: string,
    verdict: MismatchVerdict,
    by: string,
  ): Promise<MismatchDecision> {
    const who = requireWho(by);
    return this.dataSource.transaction(async (tx) => {
      const { item, operation } = await openItem(tx, operationId);
      const voucher = await this.take(tx, operation, serial, verdict);
      if (!voucher) {
        throw new OperationError(
          OperationErrorCode.VoucherUnavailable,
          `voucher ${serial} is not waiting for a verdict on this redemption`,
          'serial_number',
        );
      }
      if (verdict === 'redeemed') await this.writeLine(tx, operation, voucher);
      const waiting = await waitingCount(tx, operation.id);
      const resolved =
        waiting === 0 && (await resolveOperatorItem(tx, item.id, { by: who, action: 'decided' }));
      return { serial, verdict, waiting, resolved };
    });
  }

  /** Closes an item none of whose vouchers is held any more (only vouchers named and not held, or all decided). */
  async acknowledge(operationId: string, by: string): Promise<{ resolved: boolean }> {
    const who = requireWho(by);
    return this.dataSource.transaction(async (tx) => {
      const { item, operation } = await openItem(tx, operationId);
      if ((await waitingCount(tx, operation.id)) > 0) {
        throw new OperationError(
          OperationErrorCode.OrderConflict,
          'vouchers of this redemption still wait for a verdict',
          'operation_id',
        );
      }
      return { resolved: await resolveOperatorItem(tx, item.id, { by: who, action: 'acknowledged' }) };
    });
  }

  /** The voucher moved out of `redeem_unknown` (redeemed, or freed), as sold; undefined when not waiting. */
  private async take(
    tx: EntityManager,
    operation: OperationEntity,
    serial: string,
    verdict: MismatchVerdict,
  ): Promise<SoldVoucher | undefined> {
    const [row] = await tx.query<SoldVoucherRow[]>(
      `WITH moved AS (
         UPDATE vouchers SET state = $4::text, holder_operation_id = CASE WHEN $4::text = 'issued' THEN NULL ELSE $2::uuid END,
                updated_at = now()
          WHERE partner_id = $1 AND holder_operation_id = $2 AND serial_number = $3 AND state = 'redeem_unknown'
          RETURNING *)
       SELECT ${SOLD_VOUCHER_COLUMNS} FROM moved`,
      [operation.partnerId, operation.id, serial, verdict === 'redeemed' ? 'redeemed' : 'issued'],
    );
    return row ? soldVoucherOf(row) : undefined;
  }

  /** The line the redemption would have written had the answer named it: our record, our split. */
  private async writeLine(
    tx: EntityManager,
    operation: OperationEntity,
    voucher: SoldVoucher,
  ): Promise<void> {
    // The partner's row only (its uid and issuer): no key of it is needed here.
    const partner = await tx.getRepository(PartnerEntity).findOneByOrFail({ id: operation.partnerId });
    const redeemedAt = operation.completedAt ?? this.clock.now();
    const businessDate = taiwanBusinessDate(redeemedAt);
    const book = await feeBooks.bookFor(this.dataSource, partner.issuerId);
    const place = {
      operationId: operation.id,
      partnerId: operation.partnerId,
      issuerId: partner.issuerId,
      redemptionPoint: `store:${partner.partnerUid}`,
      redeemedAt,
      businessDate,
    };
    // Reported as we sold it: no gateway figures to keep beside ours.
    const reported = {
      serial: voucher.serialNumber,
      itemId: voucher.itemId,
      isPaid: voucher.isPaid,
      gatewayFee: null,
      gatewaySharing: null,
    };
    await insertRedemptionLines(tx, [redemptionLine(book, place, { ours: voucher, reported })]);
  }
}

async function openItem(tx: EntityManager, operationId: string) {
  const item = await tx.getRepository(OperatorItemEntity).findOne({
    where: { kind: 'redemption_mismatch', reference: operationId, state: 'open' },
    lock: { mode: 'pessimistic_write' },
  });
  const operation = item ? await tx.getRepository(OperationEntity).findOneBy({ id: operationId }) : null;
  if (!item || !operation) {
    throw new OperationError(
      OperationErrorCode.OrderNotFound,
      'no open redemption-mismatch item for this operation',
      'operation_id',
    );
  }
  return { item, operation };
}

async function waitingCount(tx: EntityManager, operationId: string): Promise<number> {
  const [{ waiting }] = await tx.query<[{ waiting: number }]>(
    `SELECT count(*)::int AS waiting FROM vouchers WHERE holder_operation_id = $1 AND state = 'redeem_unknown'`,
    [operationId],
  );
  return waiting;
}

function requireWho(by: string): string {
  const who = by.trim();
  if (who.length === 0) throw new OperationError(OperationErrorCode.RequestInvalid, 'say who acts', 'by');
  return who.slice(0, 100);
}
