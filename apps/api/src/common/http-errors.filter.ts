import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { answerForError, errorAnswer, type RestAnswer } from '../rest/rest-answer';
import { RestErrorCode } from '../rest/rest-errors';
import type { ProtocolAnswer } from './protocol-answer';

/**
 * The last word on every error that reaches Nest or Fastify: malformed JSON, wrong content types, oversized
 * bodies, unknown routes, the guard's refusals, and our own bugs. Every one is answered in JSON with a code,
 * never an HTML page or a stack: the REST shape `{ error: { code, field?, message } }`, or, on the
 * gateway-compatible `/api/init`, the gateway's own shape (`code` 100, or 400 for our failures).
 */
@Catch()
export class HttpErrorsFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { answer, expected } = answerForException(exception);
    if (!expected) {
      // The logger's `err` serializer keeps type, message, code and stack only (no query parameters).
      request.log.error({ err: exception }, 'unhandled error');
    }
    if (reply.sent) return;
    if (answer.status === 401) void reply.header('www-authenticate', 'Bearer');
    const body = request.routeOptions?.url === '/api/init' ? envelopeShape(answer) : answer.body;
    void reply.status(answer.status).type('application/json; charset=utf-8').send(body);
  }
}

export function answerForException(exception: unknown): { answer: RestAnswer; expected: boolean } {
  if (exception instanceof HttpException && exception.getStatus() < 500) {
    const status = exception.getStatus();
    const { code, message } = httpRefusal(status, exception.cause);
    return { answer: errorAnswer(status, code, message), expected: true };
  }
  // Our RestErrors and OperationErrors by their tables; anything else (a 5xx included) is our fault.
  return answerForError(exception);
}

/** HTTP-level refusals (Fastify's body parsing, Nest's routing) by status, with a code of the REST table. */
function httpRefusal(status: number, cause: unknown): { code: RestErrorCode; message: string } {
  switch (status) {
    case 404:
      return { code: RestErrorCode.NotFound, message: 'no such route' };
    case 405:
      return { code: RestErrorCode.MethodNotAllowed, message: 'method not allowed on this route' };
    case 413:
      return { code: RestErrorCode.BodyTooLarge, message: 'the body is larger than the limit' };
    case 415:
      return { code: RestErrorCode.UnsupportedMediaType, message: 'unsupported content type' };
    case 400:
      return isBodyError(cause)
        ? { code: RestErrorCode.BodyInvalid, message: 'the body cannot be parsed' }
        : { code: RestErrorCode.BadRequest, message: 'malformed request' };
    default:
      return { code: RestErrorCode.BadRequest, message: 'the request was refused' };
  }
}

/** Fastify's content-type parser errors (`FST_ERR_CTP_*`) and JSON syntax errors. */
function isBodyError(cause: unknown): boolean {
  if (cause instanceof SyntaxError) return true;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('FST_ERR_CTP_');
}

function envelopeShape(answer: RestAnswer): ProtocolAnswer {
  const error = (answer.body.error ?? {}) as { code?: string; field?: string; message?: string };
  if (answer.status >= 500) return { code: '400', msg: 'system error', error_code: 'INTERNAL' };
  return {
    code: '100',
    msg: error.message ?? 'invalid request',
    ...(error.field ? { field: error.field } : {}),
    error_code: error.code ?? RestErrorCode.BadRequest,
  };
}

/**
 * Fastify's `frameworkErrors`: what it refuses before any route or hook runs (a URL that does not decode).
 * The same JSON shape and request id as everything else, and no echo of the bad URL.
 */
export function answerFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 400;
  void reply
    .header('x-request-id', request.id)
    .status(status)
    .type('application/json; charset=utf-8')
    .send(errorAnswer(status, RestErrorCode.BadRequest, 'malformed request URL').body);
}
