import Decimal from 'decimal.js';

import { FeeInputError, FeeInputErrorCode } from './errors';
import { decimalPartsOf, MAX_DECIMAL_PLACES } from './exact-decimal';
import { type FeeInput, type FeeObject, MIN_PAID_COST } from './types';
import { checkIsPaid, checkLayer, checkMoney, checkSharingObject } from './validation';

/**
 * The engine's own decimal.js constructor (the global one is never configured). 64 significant digits hold any
 * product of a safe integer (≤ 16 digits) and a ratio of ≤ 15 places exactly, so only the explicit roundings
 * below ever round.
 */
export const FeeDecimal = Decimal.clone({
  precision: 64,
  rounding: Decimal.ROUND_HALF_UP,
  toExpNeg: -64,
  toExpPos: 64,
});
type FeeDecimal = InstanceType<typeof FeeDecimal>;

function unitDecimal(text: unknown, code: FeeInputErrorCode, field: string, below1: boolean): FeeDecimal {
  decimalPartsOf(text, code, field);
  const value = new FeeDecimal(text as string);
  if (value.isNegative()) throw new FeeInputError(code, field, `${field} must not be negative`);
  if (below1 ? value.gte(1) : value.gt(1)) throw new FeeInputError(code, field, `${field} is out of range`);
  if (value.decimalPlaces() > MAX_DECIMAL_PLACES) {
    throw new FeeInputError(code, field, `${field} has more than ${MAX_DECIMAL_PLACES} decimal places`);
  }
  return value;
}

function roundHalfUp(value: FeeDecimal): number {
  return value.toDecimalPlaces(0, FeeDecimal.ROUND_HALF_UP).toNumber();
}

/**
 * The reference implementation of the clearing rules, written straight from docs/protocol.md §5 in decimal.js. Slow
 * (tens of thousands of splits a second); the property tests hold `computeFees` to it. Same validation, same
 * order, same error codes and fields as `computeFees`.
 */
export function computeFeesReference(input: FeeInput): FeeObject {
  const escrowRate = unitDecimal(input.escrowRate, FeeInputErrorCode.InvalidRate, 'escrow_rate', true);
  const gatewayRate = unitDecimal(input.gatewayRate, FeeInputErrorCode.InvalidRate, 'gateway_rate', true);
  const issuanceFee = checkMoney(input.issuanceFee, 'issuance_fee');
  const issuanceLayer = checkLayer(input.issuanceLayer, 'issuance_layer');
  checkSharingObject(input.sharing, 'sharing');
  const code = FeeInputErrorCode.InvalidSharing;
  const headquarters = unitDecimal(input.sharing.headquarters, code, 'sharing.headquarters', false);
  const salesShare = unitDecimal(input.sharing.sales, code, 'sharing.sales', false);
  const reimbursementShare = unitDecimal(input.sharing.reimbursement, code, 'sharing.reimbursement', false);
  if (!headquarters.plus(salesShare).plus(reimbursementShare).eq(1)) {
    throw new FeeInputError(code, 'sharing', 'sharing must sum to exactly 1');
  }
  const isPaid = checkIsPaid(input.isPaid, 'is_paid');
  const cost = checkMoney(input.cost, 'cost');
  if (!isPaid) {
    return {
      cost,
      gateway_fee: 0,
      escrow_fee: 0,
      issuance_layer: issuanceLayer,
      issuance_fee: 0,
      headquarters: 0,
      sales: 0,
      reimbursement: 0,
    };
  }
  if (cost < MIN_PAID_COST) {
    throw new FeeInputError(
      FeeInputErrorCode.BelowMinimum,
      'cost',
      `a paid voucher is worth at least 50 TWD`,
    );
  }
  const value = new FeeDecimal(cost);
  const fee = (rate: FeeDecimal): number => (rate.isZero() ? 0 : Math.max(1, roundHalfUp(value.times(rate))));
  const escrowFee = fee(escrowRate);
  const gatewayFee = fee(gatewayRate);
  const store = value.minus(escrowFee).minus(gatewayFee).minus(issuanceFee);
  if (store.isNegative()) {
    throw new FeeInputError(FeeInputErrorCode.ExceedsValue, 'cost', 'the fees exceed the value');
  }
  const reimbursement = roundHalfUp(store.times(reimbursementShare));
  let sales = roundHalfUp(store.times(salesShare));
  const excess = store.minus(reimbursement).minus(sales);
  if (excess.isNegative()) sales = excess.plus(sales).toNumber();
  return {
    cost,
    gateway_fee: gatewayFee,
    escrow_fee: escrowFee,
    issuance_layer: issuanceLayer,
    issuance_fee: issuanceFee,
    headquarters: store.minus(reimbursement).minus(sales).toNumber(),
    sales,
    reimbursement,
  };
}
