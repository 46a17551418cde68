/**
 * The REST door's own error codes (the operation codes of `@tixclear/operations` come on top), each with its
 * one HTTP status. Thrown as RestError by the HTTP layer only (guard, headers, body); services never throw them.
 */
export const RestErrorCode = {
  /** No `Authorization: Bearer <key>`, or a key that is unknown or revoked. */
  Unauthenticated: 'UNAUTHENTICATED',
  /** A POST without an `Idempotency-Key` header. */
  IdempotencyKeyRequired: 'IDEMPOTENCY_KEY_REQUIRED',
  /** An `Idempotency-Key` that is not 1–100 printable ASCII characters. */
  IdempotencyKeyInvalid: 'IDEMPOTENCY_KEY_INVALID',
  /** The key was used before with another request (other body or other endpoint). */
  IdempotencyKeyReused: 'IDEMPOTENCY_KEY_REUSED',
  /** A request with this key is still being answered. */
  IdempotencyKeyInProgress: 'IDEMPOTENCY_KEY_IN_PROGRESS',
  /** The gateway answered and refused (its own code in `gateway_code`). */
  GatewayRefused: 'GATEWAY_REFUSED',
  /** The body is not valid JSON, or not the JSON object expected. */
  BodyInvalid: 'BODY_INVALID',
  BodyTooLarge: 'BODY_TOO_LARGE',
  UnsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  NotFound: 'NOT_FOUND',
  /** A resend for an order that has no report yet (its outcome is not final). */
  ReportNotFound: 'REPORT_NOT_FOUND',
  MethodNotAllowed: 'METHOD_NOT_ALLOWED',
  /** Any other refusal of the HTTP request itself (headers, URL). */
  BadRequest: 'BAD_REQUEST',
  /** Our fault: logged with the request id. */
  Internal: 'INTERNAL',
} as const;
export type RestErrorCode = (typeof RestErrorCode)[keyof typeof RestErrorCode];

export const restErrorStatus: { readonly [C in RestErrorCode]: number } = {
  UNAUTHENTICATED: 401,
  IDEMPOTENCY_KEY_REQUIRED: 400,
  IDEMPOTENCY_KEY_INVALID: 400,
  IDEMPOTENCY_KEY_REUSED: 409,
  IDEMPOTENCY_KEY_IN_PROGRESS: 409,
  GATEWAY_REFUSED: 422,
  BODY_INVALID: 400,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  NOT_FOUND: 404,
  REPORT_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  BAD_REQUEST: 400,
  INTERNAL: 500,
};

export class RestError extends Error {
  constructor(
    readonly code: RestErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'RestError';
  }

  get status(): number {
    return restErrorStatus[this.code];
  }
}
