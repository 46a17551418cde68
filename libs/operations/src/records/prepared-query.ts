import type { DataSource } from 'typeorm';

interface PgPool {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * A named (prepared) statement on the data source's own pool: PostgreSQL parses and plans it once per
 * connection instead of on every call. For the few large statements of a hot path, where planning a
 * multi-CTE statement costs the server more than running it. Falls back to a plain query off PostgreSQL.
 */
export async function preparedQuery<T>(
  dataSource: DataSource,
  name: string,
  text: string,
  values: unknown[],
): Promise<T[]> {
  const pool = (dataSource.driver as unknown as { master?: PgPool }).master;
  if (!pool || dataSource.options.type !== 'postgres') return dataSource.query<T[]>(text, values);
  const result = await pool.query({ name, text, values });
  return result.rows as T[];
}
