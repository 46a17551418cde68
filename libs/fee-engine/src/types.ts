/** Who collects the issuance fee (發行費收費者): 1 dealer, 2 big store, 3 store. */
export type IssuanceLayer = 1 | 2 | 3;

/**
 * How the store amount is shared. Exact decimal strings (`"0.15"`, `"0.1"`, `"0.75"`), each in [0, 1], summing to
 * exactly 1. Never binary floats: a wire adapter turns JSON numbers into their shortest decimal string first.
 */
export interface Sharing {
  readonly headquarters: string;
  readonly sales: string;
  readonly reimbursement: string;
}

/** The per-issuer part of a split: rates (exact decimal strings in [0, 1)) and the fixed issuance fee. */
export interface FeeRates {
  /** Trust (履約保證 / 信託) fee rate, e.g. `"0.02"`. */
  readonly escrowRate: string;
  /** Payment (金流) fee rate, e.g. `"0.01"`. */
  readonly gatewayRate: string;
  /** Fixed issuance fee in whole TWD. */
  readonly issuanceFee: number;
  readonly issuanceLayer: IssuanceLayer;
}

/** One voucher to split (camelCase; see `feeInputFromWire` for the snake_case wire shape). */
export interface FeeInput extends FeeRates {
  /** The voucher's value in whole TWD (≥ 50 when paid). */
  readonly cost: number;
  /** `false` for a gift voucher (贈送票券): no fees, no shares. */
  readonly isPaid: boolean;
  readonly sharing: Sharing;
}

/**
 * The split, shaped (and key-ordered) like the seed's fee object (『票券費用』). All integers (whole TWD).
 * Paid: `gateway_fee + escrow_fee + issuance_fee + headquarters + sales + reimbursement = cost`.
 * Gift: every fee and share is 0 (`cost` and `issuance_layer` are kept).
 */
export interface FeeObject {
  readonly cost: number;
  readonly gateway_fee: number;
  readonly escrow_fee: number;
  readonly issuance_layer: IssuanceLayer;
  readonly issuance_fee: number;
  readonly headquarters: number;
  readonly sales: number;
  readonly reimbursement: number;
}

/** The result of `computeFees`: the seed's fee object. */
export type FeeBreakdown = FeeObject;

/** The keys of {@link FeeObject} in the seed's order (use as a `JSON.stringify` replacer to keep the order). */
export const FEE_OBJECT_KEYS = [
  'cost',
  'gateway_fee',
  'escrow_fee',
  'issuance_layer',
  'issuance_fee',
  'headquarters',
  'sales',
  'reimbursement',
] as const satisfies readonly (keyof FeeObject)[];

/** A paid voucher is worth at least this much (票券單張最低50元). */
export const MIN_PAID_COST = 50;
