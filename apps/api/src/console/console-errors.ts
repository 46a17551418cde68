import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import { OperatorAccountError, PasswordPolicyError } from '@tixclear/db';
import { DomainError } from '@tixclear/domain';
import { OperationError } from '@tixclear/operations';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { answerForException } from '../common/http-errors.filter';
import { errorAnswer } from '../rest/rest-answer';

/** The operator API's own refusals, each with its one HTTP status; answered `{ error: { code, field?, message } }`. */
export const ConsoleErrorCode = {
  /** No session cookie, or one that is unknown, expired, idle too long, or of a disabled operator. */
  Unauthenticated: 'UNAUTHENTICATED',
  /** Wrong name or password (one answer for both), or an operator without a password or disabled. */
  SignInFailed: 'SIGN_IN_FAILED',
  /** Too many failed sign-ins for this name or from this address in the last minute. */
  RateLimited: 'RATE_LIMITED',
  /** A one-time link unknown, used already, or expired (one answer for all three). */
  LinkInvalid: 'LINK_INVALID',
  /** The operator's role does not grant what the route needs. */
  RoleForbidden: 'ROLE_FORBIDDEN',
  /** A state-changing call without the session's X-CSRF-Token, or with another one. */
  CsrfInvalid: 'CSRF_INVALID',
  /** A state-changing call whose Origin (or Referer) is not this API's. */
  OriginForbidden: 'ORIGIN_FORBIDDEN',
  BodyInvalid: 'BODY_INVALID',
  NotFound: 'NOT_FOUND',
  /** The action conflicts with the subject's state (already resolved, not awaiting it, a run is busy…). */
  Conflict: 'CONFLICT',
} as const;
export type ConsoleErrorCode = (typeof ConsoleErrorCode)[keyof typeof ConsoleErrorCode];

const statusOf: { readonly [C in ConsoleErrorCode]: number } = {
  UNAUTHENTICATED: 401,
  SIGN_IN_FAILED: 401,
  RATE_LIMITED: 429,
  LINK_INVALID: 410,
  ROLE_FORBIDDEN: 403,
  CSRF_INVALID: 403,
  ORIGIN_FORBIDDEN: 403,
  BODY_INVALID: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
};

export class ConsoleError extends Error {
  constructor(
    readonly code: ConsoleErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ConsoleError';
  }

  get status(): number {
    return statusOf[this.code];
  }
}

/**
 * The status of a library's typed refusal met by an operator action (HoldError, PayoutError, an account's;
 * OperationErrors keep the REST door's table):
 * its own code is kept in the answer; `*_NOT_FOUND` is 404, a refused input 400, any other refusal 409.
 */
function libraryRefusal(error: unknown): { status: number; code: string; field?: string } | undefined {
  if (
    (error instanceof DomainError && !(error instanceof OperationError)) ||
    error instanceof OperatorAccountError ||
    error instanceof PasswordPolicyError
  ) {
    const field = (error as { field?: string }).field;
    const status = error.code.endsWith('NOT_FOUND')
      ? 404
      : error.code.endsWith('_REQUIRED') ||
          error.code.endsWith('_INVALID') ||
          error.code === 'PASSWORD_POLICY'
        ? 400
        : 409;
    return { status, code: error.code, ...(field ? { field } : {}) };
  }
  return undefined;
}

/** The answer to any error of an operator route: ours and the libraries' by code, the rest as the app's. */
export function consoleAnswer(error: unknown): {
  status: number;
  body: Record<string, unknown>;
  expected: boolean;
} {
  if (error instanceof ConsoleError) {
    const answer = errorAnswer(error.status, error.code, error.message, error.field);
    return { status: answer.status, body: answer.body, expected: true };
  }
  const refusal = libraryRefusal(error);
  if (refusal) {
    const answer = errorAnswer(refusal.status, refusal.code, (error as Error).message, refusal.field);
    return { status: answer.status, body: answer.body, expected: true };
  }
  const { answer, expected } = answerForException(error);
  return { status: answer.status, body: answer.body, expected };
}

/** The operator API's filter (before the app's): the same JSON shape, with the console's codes. */
@Catch()
export class ConsoleErrorsFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body, expected } = consoleAnswer(exception);
    if (!expected) request.log.error({ err: exception }, 'unhandled error');
    if (reply.sent) return;
    void reply
      .status(status)
      .header('cache-control', 'no-store')
      .type('application/json; charset=utf-8')
      .send(body);
  }
}
