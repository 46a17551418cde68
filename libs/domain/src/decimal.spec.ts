import { MAX_DECIMAL_TEXT_LENGTH, readDecimalText } from './decimal';

describe('readDecimalText: the one decimal grammar', () => {
  it.each<[string, boolean, string, number]>([
    ['0', false, '', 0],
    ['-0', true, '', 0],
    ['0.000e7', false, '', 0],
    ['1', false, '1', 0],
    ['100', false, '1', 2],
    ['0.015', false, '15', -3],
    ['1.5e-2', false, '15', -3],
    ['15E-3', false, '15', -3],
    ['.5', false, '5', -1],
    ['5.', false, '5', 0],
    ['+0.25', false, '25', -2],
    ['-12.50', true, '125', -1],
    ['1e999999999', false, '1', 999999999],
  ])('%s = %s %s × 10^%d', (text, negative, digits, exponent) => {
    expect(readDecimalText(text)).toEqual({ negative, digits, exponent });
  });

  it.each(['', ' 1', '1 ', '1,5', '.', 'e5', '1e', '0x1', '0b1', 'NaN', 'Infinity', '--1', '1.2.3', '１'])(
    'refuses %j',
    (text) => {
      expect(readDecimalText(text)).toBeUndefined();
    },
  );

  it('refuses a text longer than MAX_DECIMAL_TEXT_LENGTH before reading it', () => {
    expect(readDecimalText(`0.${'1'.repeat(MAX_DECIMAL_TEXT_LENGTH - 2)}`)).toBeDefined();
    expect(readDecimalText(`0.${'1'.repeat(MAX_DECIMAL_TEXT_LENGTH - 1)}`)).toBeUndefined();
  });
});
