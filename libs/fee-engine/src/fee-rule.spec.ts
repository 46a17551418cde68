import { DomainError } from '@tixclear/domain';

import {
  compileFeeRates,
  compileFeeRule,
  compileSharing,
  computeFees,
  computeFeesReference,
  type FeeInput,
  FeeInputError,
  FeeRule,
  type Sharing,
} from './index';

const sharing: Sharing = { headquarters: '0.15', sales: '0.1', reimbursement: '0.75' };
const base: FeeInput = {
  cost: 50,
  escrowRate: '0.02',
  gatewayRate: '0.01',
  issuanceFee: 1,
  issuanceLayer: 2,
  isPaid: true,
  sharing,
};

/** The code and field of what `run` throws (the message is not asserted). */
function failure(run: () => unknown): { code: string; field: string | undefined } {
  try {
    run();
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(FeeInputError);
    expect(error).toBeInstanceOf(DomainError);
    const { code, field } = error as FeeInputError;
    return { code, field };
  }
  throw new Error('expected a FeeInputError');
}

/** Both paths must agree on the failure. */
function bothFail(input: FeeInput): { code: string; field: string | undefined } {
  const fast = failure(() => computeFees(input));
  expect(failure(() => computeFeesReference(input))).toEqual(fast);
  return fast;
}

function both(input: FeeInput): ReturnType<typeof computeFees> {
  const fast = computeFees(input);
  expect(computeFeesReference(input)).toEqual(fast);
  return fast;
}

describe('computeFees: the rules', () => {
  it('applies the minimum fee of 1 to a positive rate, and no fee to a zero rate', () => {
    expect(both({ ...base, cost: 50, gatewayRate: '0.001' }).gateway_fee).toBe(1); // 0.05 → 0 → 1
    expect(both({ ...base, cost: 50, gatewayRate: '0' }).gateway_fee).toBe(0);
    expect(both({ ...base, cost: 50, escrowRate: '0.0' }).escrow_fee).toBe(0);
    expect(both({ ...base, cost: 50, escrowRate: '0', gatewayRate: '0', issuanceFee: 0 })).toEqual({
      cost: 50,
      gateway_fee: 0,
      escrow_fee: 0,
      issuance_layer: 2,
      issuance_fee: 0,
      headquarters: 7, // 50 − 38 − 5
      sales: 5, // 5
      reimbursement: 38, // 37.5 → 38
    });
  });

  it('rounds half up, never half to even', () => {
    // 250 × 0.01 = 2.5 → 3; 350 × 0.01 = 3.5 → 4; 450 × 0.03 = 13.5 → 14
    expect(both({ ...base, cost: 250 }).gateway_fee).toBe(3);
    expect(both({ ...base, cost: 350 }).gateway_fee).toBe(4);
    expect(both({ ...base, cost: 450, escrowRate: '0.03' }).escrow_fee).toBe(14);
    // just below a half rounds down: 249 × 0.01 = 2.49 → 2
    expect(both({ ...base, cost: 249 }).gateway_fee).toBe(2);
  });

  it('lets the sales point absorb the excess and gives the rest to headquarters', () => {
    const split = both({
      ...base,
      issuanceLayer: 1,
      sharing: { headquarters: '0', sales: '0.5', reimbursement: '0.5' },
    });
    expect([split.reimbursement, split.sales, split.headquarters]).toEqual([24, 23, 0]);
    // store 47 × 1/3 each: 15.666… → 16, 16, headquarters gets 15
    const thirds = both({
      ...base,
      sharing: {
        headquarters: '0.333333333333334',
        sales: '0.333333333333333',
        reimbursement: '0.333333333333333',
      },
    });
    expect([thirds.reimbursement, thirds.sales, thirds.headquarters]).toEqual([16, 16, 15]);
  });

  it('sums shares exactly: 0.7 + 0.2 + 0.1 is 1 (in doubles it is 0.9999999999999999)', () => {
    expect(0.7 + 0.2 + 0.1).not.toBe(1);
    const split = both({ ...base, sharing: { headquarters: '0.7', sales: '0.2', reimbursement: '0.1' } });
    expect([split.reimbursement, split.sales, split.headquarters]).toEqual([5, 9, 33]); // 4.7, 9.4, rest
  });

  it('gives everything to one party when its share is 1', () => {
    const split = both({
      ...base,
      cost: 1000,
      sharing: { headquarters: '1', sales: '0', reimbursement: '0' },
    });
    expect(split).toEqual({
      cost: 1000,
      gateway_fee: 10,
      escrow_fee: 20,
      issuance_layer: 2,
      issuance_fee: 1,
      headquarters: 969,
      sales: 0,
      reimbursement: 0,
    });
    expect(
      both({ ...base, sharing: { headquarters: '0', sales: '0', reimbursement: '1.000' } }).reimbursement,
    ).toBe(47);
  });

  it('allows fees that take the whole value (store 0)', () => {
    expect(both({ ...base, cost: 50, issuanceFee: 48 })).toEqual({
      cost: 50,
      gateway_fee: 1,
      escrow_fee: 1,
      issuance_layer: 2,
      issuance_fee: 48,
      headquarters: 0,
      sales: 0,
      reimbursement: 0,
    });
  });

  it('charges a gift voucher nothing, keeping cost and issuance layer, whatever its value', () => {
    const gift = { cost: 0, gateway_fee: 0, escrow_fee: 0, issuance_layer: 3, issuance_fee: 0 };
    expect(both({ ...base, cost: 0, issuanceLayer: 3, isPaid: false })).toEqual({
      ...gift,
      headquarters: 0,
      sales: 0,
      reimbursement: 0,
    });
    expect(both({ ...base, cost: 10, isPaid: false }).cost).toBe(10);
    expect(Object.is(both({ ...base, cost: -0, isPaid: false }).cost, 0)).toBe(true);
  });

  it('handles the largest safe value exactly (BigInt products)', () => {
    const cost = Number.MAX_SAFE_INTEGER;
    const split = both({ ...base, cost, escrowRate: '0.123456789012345', gatewayRate: '0.0000000000005' });
    // 9007199254740991 × 123456789012345 overflows 2^53: 1111999897984709.650337676533895 → …710
    expect(split.escrow_fee).toBe(1111999897984710);
    expect(split.gateway_fee).toBe(4504); // 4503.5995… → 4504
    const { escrow_fee, gateway_fee, issuance_fee, headquarters, sales, reimbursement } = split;
    expect(escrow_fee + gateway_fee + issuance_fee + headquarters + sales + reimbursement).toBe(cost);
  });

  it('keeps the seed key order', () => {
    expect(Object.keys(computeFees(base))).toEqual([
      'cost',
      'gateway_fee',
      'escrow_fee',
      'issuance_layer',
      'issuance_fee',
      'headquarters',
      'sales',
      'reimbursement',
    ]);
  });
});

