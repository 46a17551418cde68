import { DomainError } from '@tixclear/domain';

/** Codes of {@link PartnerStatementError}: stable, the CLI prints them and tests branch on them. */
export const PartnerStatementErrorCode = {
  /** `--period` is neither a business date (`2026-11-20`) nor a month (`2026-11`). */
  PeriodInvalid: 'STATEMENT_PERIOD_INVALID',
  /** No partner has that uid (`field` `partner`). */
  PartnerNotFound: 'STATEMENT_PARTNER_NOT_FOUND',
  /**
   * A statement that does not reconcile: its trust or a balance's opening plus movements is not its closing.
   * Nothing is printed: a statement that does not add up must not reach a partner looking finished.
   */
  NotReconciled: 'STATEMENT_NOT_RECONCILED',
} as const;
export type PartnerStatementErrorCode =
  (typeof PartnerStatementErrorCode)[keyof typeof PartnerStatementErrorCode];

export class PartnerStatementError extends DomainError {
  readonly code: PartnerStatementErrorCode;

  constructor(code: PartnerStatementErrorCode, message: string, field?: string) {
    super(message, field);
    this.code = code;
  }
}
