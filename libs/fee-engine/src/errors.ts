import { DomainError } from '@tixclear/domain';

/** Codes of {@link FeeInputError}: stable, clients and tests branch on them. */
export const FeeInputErrorCode = {
  /** A required field is absent (or `null`). */
  MissingField: 'FEE_MISSING_FIELD',
  /** The input (or `is_paid`) is not of the expected JSON type. */
  InvalidType: 'FEE_INVALID_TYPE',
  /** A rate is not an exact decimal string in [0, 1) with at most 15 decimal places. */
  InvalidRate: 'FEE_INVALID_RATE',
  /** A share is not an exact decimal string in [0, 1] (≤ 15 places), or the shares do not sum to exactly 1. */
  InvalidSharing: 'FEE_INVALID_SHARING',
  /** `issuance_layer` is not 1 (dealer), 2 (big store) or 3 (store). */
  InvalidLayer: 'FEE_INVALID_LAYER',
  /** An amount of money is not a safe integer number of TWD. */
  NotInteger: 'FEE_NOT_INTEGER',
  /** An amount of money is negative. */
  NegativeAmount: 'FEE_NEGATIVE_AMOUNT',
  /** A paid voucher is worth less than 50 TWD (票券單張最低50元). */
  BelowMinimum: 'FEE_BELOW_MINIMUM',
  /** The fees of a paid voucher exceed its value (the store amount would be negative). */
  ExceedsValue: 'FEE_EXCEEDS_VALUE',
  /** A date is not a real calendar date written `YYYY-MM-DD`. */
  InvalidDate: 'FEE_INVALID_DATE',
} as const;
export type FeeInputErrorCode = (typeof FeeInputErrorCode)[keyof typeof FeeInputErrorCode];

/** Codes of {@link FeeScheduleError}. */
export const FeeScheduleErrorCode = {
  /** No schedule of that issuer is in force on that date (unknown issuer, or a date before its first one). */
  NoSchedule: 'FEE_NO_SCHEDULE',
  /** Two schedules of one issuer share an effective date. */
  DuplicateSchedule: 'FEE_DUPLICATE_SCHEDULE',
} as const;
export type FeeScheduleErrorCode = (typeof FeeScheduleErrorCode)[keyof typeof FeeScheduleErrorCode];

export type FeeErrorCode = FeeInputErrorCode | FeeScheduleErrorCode;

/**
 * Invalid input to the fee engine. `field` names the snake_case wire field concerned (`cost`, `escrow_rate`,
 * `sharing`, `sharing.sales`, ...), or is `undefined` when the input as a whole is wrong.
 */
export class FeeInputError extends DomainError {
  readonly code: FeeInputErrorCode;

  constructor(code: FeeInputErrorCode, field: string | undefined, message: string) {
    super(message, field);
    this.code = code;
  }
}

/** A fee-schedule book cannot answer, or refuses a schedule. `field` as for {@link FeeInputError}. */
export class FeeScheduleError extends DomainError {
  readonly code: FeeScheduleErrorCode;

  constructor(code: FeeScheduleErrorCode, field: string | undefined, message: string) {
    super(message, field);
    this.code = code;
  }
}
