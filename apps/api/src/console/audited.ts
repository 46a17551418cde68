import { Injectable } from '@nestjs/common';
import { recordAudit } from '@tixclear/db';
import { DataSource, type EntityManager } from 'typeorm';
import { consoleAnswer } from './console-errors';
import type { ConsoleSession } from './session.service';

/** What an action is and what it acts on, for its audit line. */
export interface AuditedAction {
  session: ConsoleSession;
  clientAddress: string;
  action: string;
  target: string;
  /** The subject's state as the console shows it; read before and after the action. */
  snapshot: (manager: EntityManager) => Promise<unknown>;
}

/**
 * A library function that takes a DataSource, given one transaction's EntityManager instead: what such
 * functions use of it (`transaction`, `query`, `getRepository`) means the same on a manager, whose
 * `transaction` is a savepoint inside the caller's. So the action and its audit line commit together.
 */
export function withinTransaction(tx: EntityManager): DataSource {
  return tx as unknown as DataSource;
}

/**
 * Operator actions with their audit line (who, what, on what, before, after, outcome). A refused action is
 * recorded too, with its code, after its own work rolled back.
 */
@Injectable()
export class Audited {
  constructor(private readonly dataSource: DataSource) {}

  /** An action done inside the audit's transaction: action and audit line commit together, or neither. */
  async inTransaction<T>(action: AuditedAction, act: (tx: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(async (tx) => {
        const before = await action.snapshot(tx);
        const result = await act(tx);
        await recordAudit(tx, { ...this.line(action), before, after: await action.snapshot(tx) });
        return result;
      });
    } catch (error) {
      await this.refused(action, error);
      throw error;
    }
  }

  /**
   * An action that must commit its own steps (one that calls the gateway: its pending state is committed before
   * the call, and no transaction is held open across it): the audit line follows in its own transaction, with
   * the state read before and after.
   */
  async around<T>(action: AuditedAction, act: () => Promise<T>): Promise<T> {
    const before = await action.snapshot(this.dataSource.manager);
    let result: T;
    try {
      result = await act();
    } catch (error) {
      const after = await action.snapshot(this.dataSource.manager);
      await recordAudit(this.dataSource.manager, {
        ...this.line(action),
        before,
        after,
        outcome: codeOf(error),
      });
      throw error;
    }
    await recordAudit(this.dataSource.manager, {
      ...this.line(action),
      before,
      after: await action.snapshot(this.dataSource.manager),
    });
    return result;
  }

  private async refused(action: AuditedAction, error: unknown): Promise<void> {
    const before = await action.snapshot(this.dataSource.manager);
    await recordAudit(this.dataSource.manager, {
      ...this.line(action),
      before,
      after: before,
      outcome: codeOf(error),
    });
  }

  private line(action: AuditedAction) {
    return {
      actor: action.session.name,
      actorRole: action.session.role,
      action: action.action,
      target: action.target,
      clientAddress: action.clientAddress,
    };
  }
}

function codeOf(error: unknown): string {
  const body = consoleAnswer(error).body as { error?: { code?: string } };
  return (body.error?.code ?? 'INTERNAL').slice(0, 60);
}

/** A row as JSON (`to_jsonb`), or null: the snapshot of a subject kept in one row of a table. */
export async function rowSnapshot(
  manager: EntityManager,
  table: 'redemption_lines' | 'payout_items' | 'operations',
  column: 'id' | 'item_id',
  value: string,
): Promise<unknown> {
  const [row] = await manager.query<{ row: unknown }[]>(
    `SELECT to_jsonb(t) AS row FROM ${table} t WHERE t.${column}::text = $1`,
    [value],
  );
  return row?.row ?? null;
}

/** The operator items of a subject (kind and reference), open or not, oldest first. */
export async function itemsSnapshot(
  manager: EntityManager,
  kind: string,
  reference: string,
): Promise<unknown> {
  const rows = await manager.query<{ item: unknown }[]>(
    `SELECT jsonb_build_object('id', id, 'state', state, 'resolution', resolution, 'resolved_by', resolved_by) AS item
       FROM operator_items WHERE kind = $1 AND reference = $2 ORDER BY created_at`,
    [kind, reference],
  );
  return rows.map((r) => r.item);
}
