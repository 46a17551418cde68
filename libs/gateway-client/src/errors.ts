import { DomainError } from '@tixclear/domain';
import type { CommandName } from './commands';

/*
 * One error hierarchy, built by one factory (`gatewayErrorFrom`), so that the class, the stable `code`, the
 * fine-grained `reason` and `mayHaveCommitted` are decided in exactly one place. The retry policy and the
 * callers branch on `code`, `reason` and `mayHaveCommitted`, never on messages.
 *
 * Whether a request may have taken effect is the question that matters for a payment system. "Not sent" needs
 * evidence that no connection to the gateway was ever open for it: the connection was refused, the name did not
 * resolve, TLS failed, or the attempt ended (timeout or error) before its socket connected. Everything after that
 * may have taken effect: a timeout or a dropped connection (a reused keep-alive socket is open from the start),
 * any HTTP answer that is not a success (a 3xx, 4xx or 429 may come from a front end that forwarded the request,
 * or from the gateway after it began), an outer `400`, an answer we cannot read, and a refusal met on a retry
 * (the gateway refusing an order id an earlier attempt delivered). A false "maybe" costs a query, a false "not
 * sent" a double redemption.
 */

/** Why a call failed. Rows of the retry decision table (retry-policy.ts). */
export type FailureReason =
  | 'request_invalid'
  | 'mode_not_supported'
  | 'encryption_failed'
  | 'connection_refused'
  | 'dns_failure'
  | 'connect_timeout'
  | 'connect_failed'
  | 'tls_failure'
  | 'rate_limited'
  | 'http_5xx'
  | 'http_status'
  | 'system_error'
  | 'timeout'
  | 'connection_lost'
  | 'aborted'
  | 'rejected'
  | 'refused_on_retry'
  | 'non_json'
  | 'schema_mismatch'
  | 'unexpected_code';

export const FAILURE_REASONS: readonly FailureReason[] = [
  'request_invalid',
  'mode_not_supported',
  'encryption_failed',
  'connection_refused',
  'dns_failure',
  'connect_timeout',
  'connect_failed',
  'tls_failure',
  'rate_limited',
  'http_5xx',
  'http_status',
  'system_error',
  'timeout',
  'connection_lost',
  'aborted',
  'rejected',
  'refused_on_retry',
  'non_json',
  'schema_mismatch',
  'unexpected_code',
];

/** One problem with our own request, named by field. */
export interface GatewayIssue {
  readonly field: string;
  readonly message: string;
  /** The business rule's code (rules/*.ts), or the zod issue code for a shape problem. */
  readonly rule: string;
}

/**
 * What went wrong, as the transport and the answer reader observed it. Input of the factory. `connected`: whether
 * a connection to the gateway was open at any moment of the attempt (a reused keep-alive socket always was), so
 * that the request may have left; undefined when the transport cannot tell (fetch).
 */
export type GatewayFailure =
  | { readonly kind: 'request_invalid'; readonly issues: readonly GatewayIssue[] }
  | { readonly kind: 'mode_not_supported'; readonly mode: string }
  | { readonly kind: 'encryption_failed'; readonly cause: unknown }
  /** The exchange failed. `errno` is the system or undici code found on the error or its causes. */
  | {
      readonly kind: 'network';
      readonly errno: string | undefined;
      readonly cause: unknown;
      readonly connected?: boolean | undefined;
    }
  /** Our own per-attempt timeout fired. */
  | { readonly kind: 'timeout'; readonly cause: unknown; readonly connected?: boolean | undefined }
  /** The caller's AbortSignal fired. */
  | { readonly kind: 'aborted'; readonly cause: unknown }
  | {
      readonly kind: 'http_status';
      readonly status: number;
      readonly retryAfterMs?: number;
      readonly body?: string;
    }
  | { readonly kind: 'non_json'; readonly status: number; readonly body: string }
  | {
      readonly kind: 'answer';
      /** system_error: outer 400. rejected: 100, B500 or a declined code. unexpected: none of the known codes. */
      readonly verdict: 'system_error' | 'rejected' | 'unexpected';
      readonly level: 'outer' | 'inner';
      readonly gatewayCode: string | undefined;
      readonly gatewayMessage: string | undefined;
      readonly body: unknown;
    }
  | { readonly kind: 'schema_mismatch'; readonly issues: readonly GatewayIssue[]; readonly body: unknown };

