import { parseWholeTwd } from './money';

describe('parseWholeTwd', () => {
  it.each([
    [50, 50],
    ['100', 100],
    [' 100 ', 100],
    ['50.00', 50],
    ['007', 7],
    ['0', 0],
    ['-0', 0],
    ['-12', -12],
    [String(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER],
  ] as const)('reads %j as %d', (wire, amount) => {
    expect(parseWholeTwd(wire)).toBe(amount);
  });

  it.each([
    [10.5],
    ['10.5'],
    ['1e3'],
    [''],
    ['abc'],
    [null],
    [true],
    [Number.NaN],
    ['9007199254740993'],
    [2 ** 53],
  ])('refuses %j', (wire) => {
    expect(parseWholeTwd(wire)).toBeUndefined();
  });
});
