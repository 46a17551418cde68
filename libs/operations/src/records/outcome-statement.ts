import type { DataSource } from 'typeorm';
import type { Completion } from './operation-recorder';
import { preparedQuery } from './prepared-query';
import { insertLinesSql, linesParameter, type NewRedemptionLine } from '../lines/redemption-lines';

/**
 * A final outcome with its redemption lines, as ONE statement (its own transaction, one round trip): what
 * `OperationRecorder.complete` + `insertRedemptionLines` + `moveHeldVouchers` write in a transaction, the same
 * rules, fewer trips.
 * - the operation is settled only from an open state (an outcome learnt twice is stored once);
 * - the partner report (outbox), the lines and the vouchers' move are written only by the statement that
 *   settled it: an operation already failed (or settled) gets no lines, so it never takes a (partner, serial)
 *   slot that a later, real redemption needs;
 * - a uid/key already stored is kept (never overwritten by a later answer).
 */
const SETTLE_WITH_LINES = `
WITH settled AS (
  UPDATE operations
  SET state = $2, gateway_code = $3, gateway_uid = coalesce(gateway_uid, $4),
    gateway_key = coalesce(gateway_key, $5), response = $6::jsonb, completed_at = $7, updated_at = now()
  WHERE id = $1 AND state = ANY($8::text[]) AND state <> $2
  RETURNING id, partner_id
), report AS (
  INSERT INTO partner_notifications (partner_id, operation_id, event, payload)
  SELECT partner_id, id, $9, $6::jsonb FROM settled
  ON CONFLICT DO NOTHING
  RETURNING id
), lines AS (
  ${insertLinesSql(`(CASE WHEN EXISTS (SELECT 1 FROM settled) THEN $10::jsonb ELSE '[]'::jsonb END)`)}
), moved AS (
  UPDATE vouchers SET state = $11, updated_at = now()
  WHERE holder_operation_id = $1 AND state = ANY($12::text[]) AND EXISTS (SELECT 1 FROM settled)
)
SELECT (SELECT count(*) FROM settled)::int AS settled, (SELECT id FROM report) AS report_id`;

export interface SettleWithLines {
  operationId: string;
  /** A final completion (with its report event); the stored answer is replaced by its body. */
  completion: Completion & { report: string };
  completedAt: Date;
  openStates: readonly string[];
  lines: readonly NewRedemptionLine[];
  /** The held vouchers' move: `[from states, to]`. */
  vouchers: readonly [readonly string[], string];
}

export async function settleWithLines(
  dataSource: DataSource,
  outcome: SettleWithLines,
): Promise<{ settled: boolean; reportId?: string }> {
  const { completion } = outcome;
  const rows = await preparedQuery<{ settled: number; report_id: string | null }>(
    dataSource,
    'tixclear_settle_with_lines',
    SETTLE_WITH_LINES,
    [
      outcome.operationId,
      completion.state,
      completion.code,
      completion.gateway?.uid || null,
      completion.gateway?.key || null,
      completion.body,
      outcome.completedAt,
      outcome.openStates,
      completion.report,
      linesParameter(outcome.lines),
      outcome.vouchers[1],
      outcome.vouchers[0],
    ],
  );
  const row = rows[0];
  if (!row || row.settled !== 1) return { settled: false };
  return { settled: true, ...(row.report_id ? { reportId: row.report_id } : {}) };
}
