import { DomainError } from '@tixclear/domain';

/**
 * Why an operation was refused or could not finish. One code per reason; `protocolCode` and `httpStatus`
 * (the two front doors' answers) come from one exhaustive table, so no service decides a status itself.
 */
export const OperationErrorCode = {
  /** The request breaks a rule of the protocol (schema, counts, serials, sharing, dates...). */
  RequestInvalid: 'REQUEST_INVALID',
  /** The same order_id was used before with other content. */
  OrderConflict: 'ORDER_CONFLICT',
  /** No such order of this partner (queries). */
  OrderNotFound: 'ORDER_NOT_FOUND',
  /** A voucher named is unknown, used, refunded or busy with another operation. */
  VoucherUnavailable: 'VOUCHER_UNAVAILABLE',
  /** The same order is still being processed by another request. */
  OrderInProgress: 'ORDER_IN_PROGRESS',
  /** The gateway did not take the request (certainly not committed): nothing changed, try again. */
  GatewayUnavailable: 'GATEWAY_UNAVAILABLE',
} as const;
export type OperationErrorCode = (typeof OperationErrorCode)[keyof typeof OperationErrorCode];

export class OperationError extends DomainError {
  constructor(
    readonly code: OperationErrorCode,
    message: string,
    field?: string,
  ) {
    super(message, field);
  }
}

interface Answer {
  /** The gateway protocol's outer code for `/api/init`. */
  protocolCode: '100' | '400' | 'B200' | 'B500';
  /** The REST API's status. */
  httpStatus: number;
}

export const operationErrorAnswers: { readonly [C in OperationErrorCode]: Answer } = {
  REQUEST_INVALID: { protocolCode: '100', httpStatus: 400 },
  ORDER_CONFLICT: { protocolCode: '100', httpStatus: 409 },
  ORDER_NOT_FOUND: { protocolCode: '100', httpStatus: 404 },
  VOUCHER_UNAVAILABLE: { protocolCode: 'B500', httpStatus: 409 },
  // Not a refusal: the order was taken and its outcome is not known yet (REST answers 202 and where to read it).
  ORDER_IN_PROGRESS: { protocolCode: 'B200', httpStatus: 202 },
  GATEWAY_UNAVAILABLE: { protocolCode: '400', httpStatus: 503 },
};
