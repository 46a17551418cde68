import { FeeInputError, FeeInputErrorCode } from './errors';
import type { IssuanceLayer } from './types';

/** A whole, non-negative, safe amount of TWD (`-0` becomes `0`), or a `FeeInputError` naming `field`. */
export function checkMoney(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new FeeInputError(
      FeeInputErrorCode.NotInteger,
      field,
      `${field} must be a safe integer amount of TWD`,
    );
  }
  if (value < 0) {
    throw new FeeInputError(FeeInputErrorCode.NegativeAmount, field, `${field} must not be negative`);
  }
  return value + 0;
}

export function checkLayer(value: unknown, field = 'issuance_layer'): IssuanceLayer {
  if (value === 1 || value === 2 || value === 3) return value;
  throw new FeeInputError(
    FeeInputErrorCode.InvalidLayer,
    field,
    `${field} must be 1 (dealer), 2 (big store) or 3 (store)`,
  );
}

export function checkIsPaid(value: unknown, field = 'is_paid'): boolean {
  if (typeof value === 'boolean') return value;
  throw new FeeInputError(FeeInputErrorCode.InvalidType, field, `${field} must be a boolean`);
}

export function checkSharingObject(value: unknown, field = 'sharing'): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FeeInputError(FeeInputErrorCode.InvalidSharing, field, `${field} must be an object`);
  }
}
