import { parseTaiwanDate } from '@tixclear/domain';
import type { Voucher, VoucherPurchase } from './types';

/*
 * The money the gateway holds for each merchant, as movements by kind (whole TWD, signed: + the gateway took
 * money in for the merchant, − it paid some out or kept it as fees). Flows record one movement where the money
 * moves; nothing else changes a balance. The books' reconciliation (issue 17) reads the balance as of the end of
 * a Taiwan day through GET /_control/holdings/<merchant uid>?date=YYYYMMDD.
 */

export const HOLDING_KINDS = [
  /** + the cost of the paid vouchers of a purchase, when paid (250, or 290 paid with the wrong amount). */
  'voucher_purchase_paid',
  /** − the cost of vouchers refunded (voucherrefund 230). */
  'voucher_refund',
  /** + a PayPage payment paid, captured, or one recurring charge. */
  'paypage_paid',
  /** − a money refund of an order (refund), when requested. */
  'paypage_refund',
  /** − an e-ticket money refund (esvcrefund), when requested. */
  'esvc_refund',
  /** + a refund cancelled before its upload (refundcancel): the money stays. */
  'refund_cancelled',
  /** − escrow_fee + gateway_fee of each paid voucher redeemed (online or offline), kept by the gateway. */
  'redemption_fees',
  /** − the money of a pay-off item remitted (C1001). */
  'payoff_paid',
  /**
   * − the cost of a paid voucher still unused when its trust period ends (docs/protocol.md §7): the trust
   * releases its value to the issuing merchant, the gateway no longer holds it. At the end of the trust's last
   * Taiwan day (the next 00:00 Taiwan time), so it counts on the day after, the day our books credit it.
   */
  'trust_expiry',
] as const;

export type HoldingKind = (typeof HOLDING_KINDS)[number];

export interface HoldingMovement {
  readonly merchantUid: string;
  readonly kind: HoldingKind;
  /** Signed whole TWD. */
  readonly amount: number;
  readonly at: Date;
  /** What moved it: an order id, a refund uid, a batch group id. */
  readonly ref: string;
}

export interface HoldingsBalance {
  readonly merchant: string;
  /** The Taiwan day asked for (YYYYMMDD), or null for "everything so far". */
  readonly date: string | null;
  /** Movements before this instant count (the end of the day: the next day's 00:00 Taiwan time). */
  readonly asOf: string | null;
  readonly total: number;
  readonly byKind: Record<HoldingKind, number>;
  readonly movements: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** A voucher as the end of its trust sees it. */
export interface TrustedVoucher {
  readonly issuerUid: string;
  /** The serial the movement names: the merchant's own, or the gateway's. */
  readonly serial: string;
  readonly isPaid: boolean;
  readonly cost: number;
  /** The trust's last Taiwan day, YYYYMMDD. */
  readonly trustEndDate: string;
  /** When it was redeemed or refunded; null while unused. */
  readonly usedAt: Date | null;
}

/** When a trust whose last Taiwan day is `trustEndDate` (YYYYMMDD) is over: the next 00:00 Taiwan time. */
export function trustEndsAt(trustEndDate: string): Date {
  return new Date(parseTaiwanDate(trustEndDate, 'date').getTime() + DAY_MS);
}

/** The simulator's vouchers with their trust's last day (from their purchase's item). */
export function trustedVouchers(
  vouchers: readonly Voucher[],
  purchases: ReadonlyMap<number, VoucherPurchase>,
): TrustedVoucher[] {
  return vouchers.flatMap((voucher) => {
    const item = purchases.get(voucher.purchaseUid)?.items.find((i) => i.id === voucher.itemId);
    if (item === undefined) return [];
    const used = voucher.redeemedBy?.at ?? voucher.refundedBy?.at ?? null;
    return [
      {
        issuerUid: voucher.issuerUid,
        serial: voucher.customSerialNo ?? voucher.serialNo,
        isPaid: voucher.isPaid,
        cost: voucher.cost,
        trustEndDate: item.trustEndDate,
        usedAt: used,
      },
    ];
  });
}

export class Holdings {
  readonly #movements: HoldingMovement[] = [];
  /** Vouchers whose trust end has been recorded (issuer + serial): each is released once. */
  readonly #expired = new Set<string>();

  /** Records a movement; a zero amount is not recorded. Throws on a fractional amount (money is whole TWD). */
  record(merchantUid: string, kind: HoldingKind, amount: number, at: Date, ref: string): void {
    if (!Number.isSafeInteger(amount)) throw new Error(`holdings: ${kind} ${amount} is not whole TWD`);
    if (amount === 0) return;
    this.#movements.push({ merchantUid, kind, amount, at, ref });
  }

  /**
   * Records the end of the trust of every paid voucher whose last trust day is over by `now` and that was not
   * used before that instant: −cost, at that instant, named by its serial. Idempotent. A voucher used later than
   * its trust's end (a gateway that let it through) is still expired: the money had left the trust then.
   */
  expireTrusts(vouchers: Iterable<TrustedVoucher>, now: Date): number {
    let recorded = 0;
    for (const voucher of vouchers) {
      if (!voucher.isPaid || voucher.cost <= 0) continue;
      const key = `${voucher.issuerUid}\u0000${voucher.serial}`;
      if (this.#expired.has(key)) continue;
      const endsAt = trustEndsAt(voucher.trustEndDate);
      if (endsAt.getTime() > now.getTime()) continue;
      this.#expired.add(key);
      if (voucher.usedAt !== null && voucher.usedAt.getTime() < endsAt.getTime()) continue;
      this.record(voucher.issuerUid, 'trust_expiry', -voucher.cost, endsAt, voucher.serial);
      recorded += 1;
    }
    return recorded;
  }

  /** Oldest first (a trust's end is recorded once it is over, after movements that came later). */
  movements(merchantUid?: string): HoldingMovement[] {
    return this.#movements
      .filter((m) => merchantUid === undefined || m.merchantUid === merchantUid)
      .sort((a, b) => a.at.getTime() - b.at.getTime());
  }

  /** The balance of `merchantUid` at the end of Taiwan day `date` (YYYYMMDD), or of everything when absent. */
  balance(merchantUid: string, date?: string): HoldingsBalance {
    const end = date === undefined ? undefined : new Date(parseTaiwanDate(date, 'date').getTime() + DAY_MS);
    const byKind = Object.fromEntries(HOLDING_KINDS.map((k) => [k, 0])) as Record<HoldingKind, number>;
    let total = 0;
    let count = 0;
    for (const m of this.#movements) {
      if (m.merchantUid !== merchantUid || (end !== undefined && m.at.getTime() >= end.getTime())) continue;
      byKind[m.kind] += m.amount;
      total += m.amount;
      count += 1;
    }
    return {
      merchant: merchantUid,
      date: date ?? null,
      asOf: end === undefined ? null : end.toISOString(),
      total,
      byKind,
      movements: count,
    };
  }

  reset(): void {
    this.#movements.length = 0;
    this.#expired.clear();
  }
}
