import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { OutputFile } from './output-file';

/**
 * Has the server write a query's rows as CSV (`csv.ts`'s format: COPY's quoting, NULL as an empty field, LF)
 * straight into `file`, hashed as it goes: no row is parsed or formatted in Node. The query prints every cell
 * itself (text through `sqlText`, numbers as integers) and orders its rows by a full key. Returns the rows
 * written. UTF-8 whatever the session's client encoding.
 */
export async function copyCsv(client: PoolClient, select: string, file: OutputFile): Promise<number> {
  const copy = client.query(copyTo(`COPY (${select}) TO STDOUT WITH (FORMAT csv, ENCODING 'UTF8')`));
  await pipeline(copy, file.sink());
  await file.flush();
  return copy.rowCount;
}
