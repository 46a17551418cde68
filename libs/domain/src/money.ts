import { DomainErrorCode } from './error-codes';
import { MoneyError } from './domain-errors';

declare const twdBrand: unique symbol;

/**
 * An amount of whole New Taiwan dollars: a safe integer (|n| ≤ 2^53 − 1), possibly negative (ledger corrections
 * and refunds are negative). Branded so that only `twd()` and the checked arithmetic below make one: a plain
 * `number` from a JSON body or a float product cannot pass as money by accident. A `Twd` is still a `number`
 * for reading, comparing and serialising.
 */
export type Twd = number & { readonly [twdBrand]: 'Twd' };

export const ZERO_TWD = 0 as Twd;

const MIN = BigInt(Number.MIN_SAFE_INTEGER);
const MAX = BigInt(Number.MAX_SAFE_INTEGER);
// Canonical integer text only: no sign "+", no leading zeros, no exponent, no decimal point, no blanks.
// "50.0" is refused too: the domain does not guess; a wire adapter that meets it normalises it knowingly.
const INTEGER_TEXT = /^-?(?:0|[1-9][0-9]*)$/;

function invalid(message: string, field: string | undefined): MoneyError {
  return new MoneyError(DomainErrorCode.MoneyInvalid, message, field);
}

function fromExactBigInt(value: bigint, field: string | undefined, code: 'invalid' | 'overflow'): Twd {
  if (value < MIN || value > MAX) {
    throw code === 'invalid'
      ? invalid('amount is outside the safe integer range', field)
      : new MoneyError(DomainErrorCode.MoneyOverflow, 'result is outside the safe integer range', field);
  }
  // Number(0n) is +0: no -0 can come out of a bigint.
  return Number(value) as Twd;
}

/**
 * Makes a `Twd` from a number, a bigint or a numeric string (the gateway sends amounts both as JSON numbers and
 * as strings). Accepts only exact integers within the safe range; `-0` becomes `0`.
 * @throws MoneyError `MONEY_INVALID` with the caller's `field`.
 */
export function twd(value: number | string | bigint, field?: string): Twd {
  switch (typeof value) {
    case 'number':
      if (!Number.isSafeInteger(value)) throw invalid('amount must be a safe integer of whole TWD', field);
      return (value === 0 ? 0 : value) as Twd;
    case 'bigint':
      return fromExactBigInt(value, field, 'invalid');
    case 'string':
      if (!INTEGER_TEXT.test(value)) throw invalid('amount must be an integer in decimal digits', field);
      // Through BigInt so that a long digit string is compared exactly, not after rounding to a double.
      return fromExactBigInt(BigInt(value), field, 'invalid');
    default:
      throw invalid('amount must be a number, a bigint or a numeric string', field);
  }
}

/** As `twd()`, and refuses negative amounts (prices, costs, fees, remittances). */
export function nonNegativeTwd(value: number | string | bigint, field?: string): Twd {
  const amount = twd(value, field);
  if (amount < 0) throw invalid('amount must not be negative', field);
  return amount;
}

/** True when `value` is a safe integer, i.e. a valid `Twd`. */
export function isTwd(value: unknown): value is Twd {
  return Number.isSafeInteger(value);
}

// Brands can be forged with `as`; arithmetic re-checks its operands so a forged float never propagates.
function operand(value: number): bigint {
  if (!Number.isSafeInteger(value)) throw invalid('operand is not a safe integer', undefined);
  return BigInt(value);
}

export function addTwd(a: Twd, b: Twd): Twd {
  return fromExactBigInt(operand(a) + operand(b), undefined, 'overflow');
}

export function subTwd(a: Twd, b: Twd): Twd {
  return fromExactBigInt(operand(a) - operand(b), undefined, 'overflow');
}

/** Price × count (e.g. `total_price = price × amount`); `factor` must be a safe integer. */
export function mulTwd(a: Twd, factor: number): Twd {
  return fromExactBigInt(operand(a) * operand(factor), undefined, 'overflow');
}

/**
 * Sums exactly in bigint, so only the final total has to fit: intermediate sums may leave the safe range and
 * come back (e.g. credits and debits of a ledger) without a false overflow.
 */
export function sumTwd(values: Iterable<Twd>): Twd {
  let total = 0n;
  for (const value of values) total += operand(value);
  return fromExactBigInt(total, undefined, 'overflow');
}

export function toBigInt(amount: Twd): bigint {
  return operand(amount);
}

export function fromBigInt(value: bigint, field?: string): Twd {
  return twd(value, field);
}

/** Postgres returns `bigint` columns as strings (node-postgres does not risk a lossy number); this reads one back. */
export function fromDbString(value: string, field?: string): Twd {
  if (typeof value !== 'string') throw invalid('database amount must be a string', field);
  return twd(value, field);
}

/** The text a `bigint` column takes. */
export function toDbString(amount: Twd): string {
  return operand(amount).toString();
}
