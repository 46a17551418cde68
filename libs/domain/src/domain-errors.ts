import { DomainErrorCode } from './error-codes';
import { DomainError } from './errors';

export type MoneyErrorCode = typeof DomainErrorCode.MoneyInvalid | typeof DomainErrorCode.MoneyOverflow;

/**
 * Bad money. `MONEY_INVALID` is an input problem (answer `100`, name the field); `MONEY_OVERFLOW` means sums of
 * valid amounts left the safe-integer range, which no real voucher business reaches: treat it as a bug.
 */
export class MoneyError extends DomainError {
  readonly code: MoneyErrorCode;

  constructor(code: MoneyErrorCode, message: string, field?: string) {
    super(message, field);
    this.code = code;
  }
}

/** Why an identifier was refused; lets callers and tests tell "too long" from "bad characters" without parsing messages. */
export type IdentifierProblem = 'type' | 'empty' | 'too_long' | 'charset' | 'format' | 'calendar' | 'range';

/** An identifier, date or timestamp that breaks the protocol's format. `field` is always set. */
export class InvalidIdentifierError extends DomainError {
  readonly code = DomainErrorCode.IdInvalid;
  readonly problem: IdentifierProblem;
  declare readonly field: string;

  constructor(field: string, problem: IdentifierProblem, message: string) {
    super(message, field);
    this.problem = problem;
  }
}

/**
 * A state change the machine forbids. With conditional `UPDATE ... WHERE status = from` in the database this is
 * the last line of defence: reaching it means a caller skipped a step or a gateway report arrived out of order.
 */
export class IllegalTransitionError extends DomainError {
  readonly code = DomainErrorCode.IllegalTransition;
  readonly machine: string;
  readonly from: string;
  readonly to: string;

  constructor(machine: string, from: string, to: string) {
    super(`${machine}: illegal transition ${from} -> ${to}`);
    this.machine = machine;
    this.from = from;
    this.to = to;
  }
}

/** A state machine definition that contradicts itself; thrown while its module loads. */
export class StateMachineDefinitionError extends DomainError {
  readonly code = DomainErrorCode.StateMachineInvalid;
  readonly machine: string;

  constructor(machine: string, message: string) {
    super(`${machine}: ${message}`);
    this.machine = machine;
  }
}
