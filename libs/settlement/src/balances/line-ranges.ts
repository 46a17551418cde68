import type { DataSource } from 'typeorm';

/**
 * The upkeep of the journal lines' BRIN index (`journal_lines_entry_brin`, one per monthly partition), by which
 * a night's lines are found without a scan of every line ever posted (night-lines.ts).
 *
 * A range's summary is written in two steps: a placeholder, then the range's values. A summary interrupted
 * between them (a cancelled statement, a server crash) leaves the placeholder for good, and PostgreSQL 18.4's
 * BRIN scan then matches not only that range but every later range of the partition, on every lookup (the
 * scan's reused tuple keeps the placeholder flag): after one such range early in a month, each lookup of a
 * night read the rest of the month (docs/benchmarks.md, "A placeholder"). Results stay right; only the cost
 * grows. The index is built with `autosummarize` off, so no autovacuum worker summarises (one is cancelled
 * whenever a lock waits on it); a night's run then finds any stray range left and rebuilds that index.
 */

/** Every BRIN index of the lines' partitions, and its partition. */
const LINE_RANGE_INDEXES = `
  SELECT i.indexrelid::regclass::text AS index, i.indrelid::regclass::text AS partition
    FROM pg_inherits h JOIN pg_index i ON i.indrelid = h.inhrelid
    JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam AND a.amname = 'brin'
   WHERE h.inhparent = 'journal_lines'::regclass
   ORDER BY 2`;

/**
 * Summarises the ranges written since the last summary, in every partition. An unsummarised range matches
 * every lookup, so without this each of a fresh night's entry ranges would read all of that night's lines.
 */
export const SUMMARIZE_LINE_RANGES = `
  SELECT brin_summarize_new_values(i.indexrelid)
    FROM pg_inherits h JOIN pg_index i ON i.indrelid = h.inhrelid
    JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam AND a.amname = 'brin'
   WHERE h.inhparent = 'journal_lines'::regclass`;

/**
 * Pages a lookup may still match after a summary without being a stray: those appended meanwhile by another
 * writer (an operator's correction), a few ranges at most.
 */
const STRAY_PAGE_ALLOWANCE = 64;

export interface StrayRanges {
  index: string;
  partition: string;
  /** Heap pages that a lookup matching no line reads. */
  pages: number;
}

type Queryable = { query<T = unknown>(sql: string, params?: unknown[]): Promise<T> };

/**
 * The partitions whose index matches pages for a lookup that no line can match (ids start at 1): summarised
 * first, a sound index matches none. Costs the index's own pages when sound; reads the stray pages once when
 * not. Run it inside a transaction (its planner setting is local).
 */
export async function findStrayLineRanges(tx: Queryable): Promise<StrayRanges[]> {
  await tx.query(SUMMARIZE_LINE_RANGES);
  await tx.query(`SET LOCAL enable_seqscan = off`);
  const stray: StrayRanges[] = [];
  for (const { index, partition } of await tx.query<Array<{ index: string; partition: string }>>(
    LINE_RANGE_INDEXES,
  )) {
    const [row] = await tx.query<[{ 'QUERY PLAN': unknown }]>(
      `EXPLAIN (ANALYZE, FORMAT JSON, COSTS OFF, TIMING OFF, SUMMARY OFF)
       SELECT 1 FROM ONLY ${partition} WHERE entry_id < 0`,
    );
    const pages = bitmapHeapPages(row['QUERY PLAN']);
    if (pages > STRAY_PAGE_ALLOWANCE) stray.push({ index, partition, pages });
  }
  return stray;
}

/**
 * Finds the stray ranges and rebuilds each index that has some (`REINDEX CONCURRENTLY`: writers of the
 * partition are not blocked; the new index is summarised throughout). Returns what it rebuilt. Outside any
 * transaction: a concurrent rebuild cannot run inside one.
 */
export async function repairLineRanges(dataSource: DataSource): Promise<StrayRanges[]> {
  const stray = await dataSource.transaction((tx) => findStrayLineRanges(tx));
  for (const { index } of stray) await dataSource.query(`REINDEX INDEX CONCURRENTLY ${index}`);
  return stray;
}

/** Heap pages read by the bitmap heap scans of an `EXPLAIN (ANALYZE, FORMAT JSON)` plan. */
function bitmapHeapPages(explained: unknown): number {
  let pages = 0;
  const visit = (node: Record<string, unknown>): void => {
    if (node['Node Type'] === 'Bitmap Heap Scan')
      pages += Number(node['Exact Heap Blocks'] ?? 0) + Number(node['Lossy Heap Blocks'] ?? 0);
    for (const child of (node['Plans'] as Array<Record<string, unknown>> | undefined) ?? []) visit(child);
  };
  for (const statement of explained as Array<{ Plan: Record<string, unknown> }>) visit(statement.Plan);
  return pages;
}
