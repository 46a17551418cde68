import fc from 'fast-check';
import { DomainErrorCode } from './error-codes';
import { MoneyError } from './domain-errors';
import { DomainError } from './errors';
import {
  addTwd,
  fromBigInt,
  fromDbString,
  isTwd,
  mulTwd,
  nonNegativeTwd,
  subTwd,
  sumTwd,
  toBigInt,
  toDbString,
  twd,
  type Twd,
} from './money';

const MAX = Number.MAX_SAFE_INTEGER;
const MIN = Number.MIN_SAFE_INTEGER;

function errorOf(action: () => unknown): MoneyError {
  try {
    action();
  } catch (error) {
    if (error instanceof MoneyError) return error;
    throw error;
  }
  throw new Error('expected a MoneyError');
}

describe('twd', () => {
  it.each<[number | string | bigint, number]>([
    [0, 0],
    [50, 50],
    [-50, -50],
    ['50', 50],
    ['0', 0],
    ['-7', -7],
    [MAX, MAX],
    [MIN, MIN],
    [String(MAX), MAX],
    [String(MIN), MIN],
    [123n, 123],
    [BigInt(MAX), MAX],
  ])('accepts %p', (input, expected) => {
    expect(twd(input)).toBe(expected);
  });

  it('turns -0 into 0', () => {
    expect(Object.is(twd(-0), 0)).toBe(true);
    expect(Object.is(twd('-0'), 0)).toBe(true);
  });

  it.each<number | string | bigint>([
    50.5,
    0.1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    MAX + 1,
    MIN - 1,
    1e300,
    '50.5',
    '50.0',
    '',
    ' 50',
    '50 ',
    '1e3',
    '+50',
    '050',
    '0x10',
    '５０',
    '5_0',
    '-',
    'NaN',
    '9007199254740992',
    '-9007199254740992',
    '99999999999999999999',
    BigInt(MAX) + 1n,
    BigInt(MIN) - 1n,
  ])('refuses %p with MONEY_INVALID', (input) => {
    const error = errorOf(() => twd(input, 'cost'));
    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe(DomainErrorCode.MoneyInvalid);
    expect(error.field).toBe('cost');
  });

  it('refuses values of other types at run time', () => {
    const inputs: unknown[] = [null, undefined, {}, [], true, new Date(0)];
    for (const input of inputs) {
      expect(errorOf(() => twd(input as number)).code).toBe('MONEY_INVALID');
    }
  });

  it('leaves field undefined when the caller gives none', () => {
    expect(errorOf(() => twd('x')).field).toBeUndefined();
  });

  it('round-trips every safe integer through its decimal text', () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN, max: MAX }), (n) => {
        expect(twd(String(n))).toBe(n + 0);
        expect(twd(BigInt(n))).toBe(n + 0);
      }),
    );
  });

  it('refuses every non-integer double', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true }).filter((x) => !Number.isInteger(x)),
        (x) => {
          expect(errorOf(() => twd(x)).code).toBe('MONEY_INVALID');
          expect(errorOf(() => twd(String(x))).code).toBe('MONEY_INVALID');
        },
      ),
    );
  });
});

describe('nonNegativeTwd', () => {
  it('accepts zero and positive amounts and refuses negative ones', () => {
    expect(nonNegativeTwd(0)).toBe(0);
    expect(nonNegativeTwd('50')).toBe(50);
    const error = errorOf(() => nonNegativeTwd(-1, 'price'));
    expect(error.code).toBe('MONEY_INVALID');
    expect(error.field).toBe('price');
  });
});

describe('isTwd', () => {
  it('is true for safe integers only', () => {
    expect(isTwd(50)).toBe(true);
    expect(isTwd(-50)).toBe(true);
    expect(isTwd(50.5)).toBe(false);
    expect(isTwd('50')).toBe(false);
    expect(isTwd(MAX + 1)).toBe(false);
    expect(isTwd(50n)).toBe(false);
  });
});

describe('arithmetic', () => {
  const max = twd(MAX);
  const min = twd(MIN);

  it('adds, subtracts and multiplies exactly', () => {
    expect(addTwd(twd(47), twd(3))).toBe(50);
    expect(subTwd(twd(47), twd(50))).toBe(-3);
    expect(mulTwd(twd(50), 3)).toBe(150);
    expect(addTwd(max, twd(0))).toBe(MAX);
    expect(subTwd(min, twd(0))).toBe(MIN);
  });

  it.each<[string, () => unknown]>([
    ['add above max', () => addTwd(max, twd(1))],
    ['subtract below min', () => subTwd(min, twd(1))],
    ['multiply out of range', () => mulTwd(max, 2)],
    ['sum out of range', () => sumTwd([max, twd(1)])],
  ])('refuses to %s with MONEY_OVERFLOW', (_label, action) => {
    expect(errorOf(action).code).toBe(DomainErrorCode.MoneyOverflow);
  });

  it('refuses forged operands and a non-integer factor with MONEY_INVALID', () => {
    expect(errorOf(() => addTwd(0.5 as Twd, twd(1))).code).toBe('MONEY_INVALID');
    expect(errorOf(() => mulTwd(twd(50), 0.7)).code).toBe('MONEY_INVALID');
    expect(errorOf(() => sumTwd([twd(1), Number.NaN as Twd])).code).toBe('MONEY_INVALID');
  });

  it('sums exactly even when a running total leaves the safe range', () => {
    expect(sumTwd([])).toBe(0);
    expect(sumTwd([max, twd(1), twd(-1)])).toBe(MAX);
    expect(sumTwd(new Set([twd(1), twd(2), twd(3)]))).toBe(6);
  });

  it('agrees with bigint arithmetic for any safe operands', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: MIN, max: MAX }), { maxLength: 20 }), (values) => {
        const exact = values.reduce((total, v) => total + BigInt(v), 0n);
        const amounts = values.map((v) => twd(v));
        if (exact >= BigInt(MIN) && exact <= BigInt(MAX)) {
          expect(BigInt(sumTwd(amounts))).toBe(exact);
        } else {
          expect(errorOf(() => sumTwd(amounts)).code).toBe('MONEY_OVERFLOW');
        }
      }),
    );
  });

  it('add and sub are inverse within range', () => {
    const small = fc.integer({ min: -(2 ** 50), max: 2 ** 50 });
    fc.assert(
      fc.property(small, small, (a, b) => {
        expect(subTwd(addTwd(twd(a), twd(b)), twd(b))).toBe(a + 0);
      }),
    );
  });
});

describe('bigint and database conversions', () => {
  it('converts to and from bigint', () => {
    expect(toBigInt(twd(50))).toBe(50n);
    expect(fromBigInt(-50n)).toBe(-50);
    expect(errorOf(() => fromBigInt(2n ** 60n, 'money')).field).toBe('money');
  });

  it('reads Postgres bigint text and writes it back', () => {
    expect(fromDbString('12345')).toBe(12345);
    expect(fromDbString('-12345')).toBe(-12345);
    expect(toDbString(twd(-12345))).toBe('-12345');
    expect(toDbString(twd(MAX))).toBe('9007199254740991');
    expect(errorOf(() => fromDbString('9223372036854775807', 'amount')).code).toBe('MONEY_INVALID');
    expect(errorOf(() => fromDbString(50 as unknown as string)).code).toBe('MONEY_INVALID');
  });
});
