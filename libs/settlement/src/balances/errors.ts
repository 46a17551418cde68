import { DomainError } from '@tixclear/domain';

/** Why a balance was not read. Never parse the message. */
export const BalancesErrorCode = {
  /** A day up to the one asked for holds entries its snapshot does not: refresh the snapshots first. */
  Stale: 'BALANCES_STALE',
  /** Not a business date `YYYY-MM-DD` (field named). */
  DateInvalid: 'BALANCES_DATE_INVALID',
} as const;
export type BalancesErrorCode = (typeof BalancesErrorCode)[keyof typeof BalancesErrorCode];

export class BalancesError extends DomainError {
  constructor(
    readonly code: BalancesErrorCode,
    message: string,
    field?: string,
  ) {
    super(message, field);
  }
}
