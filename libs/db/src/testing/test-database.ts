import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ensureDatabase, dropDatabase } from '../admin';
import { createDataSource } from '../data-source';

export interface TestDatabase {
  url: string;
  dataSource: DataSource;
  /** Drops the database; call from afterAll. */
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database of its own for one suite, on the test run's server (see tools/testing), or on
 * `serverUrl` (the demo and the benchmarks bring their own server).
 */
export async function createTestDatabase(
  serverUrl = process.env.TIXCLEAR_TEST_PG_URL,
): Promise<TestDatabase> {
  if (!serverUrl) throw new Error('TIXCLEAR_TEST_PG_URL is not set: run tests through jest (global setup)');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const url = await ensureDatabase(serverUrl, name);
  const dataSource = await createDataSource(url, { logging: false }).initialize();
  await dataSource.runMigrations();
  return {
    url,
    dataSource,
    drop: async () => {
      await dataSource.destroy();
      await dropDatabase(serverUrl, name);
    },
  };
}
