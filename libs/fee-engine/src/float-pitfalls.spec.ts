import { computeFees, computeFeesReference, type FeeInput, mulRoundHalfUp } from './index';

/**
 * Cases where doing the arithmetic in binary floating point gives the wrong split: the exact product ends in .5,
 * but the double product lands just below it, so `Math.round` (or any half-up on the double) rounds down. Each
 * case proves the double is wrong, then that the engine (and the decimal.js reference) rounds the exact value.
 */
const base: FeeInput = {
  cost: 50,
  escrowRate: '0.02',
  gatewayRate: '0.01',
  issuanceFee: 1,
  issuanceLayer: 1,
  isPaid: true,
  sharing: { headquarters: '0.15', sales: '0.1', reimbursement: '0.75' },
};

describe('where binary floating point rounds wrong', () => {
  it.each<[string, number, string, number, number]>([
    ['45 × 0.7 = 31.5 (docs/protocol.md §5)', 45, '0.7', 31.499999999999996, 32],
    ['85 × 0.7 = 59.5', 85, '0.7', 59.49999999999999, 60],
    ['750 × 0.018 = 13.5 (a 1.8 % trust fee)', 750, '0.018', 13.499999999999998, 14],
    ['50 × 0.29 = 14.5', 50, '0.29', 14.499999999999998, 15],
    [
      '100 × 0.145 = 14.5 (0.145 is stored as 0.14499999999999999, like 1.005)',
      100,
      '0.145',
      14.499999999999998,
      15,
    ],
    ['180 × 0.175 = 31.5', 180, '0.175', 31.499999999999996, 32],
  ])('%s', (_what, amount, rate, double, exact) => {
    expect(amount * Number(rate)).toBe(double); // the double product is just below the half …
    expect(Math.round(amount * Number(rate))).toBe(exact - 1); // … so it rounds down
    const [digits, places] = [rate.replace('0.', ''), rate.length - 2];
    expect(mulRoundHalfUp(amount, Number(digits), 10 ** places)).toBe(exact);
  });

  it('the 1.005 classic: (1.005).toFixed(2) is "1.00" and Math.round(1.005 × 100) is 100', () => {
    expect((1.005).toFixed(2)).toBe('1.00');
    expect(Math.round(1.005 * 100)).toBe(100);
    // the engine never holds 1.005 as a double: 201 × 0.005 = 1.005 exactly, and 1005 × 0.1 = 100.5 → 101
    expect(mulRoundHalfUp(1005, 1, 10)).toBe(101);
  });

  it('a share: store 45 × 0.7 gives the redemption point 32, not 31', () => {
    const input: FeeInput = {
      ...base,
      issuanceFee: 3, // 50 − 1 − 1 − 3 = 45
      sharing: { headquarters: '0.1', sales: '0.2', reimbursement: '0.7' },
    };
    const expected = {
      cost: 50,
      gateway_fee: 1,
      escrow_fee: 1,
      issuance_layer: 1,
      issuance_fee: 3,
      headquarters: 4, // a double-based split would give 5
      sales: 9,
      reimbursement: 32, // a double-based split would give 31
    };
    expect(computeFees(input)).toEqual(expected);
    expect(computeFeesReference(input)).toEqual(expected);
  });

  it('a fee: 750 at a 1.8 % trust fee pays 14, not 13', () => {
    const input: FeeInput = { ...base, cost: 750, escrowRate: '0.018' };
    const split = computeFees(input);
    expect(split.escrow_fee).toBe(14);
    expect(split.gateway_fee).toBe(8); // 7.5 → 8
    expect(computeFeesReference(input)).toEqual(split);
  });

  it('a share: store 50 × 0.29 gives the sales point 15, not 14', () => {
    const input: FeeInput = {
      ...base,
      cost: 52,
      issuanceFee: 0, // 52 − 1 − 1 = 50
      sharing: { headquarters: '0.21', sales: '0.29', reimbursement: '0.5' },
    };
    const split = computeFees(input);
    expect([split.reimbursement, split.sales, split.headquarters]).toEqual([25, 15, 10]);
    expect(computeFeesReference(input)).toEqual(split);
  });
});
