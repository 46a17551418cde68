import { parseTaiwanDate } from '@tixclear/domain';

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

export class Holdings {
  readonly #movements: HoldingMovement[] = [];

  /** Records a movement; a zero amount is not recorded. Throws on a fractional amount (money is whole TWD). */
  record(merchantUid: string, kind: HoldingKind, amount: number, at: Date, ref: string): void {
    if (!Number.isSafeInteger(amount)) throw new Error(`holdings: ${kind} ${amount} is not whole TWD`);
    if (amount === 0) return;
    this.#movements.push({ merchantUid, kind, amount, at, ref });
  }

  movements(merchantUid?: string): HoldingMovement[] {
    return this.#movements.filter((m) => merchantUid === undefined || m.merchantUid === merchantUid);
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
  }
}
