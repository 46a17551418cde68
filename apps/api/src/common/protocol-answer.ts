import { operationErrorAnswers, OperationError } from '@tixclear/operations';

/** A gateway-shaped answer: `code` and `msg`, plus the command's fields. */
export type ProtocolAnswer = Record<string, unknown> & { code: string; msg?: string };

/**
 * The one place where an error becomes a protocol answer: a typed operation error maps through its table;
 * anything else is our fault, logged by the caller, and answered as the gateway answers its own failures.
 */
export function protocolAnswerFor(error: unknown): { answer: ProtocolAnswer; expected: boolean } {
  if (error instanceof OperationError) {
    const { protocolCode } = operationErrorAnswers[error.code];
    return {
      answer: {
        code: protocolCode,
        msg: error.field ? `${error.field}: ${error.message}` : error.message,
        ...(error.field ? { field: error.field } : {}),
        error_code: error.code,
      },
      expected: true,
    };
  }
  return { answer: { code: '400', msg: 'system error', error_code: 'INTERNAL' }, expected: false };
}
