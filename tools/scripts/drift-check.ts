/**
 * Fails when the entities and the migrations disagree, and when the migrations cannot be undone.
 * On a scratch database: migrate up from zero, ask TypeORM what it would still change (must be nothing),
 * revert every migration (must leave no table behind but TypeORM's own), then migrate up again.
 */
import { createDataSource, dropDatabase, ensureDatabase, migrations, schemaDiff } from '@tixclear/db';
import { cliArgs } from '../runtime/cli-args';
import { withDatabaseServer } from './database';

cliArgs('db:drift', { options: {} });

const failures: string[] = [];

await withDatabaseServer(async (serverUrl) => {
  const scratch = `drift_${process.pid}_${Date.now()}`;
  const ds = await createDataSource(await ensureDatabase(serverUrl, scratch)).initialize();
  try {
    await ds.runMigrations();
    const diff = await schemaDiff(ds);
    if (diff.up.length > 0) {
      failures.push(
        `entities differ from migrations; missing migration would run:\n  ${diff.up.join(';\n  ')}`,
      );
    }
    for (let i = 0; i < migrations.length; i++) await ds.undoLastMigration();
    const left = await ds.query<{ table_name: string }[]>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'`,
    );
    if (left.length > 0)
      failures.push(`down migrations leave tables behind: ${left.map((r) => r.table_name).join(', ')}`);
    await ds.runMigrations();
  } finally {
    await ds.destroy();
    await dropDatabase(serverUrl, scratch);
  }
});

if (failures.length > 0) {
  console.error(`migration drift check FAILED\n${failures.join('\n')}`);
  process.exit(1);
}
console.log(`migration drift check passed (${migrations.length} migrations, up, down and up again)`);
