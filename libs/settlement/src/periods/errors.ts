import { DomainError } from '@tixclear/domain';

/** Why closing a period, posting into one, or correcting an entry refused to act. Never parse the message. */
export const PeriodErrorCode = {
  /** The books are closed on that date: nothing posts into a closed period (the database refuses it too). */
  Closed: 'PERIOD_CLOSED',
  /** Not a month as `YYYY-MM` (field `period`). */
  Invalid: 'PERIOD_INVALID',
  /** The month has not ended yet (Taiwan time). */
  NotEnded: 'PERIOD_NOT_ENDED',
  /** The month, or a later one, is closed already. */
  AlreadyClosed: 'PERIOD_ALREADY_CLOSED',
  /** A run of a date in the month has not posted yet (clearing or posting): finish it first. */
  RunOpen: 'PERIOD_RUN_OPEN',
  /** Who closes or corrects (`by`), and why a correction is made (`note`), are recorded: both required. */
  NoteRequired: 'PERIOD_NOTE_REQUIRED',
  /** The entry a correction names does not exist (field `correctsEntryId`). */
  EntryNotFound: 'CORRECTION_ENTRY_NOT_FOUND',
  /** A correction's lines must sum to zero and not be empty (field `lines`). */
  Unbalanced: 'CORRECTION_UNBALANCED',
  /** That correction (`reference`) was posted already. */
  Duplicate: 'CORRECTION_DUPLICATE',
} as const;
export type PeriodErrorCode = (typeof PeriodErrorCode)[keyof typeof PeriodErrorCode];

export class PeriodError extends DomainError {
  constructor(
    readonly code: PeriodErrorCode,
    message: string,
    field?: string,
  ) {
    super(message, field);
  }
}

/** The database's refusal (trigger `journal_entries_period_open`) as a PeriodError; anything else unchanged. */
export function periodRefusal(error: unknown): unknown {
  const constraint = (error as { constraint?: string; driverError?: { constraint?: string } } | null) ?? {};
  const name = constraint.constraint ?? constraint.driverError?.constraint;
  if (name === 'journal_entries_period_open') {
    return new PeriodError(PeriodErrorCode.Closed, (error as Error).message);
  }
  return error;
}
