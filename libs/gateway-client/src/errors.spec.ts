import { DomainError } from '@tixclear/domain';
import {
  certainlyNotSent,
  errnoOf,
  NOT_SENT_REASONS,
  FAILURE_REASONS,
  GatewayError,
  gatewayErrorFrom,
  GatewayInvalidResponseError,
  GatewayOutcomeUnknownError,
  GatewayRejectedError,
  GatewayRequestInvalidError,
  GatewayUnavailableError,
  type GatewayErrorContext,
  type GatewayFailure,
} from './errors';
import { RETRY_TABLE } from './retry-policy';

const mutating: GatewayErrorContext = {
  command: 'vouchertransaction',
  cmd: 'api/vouchertransaction',
  merchantUid: '289151880142',
  mutating: true,
  attempt: 1,
};
const query: GatewayErrorContext = {
  ...mutating,
  command: 'voucherquery',
  cmd: 'api/voucherquery',
  mutating: false,
};

const network = (errno: string | undefined, connected?: boolean): GatewayFailure => ({
  kind: 'network',
  errno,
  cause: new Error('x'),
  connected,
});
const answer = (verdict: 'system_error' | 'rejected' | 'unexpected', code: string): GatewayFailure => ({
  kind: 'answer',
  verdict,
  level: 'outer',
  gatewayCode: code,
  gatewayMessage: 'msg',
  body: { code, msg: 'msg' },
});

