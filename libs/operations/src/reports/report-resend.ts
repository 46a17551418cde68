import { OperationEntity } from '@tixclear/db';
import type { DataSource, EntityManager } from 'typeorm';

export interface ResentReport {
  /** The report's id: its `webhook-id`, the same as on its first delivery. */
  id: string;
  event: string;
}

/**
 * A partner asks for the reports of one of its orders again: each goes back to `pending` with a fresh attempt
 * budget (a report already pending stays as it is), under the same id, so the partner can tell a repeat. Null
 * when the partner has no such order (another partner's order is no such order). The caller hands the ids to
 * the queue; one lost there is `pending` in the outbox, which the worker's sweep enqueues.
 */
export async function resendReports(
  dataSource: DataSource,
  partnerId: string,
  orderId: string,
  by = 'partner',
): Promise<ResentReport[] | null> {
  const operation = await dataSource
    .getRepository(OperationEntity)
    .findOne({ select: { id: true }, where: { partnerId, orderId } });
  if (!operation) return null;
  return dataSource.transaction((tx) => resend(tx, partnerId, operation.id, by));
}

/** The reports back to pending and their flags' operator items resolved (`resent`), together. */
async function resend(
  tx: EntityManager,
  partnerId: string,
  operationId: string,
  by: string,
): Promise<ResentReport[]> {
  const [rows] = await tx.query<[ResentReport[], number]>(
    `UPDATE partner_notifications
        SET state = 'pending', attempts = CASE WHEN state = 'pending' THEN attempts ELSE 0 END,
            last_error = CASE WHEN state = 'pending' THEN last_error END, delivered_at = NULL
      WHERE operation_id = $1 AND partner_id = $2
      RETURNING id, event`,
    [operationId, partnerId],
  );
  await tx.query(
    `UPDATE operator_items SET state = 'resolved', resolved_at = now(), resolved_by = $2, resolution = 'resent'
      WHERE kind = 'partner_report_flagged' AND reference = ANY($1) AND state = 'open'`,
    [rows.map((row) => row.id), by.slice(0, 100)],
  );
  return rows.sort((a, b) => a.event.localeCompare(b.event));
}
