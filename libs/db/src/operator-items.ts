import type { EntityManager } from 'typeorm';
import { OperatorItemEntity, type OperatorItemKind } from './entities/operator-item.entity';

export interface OperatorItemRaise {
  kind: OperatorItemKind;
  reference: string;
  partnerId?: string | null;
  details: Record<string, unknown>;
}

/**
 * Puts an item on the operators' queue, once: while an item of that kind and reference is open, raising it
 * again changes nothing. Call it inside the transaction that meets the situation, so that the item and the
 * state it describes commit together. Returns whether this call raised it.
 */
export async function raiseOperatorItem(manager: EntityManager, item: OperatorItemRaise): Promise<boolean> {
  const rows = await manager.query<{ id: string }[]>(
    `INSERT INTO operator_items (kind, reference, partner_id, details)
     VALUES ($1, $2, $3, $4::jsonb)
     ON CONFLICT (kind, reference) WHERE state = 'open' DO NOTHING
     RETURNING id`,
    [item.kind, item.reference, item.partnerId ?? null, JSON.stringify(item.details)],
  );
  return rows.length > 0;
}

/**
 * Closes an open item with the action a person took; false when there is no such open item (already closed,
 * or never raised), so that two people acting at once cannot both act.
 */
export async function resolveOperatorItem(
  manager: EntityManager,
  id: string,
  resolution: { by: string; action: string },
): Promise<boolean> {
  const result = await manager
    .createQueryBuilder()
    .update(OperatorItemEntity)
    .set({
      state: 'resolved',
      resolvedAt: () => 'now()',
      resolvedBy: resolution.by,
      resolution: resolution.action,
    })
    .where("id = :id AND state = 'open'", { id })
    .execute();
  return result.affected === 1;
}
