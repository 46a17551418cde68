import {
  payoutBatchMachine,
  payoutItemMachine,
  twd,
  type PayoutBatchState,
  type PayoutItemState,
  type Twd,
} from '@tixclear/domain';
import type { EntityManager } from 'typeorm';
import { PayoutError, PayoutErrorCode } from './errors';

/*
 * Reading batches and items, and the only two ways their state changes: a conditional UPDATE
 * (`WHERE state = <expected>`) whose affected row count says whether this caller made the move. Never
 * read-then-write: two workers, or a worker and an operator, can race, and exactly one of them wins.
 */

/** A DataSource or a transaction's EntityManager. */
export type Queryable = Pick<EntityManager, 'query'>;

export interface BatchRow {
  id: string;
  runId: string;
  payingMerchant: string;
  groupId: string;
  state: PayoutBatchState;
  gatewayCode: string | null;
  coveringAttempts: number;
  /** How many times the batch was re-formed without refused items (its group_id is derived from it). */
  revision: number;
  /** When the batch last changed state (set by moveBatch only: backoff and grace are measured from it). */
  updatedAt: Date;
}

export interface ItemRow {
  id: string;
  batchId: string;
  itemId: string;
  party: string;
  payeeAccount: string;
  amount: Twd;
  state: PayoutItemState;
  gatewayCode: string | null;
}

const BATCH_COLUMNS = `id, run_id, paying_merchant, group_id, state, gateway_code, covering_attempts, revision,
  updated_at`;
const ITEM_COLUMNS = `id, batch_id, item_id, party, payee_account, amount::text AS amount, state, gateway_code`;

interface BatchRecord {
  id: string;
  run_id: string;
  paying_merchant: string;
  group_id: string;
  state: string;
  gateway_code: string | null;
  covering_attempts: number;
  revision: number;
  updated_at: Date;
}

interface ItemRecord {
  id: string;
  batch_id: string;
  item_id: string;
  party: string;
  payee_account: string;
  amount: string;
  state: string;
  gateway_code: string | null;
}

const invalid = (message: string) => new PayoutError(PayoutErrorCode.RecordInvalid, message);

function batchOf(r: BatchRecord): BatchRow {
  if (!payoutBatchMachine.isState(r.state)) throw invalid(`payout batch ${r.id} in unknown state ${r.state}`);
  return {
    id: r.id,
    runId: r.run_id,
    payingMerchant: r.paying_merchant,
    groupId: r.group_id,
    state: r.state,
    gatewayCode: r.gateway_code,
    coveringAttempts: r.covering_attempts,
    revision: r.revision,
    updatedAt: r.updated_at,
  };
}

function itemOf(r: ItemRecord): ItemRow {
  if (!payoutItemMachine.isState(r.state)) throw invalid(`payout item ${r.id} in unknown state ${r.state}`);
  return {
    id: r.id,
    batchId: r.batch_id,
    itemId: r.item_id,
    party: r.party,
    payeeAccount: r.payee_account,
    amount: twd(r.amount),
    state: r.state,
    gatewayCode: r.gateway_code,
  };
}

export async function batchesOfRun(q: Queryable, runId: string): Promise<BatchRow[]> {
  const rows = await q.query<BatchRecord[]>(
    `SELECT ${BATCH_COLUMNS} FROM payout_batches WHERE run_id = $1 ORDER BY group_id`,
    [runId],
  );
  return rows.map(batchOf);
}

export async function loadBatch(q: Queryable, batchId: string): Promise<BatchRow> {
  const [row] = await q.query<BatchRecord[]>(`SELECT ${BATCH_COLUMNS} FROM payout_batches WHERE id = $1`, [
    batchId,
  ]);
  if (!row) throw invalid(`no payout batch ${batchId}`);
  return batchOf(row);
}

export async function loadBatchByGroupId(q: Queryable, groupId: string): Promise<BatchRow | undefined> {
  const [row] = await q.query<BatchRecord[]>(
    `SELECT ${BATCH_COLUMNS} FROM payout_batches WHERE group_id = $1`,
    [groupId],
  );
  return row ? batchOf(row) : undefined;
}

export async function itemsOf(q: Queryable, batchId: string): Promise<ItemRow[]> {
  const rows = await q.query<ItemRecord[]>(
    `SELECT ${ITEM_COLUMNS} FROM payout_items WHERE batch_id = $1 ORDER BY item_id`,
    [batchId],
  );
  return rows.map(itemOf);
}

export async function itemByGatewayId(q: Queryable, itemId: string): Promise<ItemRow | undefined> {
  const [row] = await q.query<ItemRecord[]>(`SELECT ${ITEM_COLUMNS} FROM payout_items WHERE item_id = $1`, [
    itemId,
  ]);
  return row ? itemOf(row) : undefined;
}

/** TypeORM answers an UPDATE with `[rows, affected]`. */
export async function affected(q: Queryable, sql: string, parameters: unknown[]): Promise<number> {
  const result = await q.query<[unknown[], number]>(sql, parameters);
  return result[1];
}

/**
 * Moves a batch `from → to` if it is still `from`; false when another caller moved it first. The machine is
 * asserted before the database is asked, so an illegal move is a bug, not a silent no-op.
 */
export async function moveBatch(
  q: Queryable,
  batchId: string,
  from: PayoutBatchState,
  to: PayoutBatchState,
  now: Date,
  change: { gatewayCode?: string; coveringAttempts?: 1 | -1 } = {},
): Promise<boolean> {
  payoutBatchMachine.assertTransition(from, to);
  const count = await affected(
    q,
    `UPDATE payout_batches
        SET state = $3, updated_at = $4, gateway_code = coalesce($5, gateway_code),
            covering_attempts = covering_attempts + $6
      WHERE id = $1 AND state = $2`,
    [batchId, from, to, now, change.gatewayCode ?? null, change.coveringAttempts ?? 0],
  );
  return count === 1;
}

/** Moves an item `from → to` if it is still `from` (see moveBatch); records the gateway's code when given. */
export async function moveItem(
  q: Queryable,
  itemId: string,
  from: PayoutItemState,
  to: PayoutItemState,
  now: Date,
  report: { code?: string; message?: string | null } = {},
): Promise<boolean> {
  payoutItemMachine.assertTransition(from, to);
  const count = await affected(
    q,
    `UPDATE payout_items
        SET state = $3, updated_at = $4, gateway_code = coalesce($5, gateway_code),
            gateway_message = CASE WHEN $5::text IS NULL THEN gateway_message ELSE $6 END
      WHERE id = $1 AND state = $2`,
    [itemId, from, to, now, report.code ?? null, report.message?.slice(0, 200) ?? null],
  );
  return count === 1;
}
