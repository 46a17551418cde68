import { readDecimalText } from '@tixclear/domain';

/*
 * Exact decimals for the sharing ratios. The seeds send them as strings in requests (`"0.15"`) and as JSON
 * numbers in answers (`0.15`). Summing them as doubles is wrong (0.1 + 0.2 !== 0.3), so each is read as a
 * scaled integer (digits and a power of ten) and compared exactly. The text is read by the project's one decimal
 * grammar (`readDecimalText`, @tixclear/domain); no decimal.js here: a sum and a comparison need only bigint.
 */

/** Neither the digits before the point nor the places after it may exceed this: no ratio comes near. */
const MAX_DECIMAL_DIGITS = 40;

export interface ScaledDecimal {
  /** The value times 10^scale, exactly. */
  readonly units: bigint;
  readonly scale: number;
}

/**
 * The exact decimal a wire value denotes, or `undefined`. A JSON number is taken as the shortest decimal that
 * reads back as the same double (`String(n)`), which for the ratios a human writes (`0.15`) is that literal.
 */
export function parseDecimal(value: unknown): ScaledDecimal | undefined {
  if (typeof value === 'number' && !Number.isFinite(value)) return undefined;
  if (typeof value !== 'number' && typeof value !== 'string') return undefined;
  const parts = readDecimalText(String(value));
  if (parts === undefined) return undefined;
  const { digits, exponent } = parts;
  // Bounded before any bigint is built, so `1e999999999` costs nothing.
  if (digits.length + exponent > MAX_DECIMAL_DIGITS || -exponent > MAX_DECIMAL_DIGITS) return undefined;
  if (digits === '') return { units: 0n, scale: 0 };
  const sign = parts.negative ? -1n : 1n;
  return exponent >= 0
    ? { units: sign * BigInt(digits + '0'.repeat(exponent)), scale: 0 }
    : { units: sign * BigInt(digits), scale: -exponent };
}

/** Canonical text of a decimal: no redundant zeros (`"0.50"` becomes `"0.5"`, `"1.0"` becomes `"1"`). */
export function canonicalDecimal(d: ScaledDecimal): string {
  const negative = d.units < 0n;
  const digits = (negative ? -d.units : d.units).toString().padStart(d.scale + 1, '0');
  const whole = digits.slice(0, digits.length - d.scale);
  const fraction = digits.slice(digits.length - d.scale).replace(/0+$/, '');
  const body = fraction === '' ? whole : `${whole}.${fraction}`;
  return negative && d.units !== 0n ? `-${body}` : body;
}

function rescale(d: ScaledDecimal, scale: number): bigint {
  return d.units * 10n ** BigInt(scale - d.scale);
}

/** Exact sum. */
export function sumDecimals(values: readonly ScaledDecimal[]): ScaledDecimal {
  const scale = values.reduce((max, v) => Math.max(max, v.scale), 0);
  return { units: values.reduce((acc, v) => acc + rescale(v, scale), 0n), scale };
}

/** Exact three-way comparison: negative, zero or positive as `a` is below, equal to or above `b`. */
export function compareDecimals(a: ScaledDecimal, b: ScaledDecimal): number {
  const scale = Math.max(a.scale, b.scale);
  const diff = rescale(a, scale) - rescale(b, scale);
  return diff < 0n ? -1 : diff > 0n ? 1 : 0;
}

export const DECIMAL_ZERO: ScaledDecimal = { units: 0n, scale: 0 };
export const DECIMAL_ONE: ScaledDecimal = { units: 1n, scale: 0 };
