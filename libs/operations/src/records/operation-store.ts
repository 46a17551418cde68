import { publicRandomBytes } from '@tixclear/crypto';
import { OperationEntity, type OperationKind } from '@tixclear/db';
import type { EntityManager, QueryDeepPartialEntity } from 'typeorm';
import { OperationError, OperationErrorCode } from '../errors';
import { requestHash } from '../requests/request-hash';

export interface OperationIntent {
  partnerId: string;
  orderId: string;
  kind: OperationKind;
  command: string;
  request: Record<string, unknown>;
  /** The state written with the intent (`submitted` for a call made right after the commit). */
  state: string;
}

export type BeginResult =
  | { status: 'new'; operation: OperationEntity }
  | { status: 'replay'; operation: OperationEntity; response: Record<string, unknown> }
  | { status: 'in_progress'; operation: OperationEntity };

/**
 * Records an operation's intent, keyed by (partner, order_id). The unique index decides between concurrent
 * requests: exactly one insert wins; the others find the winner's row and, when their request is the same,
 * get its stored answer (or learn it is still in progress). The same order_id with other content is refused.
 */
export async function beginOperation(tx: EntityManager, intent: OperationIntent): Promise<BeginResult> {
  const hash = requestHash(intent.request);
  const inserted = await tx
    .createQueryBuilder()
    .insert()
    .into(OperationEntity)
    .values(<QueryDeepPartialEntity<OperationEntity>>{
      partnerId: intent.partnerId,
      orderId: intent.orderId,
      upstreamOrderId: newUpstreamOrderId(),
      kind: intent.kind,
      command: intent.command,
      requestHash: hash,
      request: intent.request,
      state: intent.state,
    })
    .orIgnore()
    .returning('*')
    .execute();
  const row = (inserted.raw as Record<string, unknown>[])[0];
  if (row) {
    return { status: 'new', operation: tx.getRepository(OperationEntity).create(fromRaw(row)) };
  }
  const existing = await existingOperation(tx, intent, hash);
  if (!existing) throw new Error(`operation ${intent.orderId} conflicted on insert but cannot be found`);
  return existing;
}

/**
 * The order's stored operation, for a request whose insert found it already there: its answer again (same
 * request), still in progress, or `ORDER_CONFLICT` (the same order_id with other content). Undefined when
 * there is none.
 */
export async function existingOperation(
  manager: EntityManager,
  intent: Omit<OperationIntent, 'state'>,
  hash: string,
): Promise<Exclude<BeginResult, { status: 'new' }> | undefined> {
  const existing = await manager
    .getRepository(OperationEntity)
    .findOneBy({ partnerId: intent.partnerId, orderId: intent.orderId });
  if (!existing) return undefined;
  if (existing.requestHash !== hash || existing.command !== intent.command) {
    throw new OperationError(
      OperationErrorCode.OrderConflict,
      'order_id was already used for another request',
      'order_id',
    );
  }
  return existing.response
    ? { status: 'replay', operation: existing, response: existing.response }
    : { status: 'in_progress', operation: existing };
}

/**
 * Our order id upstream: 'TX' + 24 base-36 characters of time and randomness. Alphanumeric (every command's
 * order_id rule allows it) and far below the 50-byte limit.
 */
export function newUpstreamOrderId(): string {
  const time = Date.now().toString(36).padStart(9, '0');
  const random = BigInt(`0x${publicRandomBytes(10).toString('hex')}`)
    .toString(36)
    .padStart(15, '0')
    .slice(0, 15);
  return `TX${time}${random}`.toUpperCase();
}

/** RETURNING gives snake_case columns; map them onto the entity's properties. */
function fromRaw(row: Record<string, unknown>): Partial<OperationEntity> {
  return {
    id: row.id as string,
    partnerId: row.partner_id as string,
    orderId: row.order_id as string,
    upstreamOrderId: row.upstream_order_id as string,
    kind: row.kind as OperationKind,
    command: row.command as string,
    requestHash: row.request_hash as string,
    request: row.request as Record<string, unknown>,
    state: row.state as string,
    gatewayCode: null,
    gatewayUid: null,
    gatewayKey: null,
    response: null,
    reconcileAttempts: 0,
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
    completedAt: null,
  };
}
