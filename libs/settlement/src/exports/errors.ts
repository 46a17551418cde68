import { DomainError } from '@tixclear/domain';

/** Codes of {@link ExportError}: stable, callers and tests branch on them. */
export const ExportErrorCode = {
  /** `export(runId)` names no settlement run. */
  RunNotFound: 'EXPORT_RUN_NOT_FOUND',
  /** A range whose end is before its start. */
  PeriodInvalid: 'EXPORT_PERIOD_INVALID',
  /**
   * The journal does not balance: the trial balance's opening or closing total is not 0, or the period's debits
   * differ from its credits. Nothing is written: files that do not add up must not reach finance.
   */
  TrialBalanceNotZero: 'EXPORT_TRIAL_BALANCE_NOT_ZERO',
  /** The workbook would exceed what a plain (non-ZIP64) archive holds: 4 GiB or 65,535 entries. */
  TooLarge: 'EXPORT_TOO_LARGE',
} as const;
export type ExportErrorCode = (typeof ExportErrorCode)[keyof typeof ExportErrorCode];

export class ExportError extends DomainError {
  readonly code: ExportErrorCode;

  constructor(code: ExportErrorCode, message: string, field?: string) {
    super(message, field);
    this.code = code;
  }
}
