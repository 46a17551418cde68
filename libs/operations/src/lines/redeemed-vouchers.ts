import { type FeeObjectJson, raiseOperatorItem } from '@tixclear/db';
import type { FeeScheduleBook } from '@tixclear/fee-engine';
import type { EntityManager } from 'typeorm';
import { checkFees, sharingOf } from './fee-check';
import type { Completion } from '../records/operation-recorder';
import type { NewRedemptionLine } from './redemption-lines';
import { SOLD_VOUCHER_COLUMNS, type SoldVoucher, soldVoucherOf, type SoldVoucherRow } from './sold-voucher';

/*
 * Which vouchers a confirmed redemption writes lines for, and with which values. The gateway's answer (or its
 * query's) only says WHICH of our vouchers it redeemed: what fixes a payout (is_paid, cost, sharing, the
 * sales point) comes from our own record of the sale, written at purchase. A voucher the answer names that we
 * did not hold for the operation, or one we held that it leaves out, gets no line: it waits for an operator
 * (`redemption_mismatch`), in the outcome's transaction.
 */

/** What the gateway says of one redeemed voucher: hints, compared with our record, never copied into a line. */
export interface ReportedVoucher {
  serial: string;
  itemId: string;
  /** The gateway's word on whether it was paid for. */
  isPaid: boolean;
  /** The gateway's value of a paid voucher, when it names one outside a fee object (the till's answer). */
  cost?: number | undefined;
  gatewayFee: FeeObjectJson | null;
  gatewaySharing: Record<string, unknown> | null;
}

/** A reported voucher that gets no line, and why. */
export interface Unheld {
  serial: string;
  itemId: string;
  why: string;
}

export interface Matched {
  ours: SoldVoucher;
  reported: ReportedVoucher;
}

/**
 * Pairs the reported vouchers with ours by serial. `unheld`: named but not ours to redeem here (or named
 * twice); `omitted`: ours but not named.
 */
export function matchReported(
  ours: readonly SoldVoucher[],
  reported: readonly ReportedVoucher[],
  notOursWhy: (serial: string) => string = () => 'not held by this redemption',
): { matched: Matched[]; unheld: Unheld[]; omitted: SoldVoucher[] } {
  const bySerial = new Map(ours.map((v) => [v.serialNumber, v]));
  const named = new Set<string>();
  const matched: Matched[] = [];
  const unheld: Unheld[] = [];
  for (const item of reported) {
    const voucher = bySerial.get(item.serial);
    if (named.has(item.serial)) unheld.push({ serial: item.serial, itemId: item.itemId, why: 'named twice' });
    else if (voucher) matched.push({ ours: voucher, reported: item });
    else unheld.push({ serial: item.serial, itemId: item.itemId, why: notOursWhy(item.serial) });
    named.add(item.serial);
  }
  const omitted = ours.filter((v) => !named.has(v.serialNumber));
  return { matched, unheld, omitted };
}

/** How a redemption the gateway confirmed is settled: its code, uid and key stored, the partner told. */
export function redeemedCompletion(
  answer: { code: string; uid: string | null; key: string | null },
  body: Record<string, unknown>,
): Completion & { report: string } {
  return {
    state: 'succeeded',
    code: answer.code,
    body,
    gateway: { uid: answer.uid, key: answer.key },
    report: 'redemption',
  };
}

/** What a redemption's lines share besides the voucher: whose, where and when. */
export interface RedemptionPlace {
  operationId: string;
  partnerId: string;
  issuerId: string;
  redemptionPoint: string;
  redeemedAt: Date;
  businessDate: string;
}

/** The line of a matched voucher: our record's values; the gateway's fee and sharing kept beside them. */
export function redemptionLine(
  book: FeeScheduleBook,
  place: RedemptionPlace,
  pair: Matched,
): NewRedemptionLine {
  return {
    operationId: place.operationId,
    partnerId: place.partnerId,
    voucherId: pair.ours.id,
    serialNumber: pair.ours.serialNumber,
    itemId: pair.ours.itemId,
    ...ourTerms(book, place.issuerId, place.businessDate, pair),
    gatewaySharing: pair.reported.gatewaySharing,
    gatewayFee: pair.reported.gatewayFee,
    salesPoint: `store:${pair.ours.salesPoint}`,
    redemptionPoint: place.redemptionPoint,
    redeemedAt: place.redeemedAt,
    businessDate: place.businessDate,
  };
}