describe('computeFees: validation (same code and field on both paths)', () => {
  it.each<[string, Partial<FeeInput>, string, string]>([
    ['sharing not summing to 1', { sharing: { ...sharing, sales: '0.2' } }, 'FEE_INVALID_SHARING', 'sharing'],
    [
      'sharing one 10^15th short of 1',
      {
        sharing: {
          headquarters: '0.333333333333333',
          sales: '0.333333333333333',
          reimbursement: '0.333333333333333',
        },
      },
      'FEE_INVALID_SHARING',
      'sharing',
    ],
    [
      'a share with 16 places',
      { sharing: { headquarters: '0.1', sales: '0.2', reimbursement: '0.7000000000000000001' } },
      'FEE_INVALID_SHARING',
      'sharing.reimbursement',
    ],
    [
      'a negative share',
      { sharing: { headquarters: '1.1', sales: '-0.1', reimbursement: '0' } },
      'FEE_INVALID_SHARING',
      'sharing.headquarters',
    ],
    ['a share above 1', { sharing: { ...sharing, sales: '1.5' } }, 'FEE_INVALID_SHARING', 'sharing.sales'],
    [
      'a share that is not a number',
      { sharing: { ...sharing, reimbursement: 'x' } },
      'FEE_INVALID_SHARING',
      'sharing.reimbursement',
    ],
    ['a negative rate', { escrowRate: '-0.01' }, 'FEE_INVALID_RATE', 'escrow_rate'],
    ['negative zero', { escrowRate: '-0' }, 'FEE_INVALID_RATE', 'escrow_rate'],
    ['a rate of 1', { gatewayRate: '1' }, 'FEE_INVALID_RATE', 'gateway_rate'],
    ['a rate above 1', { gatewayRate: '2.5' }, 'FEE_INVALID_RATE', 'gateway_rate'],
    ['a rate with 16 places', { gatewayRate: '0.0000000000000001' }, 'FEE_INVALID_RATE', 'gateway_rate'],
    ['a hexadecimal rate', { gatewayRate: '0x1' }, 'FEE_INVALID_RATE', 'gateway_rate'],
    ['NaN', { gatewayRate: 'NaN' }, 'FEE_INVALID_RATE', 'gateway_rate'],
    ['an empty rate', { escrowRate: '' }, 'FEE_INVALID_RATE', 'escrow_rate'],
    ['a binary float rate', { escrowRate: 0.02 as unknown as string }, 'FEE_INVALID_RATE', 'escrow_rate'],
    ['a paid voucher under 50', { cost: 49 }, 'FEE_BELOW_MINIMUM', 'cost'],
    ['a paid voucher of 0', { cost: 0 }, 'FEE_BELOW_MINIMUM', 'cost'],
    ['fees larger than the value', { issuanceFee: 49 }, 'FEE_EXCEEDS_VALUE', 'cost'],
    [
      'fees larger than the value by the rates',
      { cost: 100, escrowRate: '0.6', gatewayRate: '0.5', issuanceFee: 0 },
      'FEE_EXCEEDS_VALUE',
      'cost',
    ],
    ['a fractional cost', { cost: 50.5 }, 'FEE_NOT_INTEGER', 'cost'],
    ['an unsafe cost', { cost: 2 ** 53 }, 'FEE_NOT_INTEGER', 'cost'],
    ['an infinite cost', { cost: Infinity }, 'FEE_NOT_INTEGER', 'cost'],
    ['a NaN cost', { cost: NaN }, 'FEE_NOT_INTEGER', 'cost'],
    ['a negative cost', { cost: -50 }, 'FEE_NEGATIVE_AMOUNT', 'cost'],
    ['a negative gift cost', { cost: -1, isPaid: false }, 'FEE_NEGATIVE_AMOUNT', 'cost'],
    ['a fractional issuance fee', { issuanceFee: 0.5 }, 'FEE_NOT_INTEGER', 'issuance_fee'],
    ['a negative issuance fee', { issuanceFee: -1 }, 'FEE_NEGATIVE_AMOUNT', 'issuance_fee'],
    ['layer 0', { issuanceLayer: 0 as never }, 'FEE_INVALID_LAYER', 'issuance_layer'],
    ['layer 4', { issuanceLayer: 4 as never }, 'FEE_INVALID_LAYER', 'issuance_layer'],
    ['is_paid not a boolean', { isPaid: 1 as never }, 'FEE_INVALID_TYPE', 'is_paid'],
  ])('refuses %s', (_what, change, code, field) => {
    expect(bothFail({ ...base, ...change })).toEqual({ code, field });
  });

  it('validates a gift voucher too (except the paid-only minimum and fee checks)', () => {
    expect(bothFail({ ...base, isPaid: false, gatewayRate: '1' })).toEqual({
      code: 'FEE_INVALID_RATE',
      field: 'gateway_rate',
    });
    expect(both({ ...base, isPaid: false, cost: 1, issuanceFee: 100 }).issuance_fee).toBe(0);
  });

  it('checks fields in a fixed order: rates, issuance, sharing, is_paid, cost', () => {
    const everythingWrong: FeeInput = {
      cost: -1,
      escrowRate: '2',
      gatewayRate: '2',
      issuanceFee: -1,
      issuanceLayer: 9 as never,
      isPaid: 'yes' as never,
      sharing: { headquarters: '2', sales: '2', reimbursement: '2' },
    };
    expect(bothFail(everythingWrong).field).toBe('escrow_rate');
    expect(bothFail({ ...everythingWrong, escrowRate: '0' }).field).toBe('gateway_rate');
    expect(bothFail({ ...everythingWrong, escrowRate: '0', gatewayRate: '0' }).field).toBe('issuance_fee');
  });
});

