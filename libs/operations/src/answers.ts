import { OperationError, OperationErrorCode } from './errors';

export interface OperationAnswer {
  /** The answer in the gateway's wire shape (the `/api/init` body; REST derives its own from it). */
  body: Record<string, unknown>;
  /** A stored answer replayed to an identical repeat. */
  replayed: boolean;
}

export function inProgress(): OperationError {
  return new OperationError(
    OperationErrorCode.OrderInProgress,
    'the outcome is not known yet; query the order',
    'order_id',
  );
}

export function gatewayUnavailable(): OperationError {
  return new OperationError(
    OperationErrorCode.GatewayUnavailable,
    'the gateway is unavailable; nothing was done',
  );
}
