/**
 * The root of every typed error the engine raises on purpose. `code` is stable (clients and tests branch on
 * it, never on the message); `field` names the offending input field when there is one, so that the API can
 * answer the protocol's `100` with the field named.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  readonly field: string | undefined;

  protected constructor(message: string, field?: string) {
    super(message);
    this.name = new.target.name;
    this.field = field;
  }
}
