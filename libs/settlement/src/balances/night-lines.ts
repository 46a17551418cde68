import { summarizeRanges } from './range-indexes';

/**
 * The journal lines of a set of entries without a scan of every line ever posted. `journal_lines` has no
 * B-tree on `entry_id` (its upkeep cost the posting 40 %, docs/benchmarks.md) but a BRIN index on it (migration
 * BalanceSnapshots): lines go in with their entries, so a night's entry ids fall in a few dense ranges, and each
 * range (ids that share their high bits) is looked up by the index. An entry whose id a long-idle session had
 * cached costs one more small range, never the whole table. The caller still joins on `entry_id`: a range also
 * holds other entries' lines.
 */
export const ENTRY_ID_RANGE_BITS = 14;

/**
 * A FROM item (alias it) of the journal lines whose entry id lies in a range of the entries of the CTE named
 * `entries` (a column `id`). Run it with sequential scans off (`withIndexScans`): the lookups are per range.
 * `OFFSET 0` keeps it a subquery of its own: flattened, the caller's join on `entry_id` could be planned as one
 * BRIN lookup per entry (each reading its whole page range) whenever the entries are estimated few, as a run's
 * entries are before any ANALYZE has seen its id (minutes on a history of months, docs/benchmarks.md).
 */
export function linesOfEntries(entries: string): string {
  return `(SELECT l.entry_id, l.account, l.ledger, l.party, l.amount, l.serial_number
             FROM (SELECT min(id) AS lo, max(id) AS hi FROM ${entries}
                    GROUP BY id >> ${ENTRY_ID_RANGE_BITS}) ranges
             CROSS JOIN LATERAL (
               SELECT * FROM journal_lines jl WHERE jl.entry_id BETWEEN ranges.lo AND ranges.hi) l
           OFFSET 0)`;
}

/** The date an entry `e` was posted on, with `r` its run (left-joined): the run's end, else its own date. */
export const POSTED_ON = `COALESCE(r.period_end, e.business_date)`;

/**
 * An entry's reference as the id (operation, voucher, line) it names, or null: a reference that is not a UUID (a
 * hand-posted entry) matches nothing rather than failing the whole export on a cast.
 */
export const uuidOf = (reference: string): string =>
  `(CASE WHEN ${reference} ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN ${reference}::uuid END)`;

/** The entries posted on $1 (the exports' rule: the run's end date, else the entry's own business date). */
export const ENTRIES_POSTED_ON = `
  SELECT e.id FROM settlement_runs r JOIN journal_entries e ON e.run_id = r.id WHERE r.period_end = $1::date
  UNION ALL
  SELECT e.id FROM journal_entries e WHERE e.run_id IS NULL AND e.business_date = $1::date`;

/**
 * The entries posted on $1 whose lines no sum holds: every kind but `clearing`, whose lines each clearing chunk
 * sums by group as it writes them (`clearing_group_sums`, read by {@link CLEARING_SUMS_POSTED_ON}).
 */
export const UNSUMMED_ENTRIES_POSTED_ON = `
  SELECT e.id FROM settlement_runs r JOIN journal_entries e ON e.run_id = r.id
   WHERE r.period_end = $1::date AND e.kind <> 'clearing'
  UNION ALL
  SELECT e.id FROM journal_entries e WHERE e.run_id IS NULL AND e.business_date = $1::date`;

/** The clearing entries' lines posted on $1, by group: the sums their chunks wrote, rows `(account, ledger, party, debits, credits)`. */
export const CLEARING_SUMS_POSTED_ON = `
  SELECT s.account, s.ledger, s.party, s.debits, s.credits
    FROM settlement_runs r JOIN clearing_group_sums s ON s.run_id = r.id WHERE r.period_end = $1::date`;

/** What runs a query: a transaction's entity manager, a data source, a pooled client's wrapper. */
export type Queryable = { query<T = unknown>(sql: string, params?: unknown[]): Promise<T> };

/**
 * Runs `work` with the lines' BRIN ranges summarised and sequential scans priced out: the planner, which cannot
 * see how few ranges a night has, would otherwise hash every line of the journal. Restored after, for the
 * other queries of the transaction.
 */
export async function withIndexScans<T>(tx: Queryable, work: () => Promise<T>): Promise<T> {
  await summarizeRanges(tx, 'journal_lines');
  return withLocalSettings(tx, { enable_seqscan: 'off' }, work);
}

/**
 * Runs `work`, a read of a night's (or a period's) rows out of tables of the whole history (clearings,
 * redemption lines, vouchers: the registers, the statements' figures), by index and in this backend alone. The
 * planner prices a BRIN lookup by run, or a voucher found through its purchase, above a scan of the table, and
 * that scan grows every night: after 59 nights of 200,000 it chose to read every clearing and every voucher ever
 * written (docs/benchmarks.md). A parallel plan's workers would also take the cores that the export's other
 * connection is using. The settings are restored for the rest of the transaction.
 */
export function nightRead<T>(tx: Queryable, work: () => Promise<T>): Promise<T> {
  return withLocalSettings(tx, { enable_seqscan: 'off', max_parallel_workers_per_gather: '0' }, work);
}

/**
 * Runs `work` with planner settings changed for the transaction, then puts back the values they had (so one of
 * these inside another leaves the outer one's settings in force). After an error the transaction is aborted
 * and ends with its settings.
 */
async function withLocalSettings<T>(
  tx: Queryable,
  settings: Readonly<Record<string, string>>,
  work: () => Promise<T>,
): Promise<T> {
  const names = Object.keys(settings);
  const [before] = await tx.query<[{ values: string[] }]>(
    `SELECT array(SELECT current_setting(name) FROM unnest($1::text[]) WITH ORDINALITY AS s(name, n) ORDER BY n)
       AS values`,
    [names],
  );
  const set = (values: readonly string[]) =>
    tx.query(`SELECT set_config(name, value, true) FROM unnest($1::text[], $2::text[]) AS s(name, value)`, [
      names,
      values,
    ]);
  await set(Object.values(settings));
  const result = await work();
  await set(before.values);
  return result;
}
