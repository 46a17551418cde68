import { FeeInputError, FeeInputErrorCode } from './errors';
import type { FeeInput, Sharing } from './types';
import { checkLayer } from './validation';

/** A decimal on the wire: an exact decimal string, or a JSON number (read as its shortest decimal string). */
export type WireDecimal = string | number;

/**
 * The snake_case input shape of the fee fixtures and the `fee-calc` CLI (the seed's field names). `is_paid` is
 * the protocol's integer 1/0 (booleans are accepted too). Unknown fields are ignored.
 */
export interface FeeWireInput {
  cost: number;
  escrow_rate: WireDecimal;
  gateway_rate: WireDecimal;
  issuance_fee: number;
  issuance_layer: number;
  is_paid: 0 | 1 | boolean;
  sharing: { headquarters: WireDecimal; sales: WireDecimal; reimbursement: WireDecimal };
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function required(object: JsonObject, key: string, field: string): unknown {
  const value = object[key];
  if (value === undefined || value === null || !Object.hasOwn(object, key)) {
    throw new FeeInputError(FeeInputErrorCode.MissingField, field, `${field} is required`);
  }
  return value;
}

/**
 * A JSON number becomes its shortest round-trip decimal string (`0.02` → `"0.02"`, the digits written in the
 * JSON text for any rate of up to 15 significant digits), so a rate never enters arithmetic as a binary float.
 */
function wireDecimal(value: unknown, code: FeeInputErrorCode, field: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new FeeInputError(code, field, `${field} must be a decimal string or number`);
}

function wireMoney(value: unknown, field: string): number {
  if (typeof value === 'number') return value; // integrality, safety and sign are checked by the engine
  throw new FeeInputError(FeeInputErrorCode.NotInteger, field, `${field} must be a whole number of TWD`);
}

function wireIsPaid(value: unknown): boolean {
  if (value === 1 || value === true) return true;
  if (value === 0 || value === false) return false;
  throw new FeeInputError(FeeInputErrorCode.InvalidType, 'is_paid', 'is_paid must be 1 (paid) or 0 (gift)');
}

/**
 * Reads the snake_case wire shape ({@link FeeWireInput}) into a {@link FeeInput}, checking presence and JSON
 * types (`FEE_MISSING_FIELD`, `FEE_INVALID_TYPE`, and the field's own code for a wrong type). Values (ranges,
 * sums, integrality) are left to `computeFees`, which checks them all.
 */
export function feeInputFromWire(raw: unknown): FeeInput {
  if (!isObject(raw)) {
    throw new FeeInputError(FeeInputErrorCode.InvalidType, undefined, 'the input must be a JSON object');
  }
  const cost = wireMoney(required(raw, 'cost', 'cost'), 'cost');
  const escrowRate = wireDecimal(
    required(raw, 'escrow_rate', 'escrow_rate'),
    FeeInputErrorCode.InvalidRate,
    'escrow_rate',
  );
  const gatewayRate = wireDecimal(
    required(raw, 'gateway_rate', 'gateway_rate'),
    FeeInputErrorCode.InvalidRate,
    'gateway_rate',
  );
  const issuanceFee = wireMoney(required(raw, 'issuance_fee', 'issuance_fee'), 'issuance_fee');
  const issuanceLayer = checkLayer(required(raw, 'issuance_layer', 'issuance_layer'), 'issuance_layer');
  const isPaid = wireIsPaid(required(raw, 'is_paid', 'is_paid'));
  const rawSharing = required(raw, 'sharing', 'sharing');
  if (!isObject(rawSharing)) {
    throw new FeeInputError(FeeInputErrorCode.InvalidSharing, 'sharing', 'sharing must be an object');
  }
  const share = (key: keyof Sharing): string => {
    const field = `sharing.${key}`;
    return wireDecimal(required(rawSharing, key, field), FeeInputErrorCode.InvalidSharing, field);
  };
  const sharing: Sharing = {
    headquarters: share('headquarters'),
    sales: share('sales'),
    reimbursement: share('reimbursement'),
  };
  return { cost, escrowRate, gatewayRate, issuanceFee, issuanceLayer, isPaid, sharing };
}
