/**
 * `npm run db:migrate`: applies the pending migrations to the database `npm start` uses: `DATABASE_URL`'s, or else
 * the embedded PostgreSQL under `.data/postgres`, started for the purpose and stopped after. Takes no arguments.
 */
import { parseArgs } from 'node:util';
import { createDataSource, ensureDatabase } from '@tixclear/db';
import { applyMigrations, openDatabaseServer } from './database';

const log = (line: string) => console.log(`[db:migrate] ${line}`);

try {
  parseArgs({ args: process.argv.slice(2), options: {}, strict: true, allowPositionals: false });
} catch (error) {
  console.error(`db:migrate: ${(error as Error).message}`);
  process.exit(2);
}

const { serverUrl, appDatabase, server } = await openDatabaseServer();
try {
  const databaseUrl = await ensureDatabase(serverUrl, appDatabase);
  log(`database ${server ? 'embedded (.data/postgres)' : 'from DATABASE_URL'}: ${appDatabase}`);
  const dataSource = await createDataSource(databaseUrl).initialize();
  try {
    await applyMigrations(dataSource, log);
  } finally {
    await dataSource.destroy();
  }
} finally {
  await server?.stop();
}
