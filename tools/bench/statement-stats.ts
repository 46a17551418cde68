import type { DataSource } from 'typeorm';

/**
 * Where PostgreSQL's time goes, statement by statement (pg_stat_statements): the server settings that load it,
 * then per phase a reset before and the heaviest statements after. Execution time is the server's wall time in
 * each statement (lock and WAL-flush waits included, a COMMIT's too), not CPU. Statements run by a trigger or a
 * foreign key are listed too, marked `nested`: their time is already inside the statement that fired them, so
 * the sum and the shares are of top-level statements only.
 */
export const STATEMENT_STATS_SETTINGS = {
  shared_preload_libraries: 'pg_stat_statements',
  'pg_stat_statements.track': 'all',
} as const;

export async function enableStatementStats(dataSource: DataSource): Promise<void> {
  await dataSource.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
}

export async function resetStatementStats(dataSource: DataSource): Promise<void> {
  await dataSource.query('SELECT pg_stat_statements_reset()');
}

/** The `top` statements by execution time since the reset, per redemption (`per`), as printable lines. */
export async function heaviestStatements(dataSource: DataSource, per: number, top = 12): Promise<string[]> {
  const rows = await dataSource.query<Array<{ calls: string; ms: number; toplevel: boolean; query: string }>>(
    `SELECT calls::text, total_exec_time AS ms, toplevel,
            left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS query
       FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      ORDER BY total_exec_time DESC`,
  );
  const total = rows.filter((row) => row.toplevel).reduce((sum, row) => sum + row.ms, 0);
  const lines = rows
    .slice(0, top)
    .map(
      (row) =>
        `${((row.ms / total) * 100).toFixed(1).padStart(5)} %  ${(row.ms / per).toFixed(3)} ms  ` +
        `${(Number(row.calls) / per).toFixed(2)} calls  ${row.toplevel ? '' : '(nested) '}${row.query}`,
    );
  return [`statements: ${(total / per).toFixed(3)} ms of top-level execution per redemption`, ...lines];
}
