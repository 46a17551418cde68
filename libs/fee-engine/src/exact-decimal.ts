import { type DecimalParts, MAX_DECIMAL_TEXT_LENGTH, readDecimalText } from '@tixclear/domain';
import { FeeInputError, type FeeInputErrorCode } from './errors';

/**
 * An exact decimal in [0, 1] as a ratio of integers: `num / den` with `den = 10 ** scale`. `num` and `den` are
 * safe integers (≤ 10^15), so products with money can be checked for safety and rounded with integer arithmetic.
 */
export interface ExactRatio {
  readonly num: number;
  readonly den: number;
  readonly scale: number;
}

/** Rates and shares carry at most this many decimal places (10^15 is still a safe integer). */
export const MAX_DECIMAL_PLACES = 15;
export { MAX_DECIMAL_TEXT_LENGTH };

const ZERO: ExactRatio = Object.freeze({ num: 0, den: 1, scale: 0 });
const ONE: ExactRatio = Object.freeze({ num: 1, den: 1, scale: 0 });

/**
 * Reads an exact decimal string by the project's one grammar (`readDecimalText` of @tixclear/domain), refusing
 * with `FeeInputError(code, field)` what is not a string, too long, not a decimal, or negative (`-0` too).
 */
export function decimalPartsOf(text: unknown, code: FeeInputErrorCode, field: string): DecimalParts {
  if (typeof text !== 'string') {
    throw new FeeInputError(code, field, `${field} must be an exact decimal string`);
  }
  if (text.length > MAX_DECIMAL_TEXT_LENGTH) {
    throw new FeeInputError(code, field, `${field} is longer than ${MAX_DECIMAL_TEXT_LENGTH} characters`);
  }
  const parts = readDecimalText(text);
  if (parts === undefined) {
    throw new FeeInputError(code, field, `${field} is not a decimal number: ${JSON.stringify(text)}`);
  }
  if (parts.negative) {
    throw new FeeInputError(code, field, `${field} must not be negative`);
  }
  return parts;
}

/**
 * Parses an exact decimal string in [0, 1] with at most {@link MAX_DECIMAL_PLACES} places into an
 * {@link ExactRatio}, without any floating point: `"0.015"` → 15 / 1000, `"1.5e-2"` → 15 / 1000,
 * `"0.50"` → 5 / 10. Throws `FeeInputError(code, field)` otherwise.
 */
export function parseUnitDecimal(text: unknown, code: FeeInputErrorCode, field: string): ExactRatio {
  const { digits, exponent } = decimalPartsOf(text, code, field);
  if (digits === '') return ZERO;
  // value = digits × 10^exponent; the exponent may be huge (a double is fine for the comparisons below)
  if (digits.length - 1 + exponent >= 0) {
    if (digits === '1' && exponent === 0) return ONE;
    throw new FeeInputError(code, field, `${field} must not exceed 1`);
  }
  const scale = -exponent;
  if (scale > MAX_DECIMAL_PLACES) {
    throw new FeeInputError(code, field, `${field} has more than ${MAX_DECIMAL_PLACES} decimal places`);
  }
  // digits.length ≤ scale ≤ 15 here, so both are exact safe integers
  return { num: Number(digits), den: 10 ** scale, scale };
}

/** Parses a rate: as {@link parseUnitDecimal}, and below 1. */
export function parseRate(
  text: unknown,
  field: string,
  code: FeeInputErrorCode = 'FEE_INVALID_RATE',
): ExactRatio {
  const ratio = parseUnitDecimal(text, code, field);
  if (ratio.num >= ratio.den) throw new FeeInputError(code, field, `${field} must be below 1`);
  return ratio;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * round_half_up(amount × num / den) for a non-negative safe integer `amount` and a ratio num/den (den > 0).
 * Exact: when the product is a safe integer (a double product ≤ 2^53 − 1 is exact, and a true product ≥ 2^53
 * never computes to less), `%` and the division of an exact multiple are exact in doubles; otherwise BigInt.
 */
export function mulRoundHalfUp(amount: number, num: number, den: number): number {
  const product = amount * num;
  if (product <= MAX_SAFE) {
    const rem = product % den;
    const quotient = (product - rem) / den;
    return rem + rem >= den ? quotient + 1 : quotient;
  }
  return mulRoundHalfUpBig(amount, num, den);
}

function mulRoundHalfUpBig(amount: number, num: number, den: number): number {
  const product = BigInt(amount) * BigInt(num);
  const bigDen = BigInt(den);
  const quotient = product / bigDen;
  const rem = product % bigDen;
  return Number(rem + rem >= bigDen ? quotient + 1n : quotient);
}
