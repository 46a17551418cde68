import { feeBookOf, FeeScheduleEntity, type FeeObjectJson, type VoucherEntity } from '@tixclear/db';
import { TtlCache } from '@tixclear/domain';
import type { DataSource } from 'typeorm';
import { computeFees, FEE_OBJECT_KEYS, type FeeScheduleBook, type Sharing } from '@tixclear/fee-engine';

export interface VoucherToSplit {
  cost: number;
  isPaid: boolean;
  sharing: Sharing;
}

export interface FeeVerdict {
  ours: FeeObjectJson | null;
  /** Why the line cannot be cleared as is; null when ours exists and agrees with the gateway's (if any). */
  issue: string | null;
}

/**
 * Our split of a redeemed voucher from the issuer's schedule in force on the redemption date, checked against
 * the gateway's fee object when there is one. A disagreement is not corrected here: it is recorded on the line
 * and settlement holds the line until someone resolves it.
 */
export function checkFees(
  book: FeeScheduleBook,
  issuerId: string,
  businessDate: string,
  voucher: VoucherToSplit,
  gatewayFee: FeeObjectJson | null,
): FeeVerdict {
  let ours: FeeObjectJson;
  try {
    const schedule = book.scheduleFor(issuerId, businessDate);
    ours = {
      ...computeFees({ ...schedule, cost: voucher.cost, isPaid: voucher.isPaid, sharing: voucher.sharing }),
    };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { ours: null, issue: `no fee split: ${typeof code === 'string' ? code : 'error'}` };
  }
  if (gatewayFee) {
    const differing = FEE_OBJECT_KEYS.filter((key) => gatewayFee[key] !== ours[key]);
    if (differing.length > 0) return { ours, issue: `fee mismatch: ${differing.join(', ')}` };
  }
  return { ours, issue: null };
}

/** The sharing a voucher was sold with (stored as exact numerics). */
export function sharingOf(
  voucher: Pick<VoucherEntity, 'sharingHeadquarters' | 'sharingSales' | 'sharingReimbursement'>,
): Sharing {
  return {
    headquarters: voucher.sharingHeadquarters,
    sales: voucher.sharingSales,
    reimbursement: voucher.sharingReimbursement,
  };
}

const BOOK_TTL_MS = 30_000;
/** Issuers whose books are kept at once; there are a handful, so this only bounds the memory. */
const MAX_BOOKS = 10_000;

/**
 * Fee schedule books by issuer, kept briefly: every redemption needs its issuer's book, and schedules change
 * rarely (a new one takes effect from a date onward, so it is known well before it applies).
 */
export const feeBooks = {
  /** Per database (tests run several in one process), then per issuer. */
  caches: new WeakMap<DataSource, TtlCache<string, FeeScheduleBook>>(),
  bookFor(dataSource: DataSource, issuerId: string): Promise<FeeScheduleBook> {
    let cache = this.caches.get(dataSource);
    if (!cache) this.caches.set(dataSource, (cache = new TtlCache(BOOK_TTL_MS, MAX_BOOKS)));
    return cache.get(issuerId, () =>
      dataSource.getRepository(FeeScheduleEntity).findBy({ issuerId }).then(feeBookOf),
    );
  },
};
