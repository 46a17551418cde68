import { computeFees, FeeInputError, feeInputFromWire, type FeeWireInput } from './index';

const wire: FeeWireInput = {
  cost: 50,
  escrow_rate: '0.02',
  gateway_rate: '0.01',
  issuance_fee: 1,
  issuance_layer: 2,
  is_paid: 1,
  sharing: { headquarters: '0.15', sales: '0.1', reimbursement: '0.75' },
};

function failure(raw: unknown): { code: string; field: string | undefined } {
  try {
    computeFees(feeInputFromWire(raw));
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(FeeInputError);
    return { code: (error as FeeInputError).code, field: (error as FeeInputError).field };
  }
  throw new Error('expected a FeeInputError');
}

describe('feeInputFromWire', () => {
  it('reads the snake_case wire shape into camelCase', () => {
    expect(feeInputFromWire({ ...wire, extra: 'ignored' })).toEqual({
      cost: 50,
      escrowRate: '0.02',
      gatewayRate: '0.01',
      issuanceFee: 1,
      issuanceLayer: 2,
      isPaid: true,
      sharing: { headquarters: '0.15', sales: '0.1', reimbursement: '0.75' },
    });
    expect(feeInputFromWire({ ...wire, is_paid: 0 }).isPaid).toBe(false);
    expect(feeInputFromWire({ ...wire, is_paid: true }).isPaid).toBe(true);
    expect(feeInputFromWire({ ...wire, is_paid: false }).isPaid).toBe(false);
  });

  it('reads JSON numbers as their shortest decimal string (the seed sample sends sharing as numbers)', () => {
    const input = feeInputFromWire(
      JSON.parse(
        '{"cost":50,"escrow_rate":0.02,"gateway_rate":0.01,"issuance_fee":1,"issuance_layer":2,"is_paid":1,' +
          '"sharing":{"headquarters":0.15,"sales":0.1,"reimbursement":0.75}}',
      ),
    );
    expect([input.escrowRate, input.gatewayRate]).toEqual(['0.02', '0.01']);
    expect(input.sharing).toEqual({ headquarters: '0.15', sales: '0.1', reimbursement: '0.75' });
    expect(computeFees(input)).toEqual({
      cost: 50,
      gateway_fee: 1,
      escrow_fee: 1,
      issuance_layer: 2,
      issuance_fee: 1,
      headquarters: 7,
      sales: 5,
      reimbursement: 35,
    });
    // 0.7 arrives as "0.7", not as 0.6999999999999999555910790149937…
    expect(feeInputFromWire({ ...wire, escrow_rate: 0.7 }).escrowRate).toBe('0.7');
    expect(feeInputFromWire({ ...wire, escrow_rate: 1e-7 }).escrowRate).toBe('1e-7');
  });

  it.each<[string, unknown, string, string | undefined]>([
    ['not an object', 42, 'FEE_INVALID_TYPE', undefined],
    ['null', null, 'FEE_INVALID_TYPE', undefined],
    ['an array', [wire], 'FEE_INVALID_TYPE', undefined],
    ['no cost', { ...wire, cost: undefined }, 'FEE_MISSING_FIELD', 'cost'],
    ['a null escrow_rate', { ...wire, escrow_rate: null }, 'FEE_MISSING_FIELD', 'escrow_rate'],
    ['no sharing', { ...wire, sharing: undefined }, 'FEE_MISSING_FIELD', 'sharing'],
    [
      'no sharing.sales',
      { ...wire, sharing: { headquarters: '0.5', reimbursement: '0.5' } },
      'FEE_MISSING_FIELD',
      'sharing.sales',
    ],
    ['sharing not an object', { ...wire, sharing: '0.5,0.5' }, 'FEE_INVALID_SHARING', 'sharing'],
    [
      'a share of the wrong type',
      { ...wire, sharing: { ...wire.sharing, sales: true } },
      'FEE_INVALID_SHARING',
      'sharing.sales',
    ],
    ['cost as a string', { ...wire, cost: '50' }, 'FEE_NOT_INTEGER', 'cost'],
    ['issuance_fee as a string', { ...wire, issuance_fee: '1' }, 'FEE_NOT_INTEGER', 'issuance_fee'],
    ['a rate of the wrong type', { ...wire, gateway_rate: [0.01] }, 'FEE_INVALID_RATE', 'gateway_rate'],
    ['a layer as a string', { ...wire, issuance_layer: '2' }, 'FEE_INVALID_LAYER', 'issuance_layer'],
    ['is_paid 2', { ...wire, is_paid: 2 }, 'FEE_INVALID_TYPE', 'is_paid'],
    ['is_paid "1"', { ...wire, is_paid: '1' }, 'FEE_INVALID_TYPE', 'is_paid'],
    [
      'a float rate with too many places',
      { ...wire, escrow_rate: 0.1 + 0.2 },
      'FEE_INVALID_RATE',
      'escrow_rate',
    ],
    [
      'shares summing to 1.1',
      { ...wire, sharing: { ...wire.sharing, sales: 0.2 } },
      'FEE_INVALID_SHARING',
      'sharing',
    ],
    ['a cost of 49', { ...wire, cost: 49 }, 'FEE_BELOW_MINIMUM', 'cost'],
    ['a cost of 50.5', { ...wire, cost: 50.5 }, 'FEE_NOT_INTEGER', 'cost'],
  ])('refuses %s', (_what, raw, code, field) => {
    expect(failure(raw)).toEqual({ code, field });
  });
});
