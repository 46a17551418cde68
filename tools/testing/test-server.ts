import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { freePort, startEmbeddedServer } from '@tixclear/db';

/**
 * One PostgreSQL server per test run: the embedded one in a scratch directory, or `DATABASE_URL`'s server
 * when set. Suites create their own databases on it (see test-database.ts). Workers inherit the env var.
 */
declare global {
  var __TIXCLEAR_TEST_PG_STOP__: (() => Promise<void>) | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) {
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = '/postgres';
    process.env.TIXCLEAR_TEST_PG_URL = url.toString();
    return;
  }
  const root = path.resolve(import.meta.dirname, '../../tmp');
  mkdirSync(root, { recursive: true });
  const scratch = mkdtempSync(path.join(root, 'test-pg-'));
  // mkdtemp makes it private; the server may run as the OS user `postgres` (see embedded-server.ts).
  chmodSync(scratch, 0o755);
  const dataDir = path.join(scratch, 'data');
  const server = await startEmbeddedServer({ dataDir, port: await freePort(), ephemeral: true });
  // The ephemeral server removes its data directory; the scratch directory around it goes too.
  globalThis.__TIXCLEAR_TEST_PG_STOP__ = async () => {
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  };
  process.env.TIXCLEAR_TEST_PG_URL = server.url;
}
