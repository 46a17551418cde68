/*
 * Exact decimals for the sharing ratios. The seeds send them as strings in requests (`"0.15"`) and as JSON
 * numbers in answers (`0.15`). Summing them as doubles is wrong (0.1 + 0.2 !== 0.3), so each is read as a
 * scaled integer (digits and a power of ten) and compared exactly. No decimal.js here: it belongs to
 * libs/fee-engine, and a sum and a comparison need nothing more than bigint.
 */

/** A plain decimal without exponent: what `String(0.15)` and the samples produce. */
const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

const MAX_DECIMAL_LENGTH = 40;

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
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    text = String(value);
    // Tiny or huge numbers print with an exponent; no ratio looks like that, so refuse rather than expand.
    if (/e/i.test(text)) return undefined;
  } else if (typeof value === 'string') {
    // No ratio needs more; refusing early keeps hostile input from costing BigInt work.
    if (value.length > MAX_DECIMAL_LENGTH) return undefined;
    text = value.trim();
  } else {
    return undefined;
  }
  const m = DECIMAL.exec(text);
  if (m === null) return undefined;
  const sign = m[1] === '-' ? -1n : 1n;
  const fraction = m[3] ?? '';
  return { units: sign * BigInt((m[2] ?? '0') + fraction), scale: fraction.length };
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
