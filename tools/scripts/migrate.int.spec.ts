import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createDataSource, dropDatabase, ensureDatabase, migrations } from '@tixclear/db';

const ROOT = path.resolve(import.meta.dirname, '../..');
const serverUrl = () => process.env.TIXCLEAR_TEST_PG_URL!;

/** `npm run db:migrate` as the README runs it (the same command line), against `databaseUrl`. */
function migrate(databaseUrl: string, ...args: string[]) {
  return spawnSync(
    process.execPath,
    ['--import', './tools/runtime/register.mjs', 'tools/scripts/migrate.ts', ...args],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DATABASE_URL: databaseUrl }, timeout: 60_000 },
  );
}

describe('npm run db:migrate', () => {
  const name = `t_migrate_${randomBytes(5).toString('hex')}`;
  afterAll(async () => {
    await dropDatabase(serverUrl(), name);
  });

  it("applies every migration to DATABASE_URL's database, then finds none pending", async () => {
    const url = await ensureDatabase(serverUrl(), name);
    const first = migrate(url);
    expect({ status: first.status, stderr: first.stderr }).toEqual({ status: 0, stderr: '' });
    expect(first.stdout).toContain(`database from DATABASE_URL: ${name}`);
    const dataSource = await createDataSource(url).initialize();
    try {
      const rows = await dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM migrations`);
      expect(rows).toEqual([{ n: migrations.length }]);
    } finally {
      await dataSource.destroy();
    }
    const again = migrate(url);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('migrations applied: none pending');
  }, 90_000);

  it('refuses an argument it does not take, and touches nothing', () => {
    const run = migrate('postgres://nobody@127.0.0.1:1/none', '--revert');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--revert');
  });
});
