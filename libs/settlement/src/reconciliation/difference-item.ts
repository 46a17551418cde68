import type { EntityManager } from 'typeorm';
import { raiseOperatorItem } from '@tixclear/db';

/**
 * A reconciliation's `books_gateway_difference` item for `reference`, in the transaction that stores the
 * result: no differences (`details` null) resolves an open one; differences raise one, or refresh the details
 * of the one still open (never a second item for the same reference).
 */
export async function settleDifferenceItem(
  tx: EntityManager,
  reference: string,
  details: Record<string, unknown> | null,
): Promise<void> {
  if (details === null) {
    await tx.query(
      `UPDATE operator_items SET state = 'resolved', resolved_at = now(), resolved_by = 'reconciliation',
              resolution = 'reconciled'
        WHERE kind = 'books_gateway_difference' AND reference = $1 AND state = 'open'`,
      [reference],
    );
    return;
  }
  if (!(await raiseOperatorItem(tx, { kind: 'books_gateway_difference', reference, details })))
    await tx.query(
      `UPDATE operator_items SET details = $2::jsonb
        WHERE kind = 'books_gateway_difference' AND reference = $1 AND state = 'open'`,
      [reference, JSON.stringify(details)],
    );
}
