import { DomainError } from '@tixclear/domain';

/** Why a reconciliation refused to run. One code per reason; never parse the message. */
export const ReconciliationErrorCode = {
  /** The business date is not a calendar date YYYY-MM-DD (field `date`). */
  DateInvalid: 'RECONCILE_DATE_INVALID',
  /** The gateway's figures' source is neither `statements:<directory>` nor `simulator:<control url>` (`source`). */
  SourceInvalid: 'RECONCILE_SOURCE_INVALID',
} as const;
export type ReconciliationErrorCode = (typeof ReconciliationErrorCode)[keyof typeof ReconciliationErrorCode];

export class ReconciliationError extends DomainError {
  constructor(
    readonly code: ReconciliationErrorCode,
    message: string,
    field?: string,
  ) {
    super(message, field);
  }
}
