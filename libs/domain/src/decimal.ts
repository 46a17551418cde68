/*
 * Exact decimal text: the one grammar of the project, read without floating point. It is decimal.js's notation
 * (`1`, `0.015`, `.5`, `5.`, `1.5e-2`, a leading sign) without its hexadecimal, binary, octal, `NaN` and
 * `Infinity` forms, and without blanks. The fee engine builds its integer ratios from what this reads, the
 * gateway client its scaled bigints; a JSON number is read as the text `String(n)` gives (`0.15`).
 */

/** Longer decimal texts are refused before any parsing. */
export const MAX_DECIMAL_TEXT_LENGTH = 64;

/** Groups: sign, integer digits, fraction digits (after integer digits), fraction digits (no integer digits), exponent. */
const DECIMAL_TEXT = /^([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d+))?$/;

/** A decimal as `±digits × 10^exponent`, normalised: `digits` has no leading or trailing zero (`''` for zero). */
export interface DecimalParts {
  /** Written with a minus sign (`-0` too: callers that refuse negatives refuse it). */
  readonly negative: boolean;
  readonly digits: string;
  /** May be far outside the safe range for hostile input (`1e999999999`): compare it before expanding anything. */
  readonly exponent: number;
}

/** The decimal a text denotes, or `undefined` when it is not one (or is longer than MAX_DECIMAL_TEXT_LENGTH). */
export function readDecimalText(text: string): DecimalParts | undefined {
  if (text.length > MAX_DECIMAL_TEXT_LENGTH) return undefined;
  const match = DECIMAL_TEXT.exec(text);
  if (match === null) return undefined;
  const fraction = match[3] ?? match[4] ?? '';
  const all = (match[2] ?? '') + fraction;
  let start = 0;
  while (start < all.length && all.charCodeAt(start) === 48) start++;
  let end = all.length;
  while (end > start && all.charCodeAt(end - 1) === 48) end--;
  const digits = all.slice(start, end);
  const exponent =
    digits === ''
      ? 0
      : (match[5] === undefined ? 0 : Number(match[5])) - fraction.length + (all.length - end);
  return { negative: match[1] === '-', digits, exponent };
}
