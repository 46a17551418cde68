import { isTwd, twd, type Twd } from '@tixclear/domain';

/*
 * Whole New Taiwan dollars as they arrive on the wire. The gateway writes amounts as JSON numbers (`50`) in
 * some answers and as numeric strings (`"100"`) in others, sometimes for the same field in different commands;
 * the PHP samples even send `'10'` in requests, and the tables type some amounts `float`. The domain's `twd()`
 * takes canonical integers only; this adapter knowingly normalises the wire's variants first (surrounding blanks,
 * a zero fraction as a float serialiser writes `50.00`, leading zeros) and refuses anything with a real fraction:
 * TWD has no minor unit in this protocol, so `"10.5"` is a protocol error, not something to round.
 */

// Sign, digits, optional zero fraction: no two quantifiers can match the same characters (no backtracking blow-up
// on hostile input, which reaches this through the API's validation of partner requests).
const WIRE_AMOUNT = /^(-?)(\d+)(?:\.0+)?$/;
/** Longer than any safe integer could be written, zero padding included: refused before any regex work. */
const MAX_WIRE_LENGTH = 40;

/** The `Twd` of a wire value, or `undefined` when it is not a whole safe-integer amount. */
export function parseWholeTwd(value: unknown): Twd | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? twd(value) : undefined;
  if (typeof value !== 'string' || value.length > MAX_WIRE_LENGTH) return undefined;
  const m = WIRE_AMOUNT.exec(value.trim());
  if (m === null) return undefined;
  const digits = (m[2] ?? '').replace(/^0+(?=\d)/, '');
  const canonical = digits === '0' ? '0' : `${m[1] ?? ''}${digits}`;
  const n = BigInt(canonical);
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER)
    ? twd(canonical)
    : undefined;
}

/** True when `value` is a wire amount that `parseWholeTwd` accepts. */
export function isWholeTwd(value: unknown): boolean {
  return parseWholeTwd(value) !== undefined;
}

/** A normalised amount: a `Twd` that is not negative (prices, costs, fees, remittances). */
export function isNonNegativeTwd(value: unknown): value is Twd {
  return isTwd(value) && value >= 0;
}