/** [failure, context, class, code, reason, mayHaveCommitted] */
type ErrorClass = abstract new (...args: never[]) => GatewayError;
const rows: [string, GatewayFailure, GatewayErrorContext, ErrorClass, string, string, boolean][] = [
  [
    'invalid request',
    { kind: 'request_invalid', issues: [{ field: 'cost', message: 'm', rule: 'R' }] },
    mutating,
    GatewayRequestInvalidError,
    'GATEWAY_REQUEST_INVALID',
    'request_invalid',
    false,
  ],
  [
    'mode',
    { kind: 'mode_not_supported', mode: 'agent' },
    mutating,
    GatewayRequestInvalidError,
    'GATEWAY_REQUEST_INVALID',
    'mode_not_supported',
    false,
  ],
  [
    'no key',
    { kind: 'encryption_failed', cause: new Error('k') },
    mutating,
    GatewayRequestInvalidError,
    'GATEWAY_REQUEST_INVALID',
    'encryption_failed',
    false,
  ],
  [
    'ECONNREFUSED',
    network('ECONNREFUSED'),
    mutating,
    GatewayUnavailableError,
    'GATEWAY_UNAVAILABLE',
    'connection_refused',
    false,
  ],
  [
    'EHOSTUNREACH before any connection',
    network('EHOSTUNREACH', false),
    mutating,
    GatewayUnavailableError,
    'GATEWAY_UNAVAILABLE',
    'connection_refused',
    false,
  ],
  [
    'EHOSTUNREACH, the transport cannot tell whether a connection was open',
    network('EHOSTUNREACH'),
    mutating,
    GatewayOutcomeUnknownError,
    'GATEWAY_OUTCOME_UNKNOWN',
    'connection_lost',
    true,
  ],
  [
    'EHOSTUNREACH on an open connection',
    network('EHOSTUNREACH', true),
    mutating,
    GatewayOutcomeUnknownError,
    'GATEWAY_OUTCOME_UNKNOWN',
    'connection_lost',
    true,
  ],
  [
    'a reset before any connection opened (TLS handshake)',
    network('ECONNRESET', false),
    mutating,
    GatewayUnavailableError,
    'GATEWAY_UNAVAILABLE',
    'connect_failed',
    false,
  ],
  [
    'a reset on an open (or reused keep-alive) connection',
    network('ECONNRESET', true),
    mutating,
    GatewayOutcomeUnknownError,
    'GATEWAY_OUTCOME_UNKNOWN',
    'connection_lost',
    true,
  ],
  [
    'a timeout before any connection opened',
    { kind: 'timeout', cause: null, connected: false },
    mutating,
    GatewayUnavailableError,
    'GATEWAY_UNAVAILABLE',
    'connect_timeout',
    false,
  ],
  [
    'a timeout once connected',
    { kind: 'timeout', cause: null, connected: true },
    mutating,
    GatewayOutcomeUnknownError,
    'GATEWAY_OUTCOME_UNKNOWN',
    'timeout',
    true,
  ],
  [
    'ENOTFOUND',
    network('ENOTFOUND'),
    mutating,
    GatewayUnavailableError,
    'GATEWAY_UNAVAILABLE',
    'dns_failure',
    false,
  ],
  [
    'EAI_AGAIN',
    network('EAI_AGAIN'),
    query,
    GatewayUnavailableError,
    'GATEWAY_UNAVAILABLE',
    'dns_failure',
    false,
  ],
  [
    'connect timeout',
    network('UND_ERR_CONNECT_TIMEOUT'),
    mutating,
    GatewayUnavailableError,
    'GATEWAY_UNAVAILABLE',
    'connect_timeout',
    false,
  ],
  [
    'bad certificate',
    network('CERT_HAS_EXPIRED'),
    mutating,
    GatewayUnavailableError,
    'GATEWAY_UNAVAILABLE',
    'tls_failure',
    false,
  ],
  [
    'reset, mutating',
    network('ECONNRESET'),
    mutating,
    GatewayOutcomeUnknownError,
    'GATEWAY_OUTCOME_UNKNOWN',
    'connection_lost',
    true,
  ],
  [
    'EPIPE, mutating',
    network('EPIPE'),
    mutating,
    GatewayOutcomeUnknownError,
    'GATEWAY_OUTCOME_UNKNOWN',
    'connection_lost',
    true,
  ],
  [
    'socket, mutating',
    network('UND_ERR_SOCKET'),
    mutating,
    GatewayOutcomeUnknownError,
    'GATEWAY_OUTCOME_UNKNOWN',
    'connection_lost',
    true,
  ],
  [
    'no errno, mutating',
    network(undefined),
    mutating,
    GatewayOutcomeUnknownError,
    'GATEWAY_OUTCOME_UNKNOWN',
    'connection_lost',
    true,
  ],
  [
    'reset, query',
    network('ECONNRESET'),
    query,
    GatewayUnavailableError,
    'GATEWAY_UNAVAILABLE',
    'connection_lost',
    true,
  ],
  [
    'timeout, mutating',
    { kind: 'timeout', cause: null },
    mutating,
    GatewayOutcomeUnknownError,
    'GATEWAY_OUTCOME_UNKNOWN',
    'timeout',
    true,
  ],
  [
    'timeout, query',
    { kind: 'timeout', cause: null },
    query,
    GatewayUnavailableError,
    'GATEWAY_UNAVAILABLE',
    'timeout',
    true,
  ],
  [
    'aborted, mutating',
    { kind: 'aborted', cause: null },
    mutating,
    GatewayOutcomeUnknownError,
    'GATEWAY_OUTCOME_UNKNOWN',
    'aborted',
    true,
  ],
  [
    'aborted, query',
    { kind: 'aborted', cause: null },
    query,
    GatewayUnavailableError,
    'GATEWAY_UNAVAILABLE',
    'aborted',
    true,
  ],
  [
    'HTTP 429',
    { kind: 'http_status', status: 429, retryAfterMs: 2000 },
    mutating,
    GatewayUnavailableError,
    'GATEWAY_UNAVAILABLE',
    'rate_limited',
    true,
  ],
  [
    'HTTP 500',
    { kind: 'http_status', status: 500 },
    mutating,
    GatewayUnavailableError,
    'GATEWAY_UNAVAILABLE',
    'http_5xx',
    true,
  ],
  [
    'HTTP 503',
    { kind: 'http_status', status: 503 },
    query,
    GatewayUnavailableError,
    'GATEWAY_UNAVAILABLE',
    'http_5xx',
    true,
  ],
  [
    'HTTP 404',
    { kind: 'http_status', status: 404 },
    mutating,
    GatewayUnavailableError,
    'GATEWAY_UNAVAILABLE',
    'http_status',
    true,
  ],
  [
    'HTTP 302 left unfollowed',
    { kind: 'http_status', status: 302 },
    mutating,
    GatewayUnavailableError,
    'GATEWAY_UNAVAILABLE',
    'http_status',
    true,
  ],
  [
    'outer 400',
    answer('system_error', '400'),
    mutating,
    GatewayUnavailableError,
    'GATEWAY_UNAVAILABLE',
    'system_error',
    true,
  ],
  [
    'outer 100',
    answer('rejected', '100'),
    mutating,
    GatewayRejectedError,
    'GATEWAY_REJECTED',
    'rejected',
    false,
  ],
  ['B500', answer('rejected', 'B500'), mutating, GatewayRejectedError, 'GATEWAY_REJECTED', 'rejected', false],
  [
    'a refusal (the duplicate order id) on the second attempt of a mutation',
    answer('rejected', '100'),
    { ...mutating, attempt: 2 },
    GatewayOutcomeUnknownError,
    'GATEWAY_OUTCOME_UNKNOWN',
    'refused_on_retry',
    true,
  ],
  [
    'a refusal on the second attempt of a query',
    answer('rejected', 'B500'),
    { ...query, attempt: 2 },
    GatewayRejectedError,
    'GATEWAY_REJECTED',
    'rejected',
    false,
  ],
  [
    'inner 300',
    { ...answer('rejected', '300'), level: 'inner' } as GatewayFailure,
    mutating,
    GatewayRejectedError,
    'GATEWAY_REJECTED',
    'rejected',
    false,
  ],
  [
    'unknown code',
    answer('unexpected', '999'),
    mutating,
    GatewayInvalidResponseError,
    'GATEWAY_INVALID_RESPONSE',
    'unexpected_code',
    true,
  ],
  [
    'not JSON',
    { kind: 'non_json', status: 200, body: '<html>' },
    mutating,
    GatewayInvalidResponseError,
    'GATEWAY_INVALID_RESPONSE',
    'non_json',
    true,
  ],
  [
    'schema',
    { kind: 'schema_mismatch', issues: [{ field: 'uid', message: 'm', rule: 'invalid_type' }], body: {} },
    mutating,
    GatewayInvalidResponseError,
    'GATEWAY_INVALID_RESPONSE',
    'schema_mismatch',
    true,
  ],
];

