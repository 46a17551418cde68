/**
 * Writes a migration for whatever the entities declare beyond the current migrations:
 *   npm run db:generate -- <PascalCaseName>
 * It migrates a scratch database from zero, asks TypeORM for the difference and writes it, with its `down`.
 */
import { writeFileSync } from 'node:fs';
import { createDataSource, dropDatabase, ensureDatabase, schemaDiff } from '@tixclear/db';
import { cliArgs } from '../runtime/cli-args';
import { withDatabaseServer } from './database';

const {
  positionals: [name, ...extra],
} = cliArgs('db:generate', { options: {}, allowPositionals: true });
if (!name || extra.length > 0 || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
  console.error('usage: npm run db:generate -- <PascalCaseName>');
  process.exit(2);
}

await withDatabaseServer(async (serverUrl) => {
  const scratch = `scratch_${Date.now()}`;
  const url = await ensureDatabase(serverUrl, scratch);
  const ds = await createDataSource(url).initialize();
  try {
    await ds.runMigrations();
    const diff = await schemaDiff(ds);
    if (diff.up.length === 0) {
      console.log('entities and migrations agree: nothing to generate');
      return;
    }
    const timestamp = Date.now();
    const className = `${name}${timestamp}`;
    const kebab = name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
    const file = `libs/db/src/migrations/${timestamp}-${kebab}.ts`;
    const lines = (qs: string[]) =>
      qs.map((q) => `    await queryRunner.query(${JSON.stringify(q)});`).join('\n');
    writeFileSync(
      file,
      `import type { MigrationInterface, QueryRunner } from 'typeorm';\n\nexport class ${className} implements MigrationInterface {\n  name = '${className}';\n\n  async up(queryRunner: QueryRunner): Promise<void> {\n${lines(diff.up)}\n  }\n\n  async down(queryRunner: QueryRunner): Promise<void> {\n${lines(diff.down.reverse())}\n  }\n}\n`,
    );
    console.log(`wrote ${file}; add ${className} to libs/db/src/migrations/index.ts`);
  } finally {
    await ds.destroy();
    await dropDatabase(serverUrl, scratch);
  }
});
