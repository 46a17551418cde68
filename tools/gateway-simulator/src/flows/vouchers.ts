import { taiwanBusinessDate } from '@tixclear/domain';
import type { RedeemedVoucherAnswer, Voucher } from '../state/types';
import type { Services } from './context';

/*
 * Finding the vouchers a redemption or refund names, and saying why one cannot be used. Shared by the online
 * redemption, the refund and the offline redemption so that all three refuse the same vouchers the same way.
 */

export type VoucherProblem = 'unknown' | 'redeemed' | 'refunded' | 'gift';

export const PROBLEM_TEXT: Readonly<Record<VoucherProblem, string>> = {
  unknown: 'no such voucher',
  redeemed: 'already redeemed',
  refunded: 'already refunded',
  gift: 'a gift voucher has nothing to refund',
};

export type Lookup =
  { readonly ok: true; readonly vouchers: Voucher[] } | { readonly ok: false; readonly detail: string };

/**
 * The vouchers `refs` name among those the merchant issued (MYTIX vouchers here are single-store, 單店券: only
 * the issuing store redeems or refunds them online). Fails on the first voucher that is unknown or not active.
 */
export function lookupActive(
  services: Services,
  issuerUid: string,
  refs: readonly { readonly id: string; readonly serial_number: string }[],
): Lookup {
  const vouchers: Voucher[] = [];
  for (const [i, ref] of refs.entries()) {
    const voucher = services.state.findVoucher(issuerUid, ref.id, ref.serial_number);
    const problem = problemOf(voucher);
    if (problem !== undefined || voucher === undefined) {
      return {
        ok: false,
        detail: `items[${i}] ${ref.id}/${ref.serial_number}: ${PROBLEM_TEXT[problem ?? 'unknown']}`,
      };
    }
    vouchers.push(voucher);
  }
  return { ok: true, vouchers };
}

export function problemOf(voucher: Voucher | undefined): VoucherProblem | undefined {
  if (voucher === undefined) return 'unknown';
  if (voucher.status === 'redeemed') return 'redeemed';
  if (voucher.status === 'refunded') return 'refunded';
  return undefined;
}

/**
 * The gateway's split of each voucher (『票券核銷項目(response)』): the issuer's fee schedule on the redemption
 * day (Taiwan), by libs/fee-engine. `serials` are the serials as the merchant named them, in the same order.
 */
export function splitVouchers(
  services: Services,
  vouchers: readonly Voucher[],
  refs: readonly { readonly serial_number: string }[],
  now: Date,
): { ok: true; items: RedeemedVoucherAnswer[] } | { ok: false; detail: string } {
  const day = taiwanBusinessDate(now);
  const items: RedeemedVoucherAnswer[] = [];
  for (const [i, voucher] of vouchers.entries()) {
    const issuer = services.merchants.find('store', voucher.issuerUid);
    if (issuer === undefined) return { ok: false, detail: `issuer ${voucher.issuerUid} is not configured` };
    try {
      const fee = services.merchants
        .feeRule(issuer, day, voucher.sharing)
        .split(voucher.cost, voucher.isPaid);
      items.push({
        id: voucher.itemId,
        // The serial as the merchant named it (its own, or the MYTIX one).
        serial_number: refs[i]?.serial_number ?? voucher.serialNo,
        is_paid: voucher.isPaid ? 1 : 0,
        // The answer writes the ratios as JSON numbers (0.15), as the seed's sample does.
        sharing: {
          headquarters: Number(voucher.sharing.headquarters),
          sales: Number(voucher.sharing.sales),
          reimbursement: Number(voucher.sharing.reimbursement),
        },
        fee,
      });
    } catch (error) {
      return { ok: false, detail: `fee schedule: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  return { ok: true, items };
}
