import {
  canonicalDecimal,
  compareDecimals,
  DECIMAL_ONE,
  parseDecimal,
  sumDecimals,
  type ScaledDecimal,
} from './decimal';

const d = (v: unknown): ScaledDecimal => {
  const parsed = parseDecimal(v);
  if (parsed === undefined) throw new Error(`not a decimal: ${String(v)}`);
  return parsed;
};

describe('exact decimals', () => {
  it('reads strings and numbers alike', () => {
    expect(canonicalDecimal(d('0.15'))).toBe('0.15');
    expect(canonicalDecimal(d(0.15))).toBe('0.15');
    expect(canonicalDecimal(d('0.50'))).toBe('0.5');
    expect(canonicalDecimal(d('1.0'))).toBe('1');
    expect(canonicalDecimal(d('-0.25'))).toBe('-0.25');
    expect(canonicalDecimal(d('0.000'))).toBe('0');
  });

  it('sums where doubles fail: 0.7 + 0.2 + 0.1 is exactly 1', () => {
    expect(0.7 + 0.2 + 0.1).not.toBe(1);
    expect(compareDecimals(sumDecimals([d(0.7), d(0.2), d(0.1)]), DECIMAL_ONE)).toBe(0);
    expect(compareDecimals(sumDecimals([d('0.15'), d('0.1'), d('0.75')]), DECIMAL_ONE)).toBe(0);
    expect(compareDecimals(sumDecimals([d('0.333'), d('0.333'), d('0.333')]), DECIMAL_ONE)).toBe(-1);
  });

  it('reads the one decimal grammar of the project (the fee engine reads the same)', () => {
    expect(canonicalDecimal(d('1e-7'))).toBe('0.0000001');
    expect(canonicalDecimal(d(1e-7))).toBe('0.0000001');
    expect(canonicalDecimal(d('.5'))).toBe('0.5');
    expect(canonicalDecimal(d('5.'))).toBe('5');
    expect(canonicalDecimal(d('+0.25'))).toBe('0.25');
    expect(canonicalDecimal(d('1.5E-2'))).toBe('0.015');
    expect(canonicalDecimal(d('-0'))).toBe('0');
  });

  it.each([
    [' 0.15'],
    ['0.15 '],
    ['0,15'],
    ['0x1'],
    ['NaN'],
    ['abc'],
    [''],
    ['1e999999999'],
    ['1e-999999999'],
    [`0.${'0'.repeat(64)}1`],
    [Number.POSITIVE_INFINITY],
    [null],
  ])('refuses %j', (v) => {
    expect(parseDecimal(v)).toBeUndefined();
  });
});