/** A line's values from our record, with our split checked against the gateway's figures. */
function ourTerms(
  book: FeeScheduleBook,
  issuerId: string,
  businessDate: string,
  { ours, reported }: Matched,
): { isPaid: boolean; cost: number; ourFee: FeeObjectJson | null; feeIssue: string | null } {
  const verdict = checkFees(
    book,
    issuerId,
    businessDate,
    { cost: ours.cost, isPaid: ours.isPaid, sharing: sharingOf(ours) },
    reported.gatewayFee,
  );
  const differs: string[] = [];
  if (reported.isPaid !== ours.isPaid) differs.push(`is_paid ${reported.isPaid ? 1 : 0}`);
  if (ours.isPaid && reported.cost !== undefined && reported.cost !== ours.cost)
    differs.push(`cost ${reported.cost}`);
  const disagreement = differs.length > 0 ? `gateway says ${differs.join(', ')}` : null;
  const issue = [verdict.issue, disagreement].filter((i) => i !== null).join('; ');
  return {
    isPaid: ours.isPaid,
    cost: ours.cost,
    ourFee: verdict.ours,
    feeIssue: issue === '' ? null : issue.slice(0, 200),
  };
}

/**
 * Claims for an offline redemption the vouchers the till named that are ours and `issued` (`issued →
 * redeemed`, held by the operation): a conditional UPDATE, so a voucher redeemed, refunded or held elsewhere
 * is not taken, nor one outside its dates on the redemption's Taiwan day `redeemedOn` (docs/protocol.md §7, the
 * comparison of `redemptionDateRefusal`): a gateway that redeems it anyway gets no line, an operator decides.
 * Returns them as sold.
 */
export async function claimIssued(
  tx: EntityManager,
  partnerId: string,
  operationId: string,
  serials: readonly string[],
  redeemedOn: string,
): Promise<SoldVoucher[]> {
  if (serials.length === 0) return [];
  const rows = await tx.query<SoldVoucherRow[]>(
    // In a CTE, so that the driver hands back the rows (an UPDATE's result comes as [rows, count]).
    `WITH claimed AS (
       UPDATE vouchers SET state = 'redeemed', holder_operation_id = $3, updated_at = now()
        WHERE partner_id = $1 AND serial_number = ANY($2::text[]) AND state = 'issued'
          AND $4::date >= coalesce(trust_start_date, $4::date)
          AND $4::date <= LEAST(validity_end_date, trust_end_date)
        RETURNING *)
     SELECT ${SOLD_VOUCHER_COLUMNS} FROM claimed`,
    [partnerId, [...new Set(serials)], operationId, redeemedOn],
  );
  return rows.map(soldVoucherOf);
}

/** The states of the partner's vouchers by serial (for an operator's item: why a voucher got no line). */
export async function voucherStates(
  tx: EntityManager,
  partnerId: string,
  serials: readonly string[],
): Promise<Map<string, string>> {
  if (serials.length === 0) return new Map();
  const rows = await tx.query<{ serial_number: string; state: string }[]>(
    `SELECT serial_number, state FROM vouchers WHERE partner_id = $1 AND serial_number = ANY($2::text[])`,
    [partnerId, [...serials]],
  );
  return new Map(rows.map((r) => [r.serial_number, r.state]));
}

/**
 * Puts a redemption whose named vouchers differ from ours on the operators' queue (once per operation), inside
 * the outcome's transaction. The person decides what the gateway really redeemed; nothing is marked or paid
 * for those vouchers meanwhile.
 */
export async function raiseRedemptionMismatch(
  tx: EntityManager,
  operation: { id: string; partnerId: string; orderId: string; upstreamOrderId: string; command: string },
  mismatch: { unheld: readonly Unheld[]; omitted: readonly SoldVoucher[] },
): Promise<void> {
  await raiseOperatorItem(tx, {
    kind: 'redemption_mismatch',
    reference: operation.id,
    partnerId: operation.partnerId,
    details: {
      command: operation.command,
      orderId: operation.orderId,
      upstreamOrderId: operation.upstreamOrderId,
      namedNotHeld: mismatch.unheld,
      heldNotNamed: mismatch.omitted.map((v) => v.serialNumber),
    },
  });
}
