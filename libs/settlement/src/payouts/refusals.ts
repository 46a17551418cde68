import { raiseOperatorItem, resolveOperatorItem } from '@tixclear/db';
import type { EntityManager } from 'typeorm';
import { groupIdFor } from './ids';
import { moveItem, type BatchRow, type ItemRow } from './records';

/*
 * Items the gateway refused at creation. A refusal that names no item (outer `100`/`B500` for one payee account
 * it does not accept) is searched out one revision at a time: each leaves one pending item out, in item order,
 * and its group_id is derived from the item it leaves out, so the row alone says what the revision sends.
 * Every earlier revision was refused and then confirmed absent (explicit not-found) before the next was formed,
 * so no item is on its way twice.
 */

/** The pending item this revision of the batch leaves out, if it is a searching revision. */
export function leftOutOf(batch: BatchRow, items: readonly ItemRow[]): ItemRow | undefined {
  if (batch.revision === 0) return undefined;
  return items.find(
    (item) =>
      item.state === 'pending' &&
      groupIdFor(batch.runId, batch.payingMerchant, batch.revision, item.itemId) === batch.groupId,
  );
}

/**
 * A pending item the gateway would not take becomes an exception, its payables still held by it (never freed
 * for the next run, which would be refused again), with an operator item in the same transaction.
 */
export async function refuseItem(
  tx: EntityManager,
  batch: BatchRow,
  item: ItemRow,
  code: string,
  why: string,
  now: Date,
): Promise<void> {
  if (!(await moveItem(tx, item.id, 'pending', 'exception', now, { code: code.slice(0, 10), message: why })))
    return;
  await raiseOperatorItem(tx, {
    kind: 'payout_item_refused',
    reference: item.itemId,
    details: {
      itemId: item.itemId,
      party: item.party,
      payeeAccount: item.payeeAccount,
      amount: item.amount,
      groupId: batch.groupId,
      runId: batch.runId,
      payingMerchant: batch.payingMerchant,
      code,
      why,
    },
  });
}

/** An operator's command took the item out of `exception`: its `payout_item_refused` item, if any, is resolved. */
export async function closeRefusal(tx: EntityManager, itemId: string, action: string): Promise<void> {
  const [open] = await tx.query<{ id: string }[]>(
    `SELECT id FROM operator_items WHERE kind = 'payout_item_refused' AND reference = $1 AND state = 'open'`,
    [itemId],
  );
  if (open) await resolveOperatorItem(tx, open.id, { by: 'payout exception command', action });
}