describe('FeeRule (compiled)', () => {
  it('validates rates and sharing once, then splits many costs', () => {
    const rule = compileFeeRule(base, sharing);
    expect(rule).toBeInstanceOf(FeeRule);
    for (const cost of [50, 51, 99, 100, 250, 1000, 12_345, 999_999]) {
      expect(rule.split(cost)).toEqual(computeFeesReference({ ...base, cost }));
      expect(rule.split(cost, false)).toEqual(computeFeesReference({ ...base, cost, isPaid: false }));
    }
  });

  it('refuses a bad rule at compile time', () => {
    expect(failure(() => compileFeeRule({ ...base, escrowRate: '1.5' }, sharing)).code).toBe(
      'FEE_INVALID_RATE',
    );
    expect(failure(() => compileSharing({ ...sharing, sales: '0.11' })).code).toBe('FEE_INVALID_SHARING');
    expect(failure(() => compileFeeRates({ ...base, issuanceLayer: 7 as never })).code).toBe(
      'FEE_INVALID_LAYER',
    );
  });

  it('refuses bad costs per voucher', () => {
    const rule = compileFeeRule(base, sharing);
    expect(failure(() => rule.split(49))).toEqual({ code: 'FEE_BELOW_MINIMUM', field: 'cost' });
    expect(failure(() => rule.split(1.5))).toEqual({ code: 'FEE_NOT_INTEGER', field: 'cost' });
    expect(failure(() => rule.split(-3, false))).toEqual({ code: 'FEE_NEGATIVE_AMOUNT', field: 'cost' });
    expect(failure(() => rule.split(50, 'no' as never))).toEqual({
      code: 'FEE_INVALID_TYPE',
      field: 'is_paid',
    });
  });

  it('exposes its exact ratios', () => {
    const rule = FeeRule.of(compileFeeRates({ ...base, escrowRate: '0.015' }), compileSharing(sharing));
    expect(rule.rates.escrow).toEqual({ num: 15, den: 1000, scale: 3 });
    expect(rule.sharing.reimbursement).toEqual({ num: 75, den: 100, scale: 2 });
  });
});

describe('FeeInputError', () => {
  it('is a DomainError with a stable code and the wire field', () => {
    const error = new FeeInputError('FEE_INVALID_RATE', 'escrow_rate', 'bad');
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('FeeInputError');
    expect([error.code, error.field]).toEqual(['FEE_INVALID_RATE', 'escrow_rate']);
  });
});
