import type { EntityManager } from 'typeorm';

/** One line of the operators' audit trail (operator_audit, append-only). */
export interface AuditEntry {
  /** The operator's name (or, for a failed sign-in, the name tried; for the CLI, `cli:<user>`). */
  actor: string;
  actorRole?: string | null;
  action: string;
  target?: string | null;
  before?: unknown;
  after?: unknown;
  /** `ok`, or the refusal's code. */
  outcome?: string;
  clientAddress?: string | null;
}

/** Appends an entry; call it with the manager of the action's own transaction, so both commit or neither. */
export async function recordAudit(manager: EntityManager, entry: AuditEntry): Promise<void> {
  await manager.query(
    `INSERT INTO operator_audit (actor, actor_role, action, target, before, after, result, client_address)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8)`,
    [
      entry.actor.slice(0, 64),
      entry.actorRole ?? null,
      entry.action,
      entry.target?.slice(0, 200) ?? null,
      entry.before === undefined ? null : JSON.stringify(entry.before),
      entry.after === undefined ? null : JSON.stringify(entry.after),
      entry.outcome ?? 'ok',
      entry.clientAddress ?? null,
    ],
  );
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  target?: string;
  /** Entries older than this id (the previous page's `next`). */
  before?: string;
  limit: number;
}

export interface AuditLine {
  id: string;
  at: Date;
  actor: string;
  actorRole: string | null;
  action: string;
  target: string | null;
  before: unknown;
  after: unknown;
  outcome: string;
  clientAddress: string | null;
}

/** Newest first, `limit` at a time; `next` is the id to pass as `before` for the next page (null: no more). */
export async function listAudit(
  manager: EntityManager,
  filter: AuditFilter,
): Promise<{ entries: AuditLine[]; next: string | null }> {
  const rows = await manager.query<AuditLine[]>(
    `SELECT id::text AS id, at, actor, actor_role AS "actorRole", action, target, before, after, result AS outcome,
            client_address AS "clientAddress"
       FROM operator_audit
      WHERE ($1::text IS NULL OR actor = $1) AND ($2::text IS NULL OR action = $2)
        AND ($3::text IS NULL OR target = $3) AND ($4::bigint IS NULL OR id < $4::bigint)
      ORDER BY id DESC LIMIT $5`,
    [
      filter.actor ?? null,
      filter.action ?? null,
      filter.target ?? null,
      filter.before ?? null,
      filter.limit + 1,
    ],
  );
  const entries = rows.slice(0, filter.limit);
  return { entries, next: rows.length > filter.limit ? (entries.at(-1)?.id ?? null) : null };
}
