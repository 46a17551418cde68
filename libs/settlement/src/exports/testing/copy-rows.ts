import type { EntityManager } from 'typeorm';
import { copyCsv } from '../copy-out';
import { OutputFile } from '../output-file';
import { parseCsv } from './read-back';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PoolClient } from 'pg';

/** A COPY query's rows as the export writes them (copy-out.ts), read back with the specs' CSV parser. */
export async function copiedRows(tx: EntityManager, sql: string): Promise<string[][]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tixclear-copy-'));
  try {
    const file = await OutputFile.create(path.join(dir, 'rows.csv'));
    await copyCsv((await tx.queryRunner!.connect()) as PoolClient, sql, file);
    await file.close();
    return parseCsv((await readFile(path.join(dir, 'rows.csv'))).toString('utf8'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