describe('gatewayErrorFrom', () => {
  it.each(rows)('%s', (_name, failure, context, Class, code, reason, mayHaveCommitted) => {
    const error = gatewayErrorFrom(failure, context);
    expect(error).toBeInstanceOf(Class);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe(code);
    expect(error.reason).toBe(reason);
    expect(error.mayHaveCommitted).toBe(mayHaveCommitted);
    expect(error.command).toBe(context.command);
    expect(error.merchantUid).toBe('289151880142');
    expect(error.name).toBe(Class.name);
  });

  it('covers every failure reason', () => {
    const covered = new Set(rows.map((row) => row[5]));
    expect([...covered].sort()).toEqual([...FAILURE_REASONS].sort());
  });

  it('carries the gateway code and message of an answer', () => {
    const error = gatewayErrorFrom(answer('rejected', 'B500'), mutating);
    expect(error.gatewayCode).toBe('B500');
    expect(error.gatewayMessage).toBe('msg');
    expect(error.body).toEqual({ code: 'B500', msg: 'msg' });
  });

  it('names the field of an invalid request and keeps the 429 Retry-After', () => {
    const invalid = gatewayErrorFrom(rows[0]![1], mutating);
    expect(invalid.field).toBe('cost');
    expect(invalid.issues).toHaveLength(1);
    const limited = gatewayErrorFrom({ kind: 'http_status', status: 429, retryAfterMs: 2000 }, mutating);
    expect(limited.retryAfterMs).toBe(2000);
    expect(limited.httpStatus).toBe(429);
  });

  it('never declares "not committed" for a reason the retry table would retry a mutation on unless it is certain', () => {
    for (const [, failure, context] of rows) {
      const error = gatewayErrorFrom(failure, { ...context, mutating: true });
      if (RETRY_TABLE[error.reason].mutating === 'retry') expect(error.mayHaveCommitted).toBe(false);
    }
  });

  it('says "never sent" only of a failure to open a connection, never of an answer of any kind', () => {
    const notSent = rows.filter(([, failure, context]) =>
      certainlyNotSent(gatewayErrorFrom(failure, context)),
    );
    for (const [, failure] of notSent) expect(['network', 'timeout']).toContain(failure.kind);
    expect(new Set(notSent.map((row) => row[5]))).toEqual(new Set(NOT_SENT_REASONS));
    for (const status of [301, 302, 400, 403, 404, 408, 413, 429]) {
      expect(certainlyNotSent(gatewayErrorFrom({ kind: 'http_status', status }, mutating))).toBe(false);
    }
  });
});

describe('errnoOf', () => {
  it('finds the code on the error, its cause, or an AggregateError', () => {
    expect(errnoOf(Object.assign(new Error('x'), { code: 'EPIPE' }))).toBe('EPIPE');
    expect(
      errnoOf(
        new TypeError('fetch failed', { cause: Object.assign(new Error('c'), { code: 'ECONNREFUSED' }) }),
      ),
    ).toBe('ECONNREFUSED');
    const aggregate = new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' })]);
    expect(errnoOf(new TypeError('fetch failed', { cause: aggregate }))).toBe('ECONNREFUSED');
    expect(errnoOf('nope')).toBeUndefined();
  });
});
