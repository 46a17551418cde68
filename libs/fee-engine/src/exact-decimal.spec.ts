import { FeeInputError, MAX_DECIMAL_TEXT_LENGTH, mulRoundHalfUp, parseRate, parseUnitDecimal } from './index';

const parse = (text: unknown): unknown => parseUnitDecimal(text, 'FEE_INVALID_SHARING', 'sharing.sales');

function failure(run: () => unknown): { code: string; field: string | undefined } {
  try {
    run();
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(FeeInputError);
    return { code: (error as FeeInputError).code, field: (error as FeeInputError).field };
  }
  throw new Error('expected a FeeInputError');
}

describe('parseUnitDecimal: exact decimal strings → integer ratios', () => {
  it.each<[string, number, number]>([
    ['0', 0, 1],
    ['0.0', 0, 1],
    ['0e5', 0, 1],
    ['1', 1, 1],
    ['1.000', 1, 1],
    ['0.1e1', 1, 1],
    ['0.015', 15, 1000],
    ['1.5e-2', 15, 1000],
    ['15E-3', 15, 1000],
    ['.5', 5, 10],
    ['0.50', 5, 10],
    ['00.5', 5, 10],
    ['+0.25', 25, 100],
    ['0.75', 75, 100],
    ['0.333333333333333', 333333333333333, 1e15],
    ['1e-15', 1, 1e15],
    ['0.000000000000001000000', 1, 1e15],
    ['0.999999999999999', 999999999999999, 1e15],
  ])('%s = %d / %d', (text, num, den) => {
    expect(parse(text)).toEqual({ num, den, scale: Math.log10(den) });
  });

  it.each([
    '',
    ' 0.5',
    '0.5 ',
    '1,5',
    '0,5',
    '.',
    '0.5.5',
    '1e',
    'e5',
    '0x1',
    '0b1',
    'Infinity',
    'NaN',
    '-0.5',
    '-0',
    '1.0000000000000001',
    '1.5',
    '2',
    '1e1',
    '1e-16',
    '0.1234567890123456',
    `0.${'0'.repeat(MAX_DECIMAL_TEXT_LENGTH)}`,
  ])('refuses %j', (text) => {
    expect(failure(() => parse(text))).toEqual({ code: 'FEE_INVALID_SHARING', field: 'sharing.sales' });
  });

  it.each([0.5, 1, null, undefined, {}, ['0.5'], true])('refuses the non-string %j', (value) => {
    expect(failure(() => parse(value)).code).toBe('FEE_INVALID_SHARING');
  });

  it('parseRate refuses 1 and above, with the rate code', () => {
    expect(parseRate('0.999', 'escrow_rate')).toEqual({ num: 999, den: 1000, scale: 3 });
    expect(failure(() => parseRate('1', 'escrow_rate'))).toEqual({
      code: 'FEE_INVALID_RATE',
      field: 'escrow_rate',
    });
    expect(failure(() => parseRate('1.00', 'gateway_rate'))).toEqual({
      code: 'FEE_INVALID_RATE',
      field: 'gateway_rate',
    });
  });
});

describe('mulRoundHalfUp', () => {
  it.each<[number, number, number, number]>([
    [47, 5, 10, 24], // 23.5 → 24
    [47, 33, 100, 16], // 15.51
    [50, 1, 100, 1], // 0.5 → 1
    [49, 1, 100, 0], // 0.49 → 0
    [250, 1, 100, 3], // 2.5 → 3 (half-even would give 2)
    [45, 7, 10, 32], // 31.5 → 32
    [0, 7, 10, 0],
    [12_345, 0, 1, 0],
    [12_345, 1, 1, 12_345],
  ])('%d × %d / %d → %d', (amount, num, den, expected) => {
    expect(mulRoundHalfUp(amount, num, den)).toBe(expected);
  });

  it('is exact past 2^53 (BigInt products)', () => {
    // 9007199254740991 × 0.5 = 4503599627370495.5 → …496
    expect(mulRoundHalfUp(Number.MAX_SAFE_INTEGER, 5, 10)).toBe(4503599627370496);
    // 9007199254740991 × 0.999999999999999 = 9007199254740981.992800745259009 → …982
    expect(mulRoundHalfUp(Number.MAX_SAFE_INTEGER, 999999999999999, 1e15)).toBe(9007199254740982);
    // a product of exactly 2^53 goes the BigInt way and agrees
    expect(mulRoundHalfUp(2 ** 52, 2, 1)).toBe(2 ** 53);
  });
});
