/**
 * Every error code this library raises, in one place, so that the API and the worker can map each of them
 * exhaustively (to the protocol's `100`, to an HTTP status, to an alert) and a new code fails their
 * type-check instead of slipping through as a generic 500.
 */
export const DomainErrorCode = {
  /** A money amount is not a safe integer of whole TWD (or not non-negative where that is required). */
  MoneyInvalid: 'MONEY_INVALID',
  /** Arithmetic on valid amounts left the safe-integer range: a bug or corrupt data, never user input. */
  MoneyOverflow: 'MONEY_OVERFLOW',
  /** An identifier, date or timestamp does not follow the protocol's format. */
  IdInvalid: 'ID_INVALID',
  /** A state change that the state machine does not allow. */
  IllegalTransition: 'ILLEGAL_TRANSITION',
  /** A state machine definition is inconsistent; raised when its module loads, so never in production. */
  StateMachineInvalid: 'STATE_MACHINE_INVALID',
} as const;

export type DomainErrorCode = (typeof DomainErrorCode)[keyof typeof DomainErrorCode];

export const domainErrorCodes: readonly DomainErrorCode[] = Object.freeze(Object.values(DomainErrorCode));
