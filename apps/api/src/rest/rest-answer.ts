import { type CommandName, commands, readAnswer } from '@tixclear/gateway-client';
import { OperationError, operationErrorAnswers } from '@tixclear/operations';
import { RestError, RestErrorCode, restErrorStatus } from './rest-errors';

/** A REST answer before it is sent (and, when final, stored for its idempotency key). */
export interface RestAnswer {
  status: number;
  body: Record<string, unknown>;
  /** Where the order is read (202 and 201 answers). */
  location?: string;
  /** For metrics: `succeeded`, `refused` (by the gateway), `pending` or the error code. */
  outcome: string;
}

/**
 * The one place where a REST outcome becomes a status and a body:
 * - the gateway's success → `{ data }` (201 for a new operation, 200 for a query or an order replayed);
 * - the gateway's refusal → 422 `GATEWAY_REFUSED` with its `gateway_code`;
 * - an operation error → its status from `operationErrorAnswers`; `ORDER_IN_PROGRESS` (202) is no error but
 *   an outcome not known yet: `{ status: 'pending' }` with the order's URL;
 * - anything else → 500 `INTERNAL` (and `expected: false`, for the caller to log).
 */
export function answerForBody(
  command: CommandName,
  body: Record<string, unknown>,
  options: { status: 200 | 201; location?: string },
): RestAnswer {
  // The client's own reading of the command's answer: our answers are gateway-shaped.
  const verdict = readAnswer(commands[command].answer, body);
  if (verdict.ok) {
    return { status: options.status, body: { data: body }, location: options.location, outcome: 'succeeded' };
  }
  return {
    status: restErrorStatus.GATEWAY_REFUSED,
    body: {
      error: {
        code: RestErrorCode.GatewayRefused,
        gateway_code: verdict.gatewayCode ?? '',
        message: verdict.gatewayMessage || 'the gateway refused the request',
      },
      data: body,
    },
    outcome: 'refused',
  };
}

export function answerForError(error: unknown, location?: string): { answer: RestAnswer; expected: boolean } {
  if (error instanceof OperationError) {
    const status = operationErrorAnswers[error.code].httpStatus;
    if (status === 202) {
      return {
        answer: { status, body: { status: 'pending', message: error.message }, location, outcome: 'pending' },
        expected: true,
      };
    }
    return { answer: errorAnswer(status, error.code, error.message, error.field), expected: true };
  }
  if (error instanceof RestError) {
    return { answer: errorAnswer(error.status, error.code, error.message, error.field), expected: true };
  }
  return {
    answer: errorAnswer(500, RestErrorCode.Internal, 'internal error; quote the X-Request-Id'),
    expected: false,
  };
}

export function errorAnswer(status: number, code: string, message: string, field?: string): RestAnswer {
  return {
    status,
    body: { error: { code, ...(field ? { field } : {}), message } },
    outcome: code,
  };
}

/**
 * Whether an answer is final for its request, and so replayed to a repeat of its idempotency key. Answers that
 * a retry may change are not kept (the key is released): pending outcomes, a voucher busy with another
 * operation, an unavailable gateway, our own 5xx. Retrying them is safe: the operation itself is idempotent
 * on (partner, order_id).
 */
export function isFinal(answer: RestAnswer): boolean {
  if (answer.status === 202 || answer.status >= 500) return false;
  return answer.outcome !== 'VOUCHER_UNAVAILABLE' && answer.outcome !== 'ORDER_IN_PROGRESS';
}
