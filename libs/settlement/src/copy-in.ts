import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPED = /[\\\t\n\r]/g;

/**
 * A text field in COPY's text format: NULL as `\N`, and the field and row separators and the escape character
 * escaped. Numbers and ids, which cannot hold them, go into a row as they are.
 */
export function copyText(value: string | null): string {
  if (value === null) return '\\N';
  return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPED, (c) => ESCAPES[c] ?? c) : value;
}

/**
 * Writes rows into `target` (`table (columns)`) by COPY, on the transaction's own connection, so they commit or
 * roll back with it. `rows` yields the data in COPY's text format: tab-separated fields, `\n`-terminated rows,
 * any number of rows per piece. COPY writes a page of rows per WAL record where an INSERT writes one per row,
 * and skips the executor: what a night's millions of journal rows need (docs/benchmarks.md).
 */
export async function copyRows(tx: EntityManager, target: string, rows: Iterable<string>): Promise<void> {
  const runner = tx.queryRunner;
  if (!runner) throw new Error('copyRows needs a transaction');
  const client = (await runner.connect()) as PoolClient;
  await pipeline(Readable.from(rows), client.query(copyFrom(`COPY ${target} FROM STDIN`)));
}

/** Pieces of about a thousand rows each, built by `row(i)` for i in [0, count): one stream write per piece. */
export function* inPieces(count: number, row: (i: number) => string): Generator<string> {
  for (let start = 0; start < count; start += 1000) {
    let piece = '';
    for (let i = start; i < Math.min(count, start + 1000); i++) piece += row(i);
    yield piece;
  }
}
