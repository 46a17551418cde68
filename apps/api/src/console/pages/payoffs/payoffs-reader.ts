import { payoutBatchStates } from '@tixclear/domain';
import type { DataSource } from 'typeorm';
import { cursorParams, cursorSql, isKeysetCursor } from '../runs/keyset';

export interface BatchRow {
  id: string;
  run_id: string;
  period_start: string;
  period_end: string;
  paying_merchant: string;
  group_id: string;
  state: string;
  /** The batch's S-code from the gateway (S01..S05), when it has one. */
  gateway_code: string | null;
  /** Covering remittances sent for the batch's C2001/C2002 items (counted before each call). */
  covering_attempts: number;
  revision: number;
  updated_at: Date;
  items: Record<string, number>;
  amount: string;
}

export interface ItemRow {
  item_id: string;
  party: string;
  payee_account: string;
  amount: string;
  state: string;
  /** The item's C-code (C0001, C1001, C2001, C2002), when the gateway gave one. */
  gateway_code: string | null;
  gateway_message: string | null;
  updated_at: Date;
}

export const BATCH_STATES = payoutBatchStates;
export const BATCHES_PAGE = 30;
export const ITEMS_PAGE = 100;

/** Keyset cursor over (the run's created_at, batch id), newest run first. */
export const isBatchCursor = isKeysetCursor;

const BATCH_COLUMNS = `
  b.id, b.run_id, r.period_start::text AS period_start, r.period_end::text AS period_end, b.paying_merchant,
  b.group_id, b.state, b.gateway_code, b.covering_attempts, b.revision, b.updated_at,
  coalesce((SELECT jsonb_object_agg(s, n) FROM (SELECT i.state AS s, count(*) AS n FROM payout_items i
            WHERE i.batch_id = b.id GROUP BY i.state) x), '{}') AS items,
  (SELECT coalesce(sum(i.amount), 0)::text FROM payout_items i WHERE i.batch_id = b.id) AS amount`;

/**
 * Batches newest run first (a run's batches by id), `limit` a page, `before` the previous page's `next`. The
 * runs are few and each run has a batch per paying merchant; items are counted by the batch index.
 */
export async function listBatches(
  dataSource: DataSource,
  options: { state?: string; before?: string; limit?: number } = {},
): Promise<{ batches: BatchRow[]; next: string | null }> {
  const limit = options.limit ?? BATCHES_PAGE;
  const rows = await dataSource.query<(BatchRow & { cursor: string })[]>(
    `SELECT ${BATCH_COLUMNS}, ${cursorSql('r.created_at', 'b.id')} AS cursor
       FROM payout_batches b JOIN settlement_runs r ON r.id = b.run_id
      WHERE ($1::text IS NULL OR b.state = $1)
        AND ($2::timestamptz IS NULL OR (r.created_at, b.id) < ($2::timestamptz, $3::uuid))
      ORDER BY r.created_at DESC, b.id DESC LIMIT $4`,
    [options.state ?? null, ...cursorParams(options.before), limit + 1],
  );
  const page = rows.slice(0, limit);
  return {
    batches: page.map(({ cursor: _, ...batch }) => batch),
    next: rows.length > limit ? (page.at(-1)?.cursor ?? null) : null,
  };
}

/** One batch (by id or group_id), or null. */
export async function readBatch(dataSource: DataSource, key: string): Promise<BatchRow | null> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(key);
  const [row] = await dataSource.query<BatchRow[]>(
    `SELECT ${BATCH_COLUMNS} FROM payout_batches b JOIN settlement_runs r ON r.id = b.run_id
      WHERE ${uuid ? 'b.id = $1::uuid' : 'b.group_id = $1'}`,
    [key],
  );
  return row ?? null;
}

/** A batch's items in item id order, `after` the previous page's `next` (the payout_items batch index). */
export async function listItems(
  dataSource: DataSource,
  batchId: string,
  options: { after?: string; limit?: number } = {},
): Promise<{ items: ItemRow[]; next: string | null }> {
  const limit = options.limit ?? ITEMS_PAGE;
  const rows = await dataSource.query<ItemRow[]>(
    `SELECT item_id, party, payee_account, amount::text AS amount, state, gateway_code, gateway_message, updated_at
       FROM payout_items WHERE batch_id = $1 AND ($2::text IS NULL OR item_id COLLATE "C" > $2)
      ORDER BY item_id COLLATE "C" LIMIT $3`,
    [batchId, options.after ?? null, limit + 1],
  );
  const items = rows.slice(0, limit);
  return { items, next: rows.length > limit ? (items.at(-1)?.item_id ?? null) : null };
}

/** A gateway item id as the pay-off step derives them (`PI` + 40 characters), or anything of its alphabet. */
export const ITEM_ID = /^[A-Za-z0-9]{1,50}$/;
