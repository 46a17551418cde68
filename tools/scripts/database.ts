import path from 'node:path';
import { startEmbeddedServer, type RunningServer } from '@tixclear/db';
import type { DataSource } from 'typeorm';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
export const EMBEDDED_DATA_DIR = path.join(REPO_ROOT, '.data', 'postgres');
export const EMBEDDED_PORT = Number(process.env.TIXCLEAR_PG_PORT ?? 54329);
export const APP_DATABASE = 'tixclear';

/**
 * The database server the scripts use: `DATABASE_URL`'s server when set (its database is then the app's),
 * otherwise the embedded PostgreSQL under `.data/postgres`, started here and stopped when we are done.
 */
export async function openDatabaseServer(log: (line: string) => void = () => undefined): Promise<{
  serverUrl: string;
  appDatabase: string;
  server: RunningServer | undefined;
}> {
  const external = process.env.DATABASE_URL;
  if (external) {
    const url = new URL(external);
    const appDatabase = url.pathname.replace(/^\//, '') || APP_DATABASE;
    url.pathname = '/postgres';
    return { serverUrl: url.toString(), appDatabase, server: undefined };
  }
  const server = await startEmbeddedServer({ dataDir: EMBEDDED_DATA_DIR, port: EMBEDDED_PORT, log });
  return { serverUrl: server.url, appDatabase: APP_DATABASE, server };
}

export async function withDatabaseServer<T>(
  fn: (serverUrl: string, appDatabase: string) => Promise<T>,
): Promise<T> {
  const { serverUrl, appDatabase, server } = await openDatabaseServer();
  try {
    return await fn(serverUrl, appDatabase);
  } finally {
    await server?.stop();
  }
}

/** Applies the pending migrations, each in its own transaction, and says which ran. */
export async function applyMigrations(dataSource: DataSource, log: (line: string) => void): Promise<void> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  log(`migrations applied: ${applied.length === 0 ? 'none pending' : applied.map((m) => m.name).join(', ')}`);
}
