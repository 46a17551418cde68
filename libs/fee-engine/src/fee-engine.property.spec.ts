import Decimal from 'decimal.js';
import fc from 'fast-check';

import {
  compileFeeRule,
  computeFees,
  computeFeesReference,
  type FeeInput,
  FeeInputError,
  type FeeObject,
  type IssuanceLayer,
  mulRoundHalfUp,
  parseUnitDecimal,
} from './index';

/** Either the split or the code and field of the refusal: what both paths must agree on. */
type Outcome = { ok: FeeObject } | { code: string; field: string | undefined };

function outcome(run: () => FeeObject): Outcome {
  try {
    return { ok: run() };
  } catch (error: unknown) {
    if (error instanceof FeeInputError) return { code: error.code, field: error.field };
    throw error;
  }
}

/** A scale (decimal places): mostly the short ones of real rates, sometimes the 15-place limit. */
const scaleArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 4 }) },
  { weight: 3, arbitrary: fc.integer({ min: 5, max: 15 }) },
);

/** Writes num / 10^scale in one of the accepted notations (plain, padded, exponent, leading dot or plus). */
function notation(num: number, scale: number): fc.Arbitrary<string> {
  const digits = String(num).padStart(scale + 1, '0');
  const plain = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(plain) },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 1, max: 3 })
        .map((zeros) => (scale === 0 ? `${plain}.` : plain) + '0'.repeat(zeros)),
    },
    { weight: 1, arbitrary: fc.constant(`${num}e-${scale}`) },
    { weight: 1, arbitrary: fc.constant(`+${plain}`) },
    { weight: 1, arbitrary: fc.constant(plain.startsWith('0.') ? plain.slice(1) : plain) },
  );
}

/** An exact rate in [0, 1), with a bias to 0 (no fee) and to the short rates of real schedules. */
const rateArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: fc.constant('0') },
  {
    weight: 8,
    arbitrary: scaleArb
      .filter((scale) => scale > 0)
      .chain((scale) => fc.integer({ min: 0, max: 10 ** scale - 1 }).chain((num) => notation(num, scale))),
  },
);

/** Three exact shares summing to 1 (two cut points of [0, 10^scale]), in any order. */
const sharingArb = scaleArb.chain((scale) =>
  fc
    .tuple(fc.integer({ min: 0, max: 10 ** scale }), fc.integer({ min: 0, max: 10 ** scale }))
    .chain(([a, b]) => {
      const [low, high] = a <= b ? [a, b] : [b, a];
      return fc
        .tuple(notation(low, scale), notation(high - low, scale), notation(10 ** scale - high, scale))
        .chain((texts) => fc.shuffledSubarray(texts, { minLength: 3, maxLength: 3 }));
    })
    .map(([headquarters = '', sales = '', reimbursement = '']) => ({ headquarters, sales, reimbursement })),
);

const costArb = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 50, max: 2_000 }) },
  { weight: 3, arbitrary: fc.integer({ min: 50, max: 10_000_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 50, max: Number.MAX_SAFE_INTEGER }) },
);

const issuanceFeeArb = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 10 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 5_000 }) },
);

const layerArb = fc.constantFrom<IssuanceLayer>(1, 2, 3);

const validInputArb: fc.Arbitrary<FeeInput> = fc.record({
  cost: costArb,
  escrowRate: rateArb,
  gatewayRate: rateArb,
  issuanceFee: issuanceFeeArb,
  issuanceLayer: layerArb,
  isPaid: fc.boolean(),
  sharing: sharingArb,
});

/** Anything a client might send as a decimal string, well-formed or not. */
const anyDecimalTextArb = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.stringMatching(/^[+-]?\d{0,3}(\.\d{0,18})?([eE][+-]?\d{1,2})?$/),
  rateArb,
  fc.constantFrom('1', '1.0', '0.5', '-0', 'NaN', 'Infinity', '0x1', '1e-15', '1e-16', '0.1e1'),
);

const anyInputArb: fc.Arbitrary<FeeInput> = fc.record({
  cost: fc.oneof(costArb, fc.integer({ min: -100, max: 100 }), fc.double(), fc.constant(2 ** 53)),
  escrowRate: anyDecimalTextArb,
  gatewayRate: anyDecimalTextArb,
  issuanceFee: fc.oneof(issuanceFeeArb, fc.integer({ min: -5, max: 100 }), fc.double({ min: 0, max: 10 })),
  issuanceLayer: fc.integer({ min: 0, max: 4 }) as fc.Arbitrary<IssuanceLayer>,
  isPaid: fc.boolean(),
  sharing: fc.oneof(
    sharingArb,
    fc.record({
      headquarters: anyDecimalTextArb,
      sales: anyDecimalTextArb,
      reimbursement: anyDecimalTextArb,
    }),
  ),
});

