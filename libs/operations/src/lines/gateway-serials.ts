import type { RequestOf } from '@tixclear/gateway-client';

type PurchaseRequest = RequestOf<'voucherservicepurchase'>;

/** A voucher the gateway numbered (an item sent with `is_custom_serial` 0), as the purchase's content lists it. */
export interface GatewayVoucher {
  /** The item's index in the purchase request. */
  item: number;
  serial: string;
  isPaid: boolean;
}

export type GatewaySerials = { vouchers: GatewayVoucher[] } | { problem: string };

const SERIAL = /^[A-Za-z0-9]{1,32}$/;

/** Whether the purchase has items the gateway numbers (`is_custom_serial` 0): their serials come with the result. */
export function hasGatewaySerials(request: PurchaseRequest): boolean {
  return request.items.some((item) => item.is_custom_serial !== 1);
}

/**
 * The vouchers the gateway issued for the items it numbers, read from a purchase's result (a query's content,
 * docs/protocol.md §8): `voucher_paid` and `voucher_free`, lists of 『有償/無償票券項目』 (`product_id`,
 * `serial_number`, seed 001). Entries of items the partner numbered are its own serials, already recorded, and
 * are not read. Anything else is a problem, never a guess: an entry of no item, a serial that is not 1 to 32
 * `[A-Za-z0-9]`, a serial twice, or not exactly `amount` paid and `gift_number` free vouchers for an item.
 */
export function gatewaySerials(request: PurchaseRequest, result: Record<string, unknown>): GatewaySerials {
  const items = new Map(request.items.map((item, index) => [item.id, { item, index }]));
  const vouchers: GatewayVoucher[] = [];
  const seen = new Set<string>();
  for (const [field, isPaid] of [
    ['voucher_paid', true],
    ['voucher_free', false],
  ] as const) {
    const listed = result[field] ?? [];
    if (!Array.isArray(listed)) return { problem: `${field} is not a list` };
    for (const [k, entry] of listed.entries()) {
      const at = `${field}[${k}]`;
      if (typeof entry !== 'object' || entry === null) return { problem: `${at} is not an object` };
      const { product_id: productId, serial_number: serial } = entry as Record<string, unknown>;
      const found = typeof productId === 'string' ? items.get(productId) : undefined;
      if (!found) return { problem: `${at}.product_id names no item of the purchase` };
      if (found.item.is_custom_serial === 1) continue;
      if (typeof serial !== 'string' || !SERIAL.test(serial))
        return { problem: `${at}.serial_number is not 1 to 32 [A-Za-z0-9]` };
      if (seen.has(serial)) return { problem: `${at}.serial_number is listed twice` };
      seen.add(serial);
      vouchers.push({ item: found.index, serial, isPaid });
    }
  }
  for (const [index, item] of request.items.entries()) {
    if (item.is_custom_serial === 1) continue;
    const paid = vouchers.filter((v) => v.item === index && v.isPaid).length;
    const free = vouchers.filter((v) => v.item === index && !v.isPaid).length;
    if (paid !== item.amount || free !== item.gift_number) {
      return {
        problem: `items[${index}] lists ${paid} paid and ${free} free vouchers, not ${item.amount} and ${item.gift_number}`,
      };
    }
  }
  return { vouchers };
}
