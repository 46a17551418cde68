import type { DataSource } from 'typeorm';
import type { Queryable } from './night-lines';

/**
 * The upkeep of our BRIN indexes, by which a night's rows are found in tables of the whole history without a
 * B-tree entry per row: the journal lines by entry id (night-lines.ts), the journal entries and the clearings
 * by run (bloom filters, migration ClearingWriteIndexes). One index per partition of a partitioned table.
 *
 * A range's summary is written in two steps: a placeholder, then the range's values. A summary interrupted
 * between them (a cancelled statement, a server crash) leaves the placeholder for good, and PostgreSQL 18.4's
 * BRIN scan then matches not only that range but every later range of the relation, on every lookup (the
 * scan's reused tuple keeps the placeholder flag): after one such range early in a month, each lookup of a
 * night read the rest of the month (docs/benchmarks.md, "A placeholder"). Results stay right; only the cost
 * grows. So the indexes are built with `autosummarize` off (an autovacuum worker summarising is cancelled
 * whenever a lock waits on it), summarised by the reads that need it and by each night's run, which also
 * finds any stray range left and rebuilds that index.
 */

/**
 * Per table with such an index: a lookup of a value no row has (ids start at 1; no run has the nil UUID), and
 * whether the index is a bloom filter (whose false positives a sound index may match).
 */
const RANGE_LOOKUPS: Readonly<Record<string, { nothing: string; bloom: boolean }>> = {
  journal_lines: { nothing: 'entry_id < 0', bloom: false },
  journal_entries: { nothing: `run_id = '00000000-0000-0000-0000-000000000000'`, bloom: true },
  clearings: { nothing: `run_id = '00000000-0000-0000-0000-000000000000'`, bloom: true },
};

/**
 * Pages a lookup of nothing may match in a sound index: those appended since its summary by another writer
 * (an operator's correction; a few ranges), and for a bloom filter its false positives (1 % of the ranges by
 * default: 5 % of the pages leaves room for chance).
 */
const soundPages = (bloom: boolean, pages: number): number => 64 + (bloom ? Math.ceil(pages / 20) : 0);

/**
 * The valid BRIN indexes of table $1, or of each of its partitions, with the pages of their relation (a failed
 * rebuild's invalid copy is neither summarised nor checked).
 */
const RANGE_INDEXES_OF = `
  SELECT i.indexrelid::regclass::text AS index, i.indrelid::regclass::text AS relation,
         pg_relation_size(i.indrelid) / 8192 AS pages
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid AND c.relkind = 'i' AND i.indisvalid
    JOIN pg_am a ON a.oid = c.relam AND a.amname = 'brin'
   WHERE i.indrelid = $1::regclass OR i.indrelid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = $1::regclass)
   ORDER BY 2`;

/**
 * Summarises the ranges of `table`'s BRIN indexes written since their last summary. An unsummarised range
 * matches every lookup: without this each of a fresh night's entry ranges would read all of that night's lines.
 */
export async function summarizeRanges(tx: Queryable, table: keyof typeof RANGE_LOOKUPS): Promise<void> {
  await tx.query(`SELECT brin_summarize_new_values(index::regclass) FROM (${RANGE_INDEXES_OF}) indexes`, [
    table,
  ]);
}

export interface StrayRanges {
  index: string;
  relation: string;
  /** Heap pages that a lookup matching no row reads. */
  pages: number;
}

/**
 * Summarises every range index, then returns those that match more pages than a sound one would for a lookup
 * of nothing. Costs the indexes' own pages while they are sound; reads the stray pages once when not. Run it
 * inside a transaction (its planner setting is local).
 */
export async function findStrayRanges(tx: Queryable): Promise<StrayRanges[]> {
  await tx.query(`SET LOCAL enable_seqscan = off`);
  const stray: StrayRanges[] = [];
  for (const [table, { nothing, bloom }] of Object.entries(RANGE_LOOKUPS)) {
    await summarizeRanges(tx, table);
    const indexes = await tx.query<Array<{ index: string; relation: string; pages: string }>>(
      RANGE_INDEXES_OF,
      [table],
    );
    for (const { index, relation, pages } of indexes) {
      const [row] = await tx.query<[{ 'QUERY PLAN': unknown }]>(
        `EXPLAIN (ANALYZE, FORMAT JSON, COSTS OFF, TIMING OFF, SUMMARY OFF)
         SELECT 1 FROM ONLY ${relation} WHERE ${nothing}`,
      );
      const matched = bitmapHeapPages(row['QUERY PLAN']);
      if (matched > soundPages(bloom, Number(pages))) stray.push({ index, relation, pages: matched });
    }
  }
  return stray;
}

/** The invalid copies (`<index>_ccnew…`) that failed concurrent rebuilds of index $2 left on relation $1. */
const LEFTOVERS_OF_REBUILD = `
  SELECT c.oid::regclass::text AS index FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
   WHERE i.indrelid = $1::regclass AND NOT i.indisvalid
     AND c.relname LIKE (SELECT relname FROM pg_class WHERE oid = $2::regclass) || '\\_ccnew%'`;

/**
 * A stray index and what its rebuild did: done, or the error that stopped it, with its SQLSTATE when the server
 * gave one (the old index then stands).
 */
export type RangeIndexRepair = StrayRanges &
  ({ rebuilt: true } | { rebuilt: false; error: string; code: string | undefined });

/**
 * Finds the stray ranges and rebuilds each index that has some (`REINDEX CONCURRENTLY`: the relation's writers
 * are not blocked; the new index is summarised throughout). Outside any transaction: a concurrent rebuild
 * cannot run inside one. A rebuild that fails is reported, not thrown: a stray range costs time, never a
 * result, so it does not stop a night's settlement. What a failed rebuild leaves (its new index, invalid,
 * still written to) is dropped after it, or before the next rebuild when the drop has to wait too.
 */
export async function repairRangeIndexes(dataSource: DataSource): Promise<RangeIndexRepair[]> {
  const stray = await dataSource.transaction((tx) => findStrayRanges(tx));
  const repairs: RangeIndexRepair[] = [];
  for (const found of stray) {
    try {
      await dropLeftoversOfRebuild(dataSource, found);
      await dataSource.query(`REINDEX INDEX CONCURRENTLY ${found.index}`);
      repairs.push({ ...found, rebuilt: true });
    } catch (error) {
      repairs.push({
        ...found,
        rebuilt: false,
        error: error instanceof Error ? error.message : String(error),
        code: (error as { code?: unknown }).code?.toString(),
      });
      // Tried again before the next rebuild if this one fails too.
      await dropLeftoversOfRebuild(dataSource, found).catch(() => undefined);
    }
  }
  return repairs;
}

/** Drops the invalid copies that failed rebuilds of an index left. */
async function dropLeftoversOfRebuild(dataSource: DataSource, found: StrayRanges): Promise<void> {
  const leftovers = await dataSource.query<Array<{ index: string }>>(LEFTOVERS_OF_REBUILD, [
    found.relation,
    found.index,
  ]);
  for (const { index } of leftovers) await dataSource.query(`DROP INDEX CONCURRENTLY IF EXISTS ${index}`);
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
