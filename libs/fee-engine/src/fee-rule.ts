import { FeeInputError, FeeInputErrorCode } from './errors';
import { type ExactRatio, mulRoundHalfUp, parseUnitDecimal } from './exact-decimal';
import {
  type FeeInput,
  type FeeObject,
  type FeeRates,
  type IssuanceLayer,
  MIN_PAID_COST,
  type Sharing,
} from './types';
import { checkIsPaid, checkLayer, checkMoney, checkSharingObject } from './validation';

/** Rates and issuance fee of a {@link FeeRates}, validated and parsed into exact ratios. */
export interface CompiledFeeRates {
  readonly escrow: ExactRatio;
  readonly gateway: ExactRatio;
  readonly issuanceFee: number;
  readonly issuanceLayer: IssuanceLayer;
}

/** A {@link Sharing}, validated (each share in [0, 1], summing to exactly 1) and parsed into exact ratios. */
export interface CompiledSharing {
  readonly headquarters: ExactRatio;
  readonly sales: ExactRatio;
  readonly reimbursement: ExactRatio;
}

// Parsed decimal strings, so that `computeFees` on recurring rates and shares parses each string once.
// Only successful parses are kept; the value of a string does not depend on what it is used for.
const parsedTexts = new Map<string, ExactRatio>();
const PARSED_TEXTS_LIMIT = 4096;

function unitDecimal(text: unknown, code: FeeInputErrorCode, field: string): ExactRatio {
  if (typeof text === 'string') {
    const known = parsedTexts.get(text);
    if (known !== undefined) return known;
    const ratio = parseUnitDecimal(text, code, field);
    if (parsedTexts.size >= PARSED_TEXTS_LIMIT) parsedTexts.clear();
    parsedTexts.set(text, ratio);
    return ratio;
  }
  return parseUnitDecimal(text, code, field);
}

function rate(text: unknown, field: string): ExactRatio {
  const ratio = unitDecimal(text, FeeInputErrorCode.InvalidRate, field);
  if (ratio.num >= ratio.den)
    throw new FeeInputError(FeeInputErrorCode.InvalidRate, field, `${field} must be below 1`);
  return ratio;
}

/**
 * Validates and parses the per-issuer part of a split once. Checks, in order: `escrow_rate`, `gateway_rate`
 * (exact decimal strings in [0, 1), ≤ 15 places), `issuance_fee` (safe non-negative integer), `issuance_layer`.
 */
export function compileFeeRates(rates: FeeRates): CompiledFeeRates {
  return Object.freeze({
    escrow: rate(rates.escrowRate, 'escrow_rate'),
    gateway: rate(rates.gatewayRate, 'gateway_rate'),
    issuanceFee: checkMoney(rates.issuanceFee, 'issuance_fee'),
    issuanceLayer: checkLayer(rates.issuanceLayer, 'issuance_layer'),
  });
}

/**
 * Validates and parses a sharing once: each share an exact decimal string in [0, 1] (≤ 15 places; field
 * `sharing.<name>`), and the three summing to exactly 1 (field `sharing`), checked in integers.
 */
export function compileSharing(sharing: Sharing): CompiledSharing {
  checkSharingObject(sharing, 'sharing');
  const code = FeeInputErrorCode.InvalidSharing;
  const headquarters = unitDecimal(sharing.headquarters, code, 'sharing.headquarters');
  const sales = unitDecimal(sharing.sales, code, 'sharing.sales');
  const reimbursement = unitDecimal(sharing.reimbursement, code, 'sharing.reimbursement');
  // Bring the three to the largest scale (≤ 15): each term ≤ 10^15, the sum ≤ 3·10^15, all safe integers.
  const scale = Math.max(headquarters.scale, sales.scale, reimbursement.scale);
  const lift = (r: ExactRatio): number => r.num * 10 ** (scale - r.scale);
  if (lift(headquarters) + lift(sales) + lift(reimbursement) !== 10 ** scale) {
    throw new FeeInputError(code, 'sharing', 'sharing must sum to exactly 1');
  }
  return Object.freeze({ headquarters, sales, reimbursement });
}

/**
 * A compiled split rule: rates, issuance fee and sharing validated and parsed once, so that each voucher costs
 * a handful of integer operations. Immutable; safe to share.
 */
export class FeeRule {
  readonly rates: CompiledFeeRates;
  readonly sharing: CompiledSharing;
  // Flattened copies of the ratios: monomorphic number fields keep the per-voucher path fast.
  private readonly escrowNum: number;
  private readonly escrowDen: number;
  private readonly gatewayNum: number;
  private readonly gatewayDen: number;
  private readonly salesNum: number;
  private readonly salesDen: number;
  private readonly reimbursementNum: number;
  private readonly reimbursementDen: number;
  private readonly issuanceFee: number;
  private readonly issuanceLayer: IssuanceLayer;