const parts = (split: FeeObject): number[] => [
  split.gateway_fee,
  split.escrow_fee,
  split.issuance_fee,
  split.headquarters,
  split.sales,
  split.reimbursement,
];

describe('computeFees against the decimal.js reference (property)', () => {
  it('gives the same split, or the same refusal, on valid-looking inputs', () => {
    fc.assert(
      fc.property(validInputArb, (input) => {
        expect(outcome(() => computeFees(input))).toEqual(outcome(() => computeFeesReference(input)));
      }),
      { numRuns: 5_000 },
    );
  });

  it('gives the same refusal (code and field) on arbitrary inputs', () => {
    fc.assert(
      fc.property(anyInputArb, (input) => {
        expect(outcome(() => computeFees(input))).toEqual(outcome(() => computeFeesReference(input)));
      }),
      { numRuns: 5_000 },
    );
  });

  it('a compiled rule splits every cost as computeFees does', () => {
    fc.assert(
      fc.property(validInputArb, fc.array(costArb, { maxLength: 20 }), (input, costs) => {
        const rule = outcome(() => compileFeeRule(input, input.sharing).split(input.cost, input.isPaid));
        expect(rule).toEqual(outcome(() => computeFees(input)));
        if (!('ok' in rule)) return;
        const compiled = compileFeeRule(input, input.sharing);
        for (const cost of costs) {
          expect(outcome(() => compiled.split(cost))).toEqual(
            outcome(() => computeFeesReference({ ...input, cost, isPaid: true })),
          );
        }
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('guarantees of every split (property)', () => {
  it('every part is a non-negative safe integer; paid parts sum to cost; gift parts are all 0', () => {
    fc.assert(
      fc.property(validInputArb, (input) => {
        const result = outcome(() => computeFees(input));
        if (!('ok' in result)) {
          // only a paid voucher whose fees exceed its value may be refused here
          expect(result).toEqual({ code: 'FEE_EXCEEDS_VALUE', field: 'cost' });
          expect(input.isPaid).toBe(true);
          return;
        }
        const split = result.ok;
        expect(split.cost).toBe(input.cost);
        expect(split.issuance_layer).toBe(input.issuanceLayer);
        for (const part of parts(split)) {
          expect(Number.isSafeInteger(part)).toBe(true);
          expect(part).toBeGreaterThanOrEqual(0);
        }
        if (input.isPaid) {
          expect(parts(split).reduce((sum, part) => sum + part, 0)).toBe(input.cost);
          expect(split.issuance_fee).toBe(input.issuanceFee);
          expect(split.escrow_fee >= 1).toBe(new Decimal(input.escrowRate).gt(0));
          expect(split.gateway_fee >= 1).toBe(new Decimal(input.gatewayRate).gt(0));
        } else {
          expect(parts(split)).toEqual([0, 0, 0, 0, 0, 0]);
        }
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('the integer kernels (property)', () => {
  it('mulRoundHalfUp(a, n, 10^k) = floor((2·a·n + d) / (2·d)), computed in BigInt', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 0, max: 1_000_000 }),
          fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        ),
        fc
          .integer({ min: 0, max: 15 })
          .chain((k) => fc.tuple(fc.integer({ min: 0, max: 10 ** k }), fc.constant(10 ** k))),
        (amount, [num, den]) => {
          const [a, n, d] = [BigInt(amount), BigInt(num), BigInt(den)];
          expect(BigInt(mulRoundHalfUp(amount, num, den))).toBe((2n * a * n + d) / (2n * d));
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it('parseUnitDecimal reads exactly the value decimal.js reads', () => {
    fc.assert(
      fc.property(anyDecimalTextArb, (text) => {
        let ratio: { num: number; den: number };
        try {
          ratio = parseUnitDecimal(text, 'FEE_INVALID_RATE', 'escrow_rate');
        } catch {
          return;
        }
        expect(new Decimal(ratio.num).div(ratio.den).eq(new Decimal(text))).toBe(true);
      }),
      { numRuns: 5_000 },
    );
  });
});
