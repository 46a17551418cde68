import { operatorItemKinds } from '@tixclear/db';
import type { DataSource } from 'typeorm';
import { z } from 'zod';

/** The queue's filters: an operator item kind, or `outcome_unknown` (open operations the gateway has not settled). */
export const UNKNOWN_OUTCOME = 'outcome_unknown';
export const queueKinds = [...operatorItemKinds, UNKNOWN_OUTCOME] as const;
export type QueueKind = (typeof queueKinds)[number];

/**
 * A keyset cursor: the last row's `created_at` (ISO, microseconds kept as PostgreSQL's text) and id, joined by
 * `_`. Pages are `(created_at, id) > cursor` on an index, never an OFFSET scan.
 */
export const cursor = z
  .string()
  .max(120)
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    'a cursor from the previous page',
  )
  // A time PostgreSQL would refuse to read (2026-02-30) is refused here, not answered 500 by the cast.
  .refine((value) => {
    const at = new Date(value.slice(0, value.indexOf('_')));
    return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 19) === value.slice(0, 19);
  }, 'a cursor from the previous page');

export const queueQuery = z.object({
  kind: z.enum(queueKinds).optional(),
  state: z.enum(['open', 'resolved']).default('open'),
  after: cursor.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type QueueQuery = z.infer<typeof queueQuery>;

export interface QueueItem {
  id: string;
  kind: string;
  reference: string;
  partner_uid: string | null;
  state: string;
  details: unknown;
  created_at: string;
  resolved_at: string | null;
  resolved_by: string | null;
  resolution: string | null;
  /** A flagged partner report's order (for its resend). */
  order_id: string | null;
}

export interface UnknownOperation {
  id: string;
  kind: string;
  command: string;
  order_id: string;
  partner_uid: string | null;
  state: string;
  created_at: string;
  age_seconds: number;
  next_check_at: string | null;
}

export interface Page<T> {
  rows: T[];
  /** The cursor of the next page, or null on the last. */
  next: string | null;
}

function split(after: string | undefined): [string | null, string | null] {
  if (!after) return [null, null];
  const at = after.lastIndexOf('_');
  return [after.slice(0, at), after.slice(at + 1)];
}

function paged<T extends { id: string; created_at: string }>(rows: T[], limit: number): Page<T> {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page.at(-1);
  return { rows: page, next: more && last ? `${last.created_at}_${last.id}` : null };
}

/** A reference as the uuid it names, or null (a reference of another shape matches nothing, never fails). */
const UUID_OF = (column: string) =>
  `(CASE WHEN ${column} ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN ${column}::uuid END)`;

/** Times as UTC ISO text, microseconds kept: a cursor built from them compares exactly. */
const ISO = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * Operator items of a state (open by default), oldest first, optionally of one kind, a page after the cursor:
 * the index `operator_items_state_idx (state, created_at)` bounds it.
 */
export async function queueItems(dataSource: DataSource, query: QueueQuery): Promise<Page<QueueItem>> {
  const [at, id] = split(query.after);
  const rows = await dataSource.query<QueueItem[]>(
    `SELECT i.id, i.kind, i.reference, p.partner_uid, i.state, i.details, ${ISO('i.created_at')} AS created_at,
            i.resolved_at, i.resolved_by, i.resolution, o.order_id
       FROM operator_items i
       LEFT JOIN partners p ON p.id = i.partner_id
       LEFT JOIN partner_notifications n
              ON i.kind = 'partner_report_flagged' AND n.id = ${UUID_OF('i.reference')}
       LEFT JOIN operations o ON o.id = n.operation_id
      WHERE i.state = $1 AND ($2::text IS NULL OR i.kind = $2)
        AND ($3::timestamptz IS NULL OR (i.created_at, i.id) > ($3::timestamptz, $4::uuid))
      ORDER BY i.created_at, i.id LIMIT $5`,
    [query.state, query.kind ?? null, at, id, query.limit + 1],
  );
  return paged(rows, query.limit);
}

/**
 * Operations whose outcome is unknown (`outcome_unknown`: only our own query decides), oldest first with their
 * age, a page after the cursor. Few by nature; the state index (`operations_state_idx`) finds them.
 */
export async function unknownOperations(
  dataSource: DataSource,
  query: Pick<QueueQuery, 'after' | 'limit'>,
): Promise<Page<UnknownOperation>> {
  const [at, id] = split(query.after);
  const rows = await dataSource.query<UnknownOperation[]>(
    `SELECT o.id, o.kind, o.command, o.order_id, p.partner_uid, o.state, ${ISO('o.created_at')} AS created_at,
            floor(extract(epoch FROM now() - o.created_at))::int AS age_seconds, o.next_check_at
       FROM operations o LEFT JOIN partners p ON p.id = o.partner_id
      WHERE o.state = 'outcome_unknown'
        AND ($1::timestamptz IS NULL OR (o.created_at, o.id) > ($1::timestamptz, $2::uuid))
      ORDER BY o.created_at, o.id LIMIT $3`,
    [at, id, query.limit + 1],
  );
  return paged(rows, query.limit);
}

/** Open items by kind (the filter's counts), from the partial unique index of open items. */
export async function openCounts(dataSource: DataSource): Promise<Record<string, number>> {
  const rows = await dataSource.query<{ kind: string; n: number }[]>(
    `SELECT kind, count(*)::int AS n FROM operator_items WHERE state = 'open' GROUP BY kind
     UNION ALL SELECT '${UNKNOWN_OUTCOME}', count(*)::int FROM operations WHERE state = 'outcome_unknown'`,
  );
  return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
}
