/**
 * `npm run db:migrate`: applies the pending migrations to the database `npm start` uses: `DATABASE_URL`'s, or else
 * the embedded PostgreSQL under `.data/postgres`, started for the purpose and stopped after. Takes no arguments.
 */
import { createDataSource, ensureDatabase } from '@tixclear/db';
import { cliArgs } from '../runtime/cli-args';
import { cliLogger } from '../runtime/cli-logger';
import { applyMigrations, openDatabaseServer } from './database';

const logger = cliLogger('db:migrate', 'stdout');
const log = (line: string) => logger.info(line);

cliArgs('db:migrate', { options: {} });

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