export interface GatewayErrorContext {
  readonly command: CommandName;
  readonly cmd: string;
  readonly merchantUid: string;
  readonly mutating: boolean;
  /** Attempts made so far, this one included. */
  readonly attempt: number;
}

interface GatewayErrorInit extends GatewayErrorContext {
  readonly reason: FailureReason;
  readonly mayHaveCommitted: boolean;
  readonly gatewayCode?: string | undefined;
  readonly gatewayMessage?: string | undefined;
  readonly httpStatus?: number | undefined;
  readonly retryAfterMs?: number | undefined;
  readonly body?: unknown;
  readonly issues?: readonly GatewayIssue[] | undefined;
  readonly cause?: unknown;
}

export type GatewayErrorCode =
  | 'GATEWAY_REQUEST_INVALID'
  | 'GATEWAY_REJECTED'
  | 'GATEWAY_UNAVAILABLE'
  | 'GATEWAY_OUTCOME_UNKNOWN'
  | 'GATEWAY_INVALID_RESPONSE';

export abstract class GatewayError extends DomainError {
  abstract override readonly code: GatewayErrorCode;
  readonly reason: FailureReason;
  readonly command: CommandName;
  readonly cmd: string;
  readonly merchantUid: string;
  /** The gateway's status code, when it answered one (`100`, `B500`, `300`, `400`...). */
  readonly gatewayCode: string | undefined;
  readonly gatewayMessage: string | undefined;
  readonly httpStatus: number | undefined;
  /** True unless the request certainly did not take effect. For a mutating command: resolve before retrying. */
  readonly mayHaveCommitted: boolean;
  readonly mutating: boolean;
  readonly attempt: number;
  /** Seconds-based Retry-After of a 429, in milliseconds. */
  readonly retryAfterMs: number | undefined;
  /** The gateway's parsed answer (or raw text), for diagnosis. Answers are plain JSON and carry no key. */
  readonly body: unknown;
  readonly issues: readonly GatewayIssue[];

  /** Build errors with gatewayErrorFrom: the constructor is public only so that the factory can reach it. */
  constructor(message: string, init: GatewayErrorInit) {
    super(message, init.issues?.[0]?.field);
    this.reason = init.reason;
    this.command = init.command;
    this.cmd = init.cmd;
    this.merchantUid = init.merchantUid;
    this.gatewayCode = init.gatewayCode;
    this.gatewayMessage = init.gatewayMessage;
    this.httpStatus = init.httpStatus;
    this.mayHaveCommitted = init.mayHaveCommitted;
    this.mutating = init.mutating;
    this.attempt = init.attempt;
    this.retryAfterMs = init.retryAfterMs;
    this.body = init.body;
    this.issues = init.issues ?? [];
    if (init.cause !== undefined) this.cause = init.cause;
  }
}

/** Our request could not be built or sent as is (schema, business rules, merchant mode, no valid key). Never sent. */
export class GatewayRequestInvalidError extends GatewayError {
  readonly code = 'GATEWAY_REQUEST_INVALID';
}

/** The gateway answered and refused: outer `100`/`B500`, or a failure code such as `300`. Nothing happened. */
export class GatewayRejectedError extends GatewayError {
  readonly code = 'GATEWAY_REJECTED';
}

/**
 * The gateway could not be used: never reached (refused, DNS, TLS, before any connection opened), or an HTTP
 * status other than success, an outer `400`, or (for a query) a timeout. `mayHaveCommitted` is false only for
 * the first kind: otherwise a mutating command must be resolved.
 */
export class GatewayUnavailableError extends GatewayError {
  readonly code = 'GATEWAY_UNAVAILABLE';
}

/**
 * A mutating command timed out or lost its connection after it may have been sent, or was refused on a retry.
 * Resolve with its query.
 */
export class GatewayOutcomeUnknownError extends GatewayError {
  readonly code = 'GATEWAY_OUTCOME_UNKNOWN';
}

