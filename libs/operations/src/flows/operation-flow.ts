import type { OperationEntity } from '@tixclear/db';
import { callGateway, type CallOutcome } from '@tixclear/gateway-client';
import type { DataSource, EntityManager } from 'typeorm';
import { gatewayUnavailable, inProgress, type OperationAnswer } from '../answers';
import { beginOperation, type BeginResult, type OperationIntent } from '../records/operation-store';
import type { OperationRecorder } from '../records/operation-recorder';

type Rejection = Extract<CallOutcome<unknown>, { kind: 'rejected' }>;

export interface OperationFlow<T> {
  intent: Omit<OperationIntent, 'state'>;
  /** More writes in the intent's transaction (holding or reserving vouchers); throwing refuses the request. */
  reserve?: (tx: EntityManager, operation: OperationEntity) => Promise<void>;
  /**
   * Records the intent and its reservations itself, in one transaction of its own (replacing the default
   * transaction and `reserve`): for a hot path that does it in one statement.
   */
  begin?: () => Promise<BeginResult>;
  /** The gateway call, under the operation's own upstream order id. */
  call: (operation: OperationEntity) => Promise<T>;
  /** Stores what the gateway answered; returns the partner's answer. */
  accepted: (operation: OperationEntity, answer: T) => Promise<Record<string, unknown>>;
  rejected: (operation: OperationEntity, rejection: Rejection) => Promise<Record<string, unknown>>;
  /** The state the held vouchers move to while the outcome is unknown (`[from, to]`). */
  unknownHold: readonly [string, string];
}

/**
 * The one shape of every mutating operation, intent first and outcome after:
 * 1. one transaction records the intent (idempotent on the partner's order id) and reserves what it needs;
 * 2. the gateway call, outside any transaction;
 * 3. the outcome in a second transaction: accepted, rejected, never sent (the intent is undone, so that the
 *    partner can simply retry), or unknown (its own state, settled later by a query, never guessed).
 */
export async function runOperation<T>(
  dataSource: DataSource,
  recorder: OperationRecorder,
  flow: OperationFlow<T>,
): Promise<OperationAnswer> {
  const begun = flow.begin
    ? await flow.begin()
    : await dataSource.transaction(async (tx) => {
        const result = await beginOperation(tx, { ...flow.intent, state: 'submitted' });
        if (result.status === 'new' && flow.reserve) await flow.reserve(tx, result.operation);
        return result;
      });
  if (begun.status === 'replay') return { body: begun.response, replayed: true };
  if (begun.status === 'in_progress') throw inProgress();
  const operation = begun.operation;

  const outcome = await callGateway(() => flow.call(operation));
  switch (outcome.kind) {
    case 'ok':
      return { body: await flow.accepted(operation, outcome.value), replayed: false };
    case 'rejected':
      return { body: await flow.rejected(operation, outcome), replayed: false };
    case 'not_sent':
      await dataSource.transaction((tx) => recorder.undoIntent(tx, operation));
      throw gatewayUnavailable();
    case 'unknown': {
      const [from, to] = flow.unknownHold;
      await dataSource.transaction((tx) => recorder.markUnknown(tx, operation, from, to));
      throw inProgress();
    }
  }
}