  private constructor(rates: CompiledFeeRates, sharing: CompiledSharing) {
    this.rates = rates;
    this.sharing = sharing;
    this.escrowNum = rates.escrow.num;
    this.escrowDen = rates.escrow.den;
    this.gatewayNum = rates.gateway.num;
    this.gatewayDen = rates.gateway.den;
    this.salesNum = sharing.sales.num;
    this.salesDen = sharing.sales.den;
    this.reimbursementNum = sharing.reimbursement.num;
    this.reimbursementDen = sharing.reimbursement.den;
    this.issuanceFee = rates.issuanceFee;
    this.issuanceLayer = rates.issuanceLayer;
  }

  /** A rule from parts compiled by {@link compileFeeRates} and {@link compileSharing}. */
  static of(rates: CompiledFeeRates, sharing: CompiledSharing): FeeRule {
    return new FeeRule(rates, sharing);
  }

  /**
   * Splits one voucher of value `cost` (whole TWD). Paid: ≥ 50, and the fees must not exceed it. Gift
   * (`isPaid` false): every fee and share is 0. Throws `FeeInputError` (`cost`: FEE_NOT_INTEGER,
   * FEE_NEGATIVE_AMOUNT, FEE_BELOW_MINIMUM, FEE_EXCEEDS_VALUE; `is_paid`: FEE_INVALID_TYPE).
   */
  split(cost: number, isPaid = true): FeeObject {
    if (isPaid !== true) {
      checkIsPaid(isPaid, 'is_paid');
      return {
        cost: checkMoney(cost, 'cost'),
        gateway_fee: 0,
        escrow_fee: 0,
        issuance_layer: this.issuanceLayer,
        issuance_fee: 0,
        headquarters: 0,
        sales: 0,
        reimbursement: 0,
      };
    }
    if (!Number.isSafeInteger(cost) || cost < MIN_PAID_COST) throw paidCostError(cost);
    const escrowFee =
      this.escrowNum === 0 ? 0 : atLeastOne(mulRoundHalfUp(cost, this.escrowNum, this.escrowDen));
    const gatewayFee =
      this.gatewayNum === 0 ? 0 : atLeastOne(mulRoundHalfUp(cost, this.gatewayNum, this.gatewayDen));
    const store = cost - escrowFee - gatewayFee - this.issuanceFee;
    if (store < 0) {
      throw new FeeInputError(
        FeeInputErrorCode.ExceedsValue,
        'cost',
        `the fees (${escrowFee} + ${gatewayFee} + ${this.issuanceFee}) exceed the value ${cost}`,
      );
    }
    const reimbursement = mulRoundHalfUp(store, this.reimbursementNum, this.reimbursementDen);
    let sales = mulRoundHalfUp(store, this.salesNum, this.salesDen);
    // the sales point absorbs the excess (負差額由銷售點吸收)
    if (reimbursement + sales > store) sales = store - reimbursement;
    return {
      cost,
      gateway_fee: gatewayFee,
      escrow_fee: escrowFee,
      issuance_layer: this.issuanceLayer,
      issuance_fee: this.issuanceFee,
      headquarters: store - reimbursement - sales,
      sales,
      reimbursement,
    };
  }
}

function atLeastOne(fee: number): number {
  return fee < 1 ? 1 : fee;
}

function paidCostError(cost: number): FeeInputError {
  checkMoney(cost, 'cost'); // throws FEE_NOT_INTEGER or FEE_NEGATIVE_AMOUNT
  return new FeeInputError(
    FeeInputErrorCode.BelowMinimum,
    'cost',
    `a paid voucher is worth at least ${MIN_PAID_COST} TWD (got ${cost})`,
  );
}

/** Compiles rates (e.g. a `FeeSchedule`) and a sharing into a {@link FeeRule}, validating both once. */
export function compileFeeRule(rates: FeeRates, sharing: Sharing): FeeRule {
  return FeeRule.of(compileFeeRates(rates), compileSharing(sharing));
}

/**
 * Splits one voucher by the clearing rules (docs/protocol.md §5), exactly (integer arithmetic on exact ratios).
 * Validation order: `escrow_rate`, `gateway_rate`, `issuance_fee`, `issuance_layer`, `sharing.*`, `sharing`,
 * `is_paid`, `cost`; then the minimum value and the fees-within-value check of a paid voucher.
 */
export function computeFees(input: FeeInput): FeeObject {
  const rates = compileFeeRates(input);
  const sharing = compileSharing(input.sharing);
  return FeeRule.of(rates, sharing).split(input.cost, checkIsPaid(input.isPaid, 'is_paid'));
}