/** The gateway answered something we cannot read: not JSON, not the command's schema, or an unknown code. */
export class GatewayInvalidResponseError extends GatewayError {
  readonly code = 'GATEWAY_INVALID_RESPONSE';
}

/** The reasons that mean the request certainly never left: the only ones an intent may be undone on. */
export const NOT_SENT_REASONS = [
  'connection_refused',
  'dns_failure',
  'connect_timeout',
  'connect_failed',
  'tls_failure',
] as const satisfies readonly FailureReason[];
type NotSentReason = (typeof NOT_SENT_REASONS)[number];

/** Whether an error says the request certainly never left (and so cannot have taken effect). */
export function certainlyNotSent(error: GatewayError): boolean {
  return !error.mayHaveCommitted && (NOT_SENT_REASONS as readonly FailureReason[]).includes(error.reason);
}

/** Errno codes only the opening of a connection produces: by themselves evidence that nothing was written. */
const CONNECT_ERRNO: Readonly<Record<string, NotSentReason>> = {
  ECONNREFUSED: 'connection_refused',
  EADDRNOTAVAIL: 'connection_refused',
  ENOTFOUND: 'dns_failure',
  EAI_AGAIN: 'dns_failure',
  EAI_FAIL: 'dns_failure',
  EAI_NONAME: 'dns_failure',
  UND_ERR_CONNECT_TIMEOUT: 'connect_timeout',
  CERT_HAS_EXPIRED: 'tls_failure',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'tls_failure',
  SELF_SIGNED_CERT_IN_CHAIN: 'tls_failure',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'tls_failure',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'tls_failure',
  ERR_TLS_CERT_ALTNAME_INVALID: 'tls_failure',
};

/** Errno codes an open connection can meet as well: "not sent" only when the transport saw no connection open. */
const UNCONNECTED_ERRNO: Readonly<Record<string, NotSentReason>> = {
  EHOSTUNREACH: 'connection_refused',
  ENETUNREACH: 'connection_refused',
};

const MESSAGES: Readonly<Record<FailureReason, string>> = {
  request_invalid: 'The request does not satisfy its schema or rules; it was not sent.',
  mode_not_supported: 'The command is not documented for this merchant mode; it was not sent.',
  encryption_failed: 'The request could not be encrypted (no valid merchant key?); it was not sent.',
  connection_refused: 'The gateway refused the connection; the request was not sent.',
  dns_failure: "The gateway's host name did not resolve; the request was not sent.",
  connect_timeout: 'Connecting to the gateway timed out; the request was not sent.',
  connect_failed: 'The connection to the gateway could not be opened; the request was not sent.',
  tls_failure: "The gateway's TLS certificate was refused; the request was not sent.",
  rate_limited: 'The gateway answered HTTP 429; the request may have been processed.',
  http_5xx: 'The gateway answered an HTTP 5xx; the request may have been processed.',
  http_status: 'The gateway answered an unexpected HTTP status; the request may have been processed.',
  system_error: 'The gateway answered 400 (system error); the request may have been processed.',
  timeout: 'The gateway did not answer in time; the request may have been processed.',
  connection_lost: 'The connection was lost after the request may have been sent.',
  aborted: 'The call was aborted by the caller after the request may have been sent.',
  rejected: 'The gateway refused the request.',
  refused_on_retry:
    'The gateway refused a retry, perhaps the order id an earlier attempt delivered; the request may have been processed.',
  non_json: 'The gateway answered something that is not JSON.',
  schema_mismatch: "The gateway's answer does not match the command's schema.",
  unexpected_code: 'The gateway answered a status code this command does not define.',
};

/** Which error a failure is. The only place that decides class, reason and mayHaveCommitted. */
export function gatewayErrorFrom(failure: GatewayFailure, context: GatewayErrorContext): GatewayError {
  const build = (
    Class: new (message: string, init: GatewayErrorInit) => GatewayError,
    reason: FailureReason,
    mayHaveCommitted: boolean,
    extra: Partial<GatewayErrorInit> = {},
  ): GatewayError => {
    const detail = extra.gatewayCode === undefined ? '' : ` [${extra.gatewayCode}]`;
    return new Class(`${context.cmd}: ${MESSAGES[reason]}${detail}`, {
      ...context,
      ...extra,
      reason,
      mayHaveCommitted,
    });
  };
  // Lost in flight: for a command that changes state this is an unknown outcome, for a query plain unavailability.
  const inFlight = context.mutating ? GatewayOutcomeUnknownError : GatewayUnavailableError;

  switch (failure.kind) {
    case 'request_invalid':
      return build(GatewayRequestInvalidError, 'request_invalid', false, { issues: failure.issues });
    case 'mode_not_supported':
      return build(GatewayRequestInvalidError, 'mode_not_supported', false);
    case 'encryption_failed':
      return build(GatewayRequestInvalidError, 'encryption_failed', false, { cause: failure.cause });
    case 'network': {
      const notSent = notSentReason(failure.errno, failure.connected);
      return notSent === undefined
        ? build(inFlight, 'connection_lost', true, { cause: failure.cause })
        : build(GatewayUnavailableError, notSent, false, { cause: failure.cause });
    }
    case 'timeout':
      // Timed out before any connection opened: nothing can have been written.
      if (failure.connected === false)
        return build(GatewayUnavailableError, 'connect_timeout', false, { cause: failure.cause });
      return build(inFlight, 'timeout', true, { cause: failure.cause });
    case 'aborted':
      return build(inFlight, 'aborted', true, { cause: failure.cause });
    case 'http_status':
      // An HTTP answer means the request was written. Seed 001 (1.0.6) gives 429 for an exchange over 5 s, never
      // "not processed"; a 3xx or 4xx may come from a front end that forwarded it: all may have committed.
      if (failure.status === 429) {
        return build(GatewayUnavailableError, 'rate_limited', true, {
          httpStatus: 429,
          retryAfterMs: failure.retryAfterMs,
          body: failure.body,
        });
      }
      if (failure.status >= 500) {
        return build(GatewayUnavailableError, 'http_5xx', true, {
          httpStatus: failure.status,
          body: failure.body,
        });
      }
      return build(GatewayUnavailableError, 'http_status', true, {
        httpStatus: failure.status,
        body: failure.body,
      });
    case 'non_json':
      return build(GatewayInvalidResponseError, 'non_json', true, {
        httpStatus: failure.status,
        body: failure.body,
      });
    case 'answer': {
      const extra = {
        gatewayCode: failure.gatewayCode,
        gatewayMessage: failure.gatewayMessage,
        body: failure.body,
      };
      if (failure.verdict === 'system_error')
        return build(GatewayUnavailableError, 'system_error', true, extra);
      // A refusal on a retry may be the gateway refusing the order id an earlier attempt delivered (its
      // duplicate check): for a command that changes state that is an unknown outcome, never a failure.
      if (failure.verdict === 'rejected' && context.mutating && context.attempt > 1)
        return build(GatewayOutcomeUnknownError, 'refused_on_retry', true, extra);
      if (failure.verdict === 'rejected') return build(GatewayRejectedError, 'rejected', false, extra);
      return build(GatewayInvalidResponseError, 'unexpected_code', true, extra);
    }
    case 'schema_mismatch':
      return build(GatewayInvalidResponseError, 'schema_mismatch', true, {
        issues: failure.issues,
        body: failure.body,
      });
  }
}

/**
 * Which "not sent" a network failure is, if any: an error only connecting produces, or any error before a
 * connection opened (the transport saw none). Once a connection was open the request may have left.
 */
function notSentReason(errno: string | undefined, connected: boolean | undefined): NotSentReason | undefined {
  if (connected === true) return undefined;
  const connecting = errno === undefined ? undefined : CONNECT_ERRNO[errno];
  if (connecting !== undefined || connected === undefined) return connecting;
  return (errno === undefined ? undefined : UNCONNECTED_ERRNO[errno]) ?? 'connect_failed';
}

/** The system or undici error code of a fetch failure: on the error, its cause, or the first of an AggregateError. */
export function errnoOf(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    const record = current as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof record.code === 'string') return record.code;
    if (Array.isArray(record.errors) && record.errors.length > 0) current = record.errors[0] as unknown;
    else current = record.cause;
  }
  return undefined;
}
