/**
 * `npm start`: the database (embedded unless DATABASE_URL is set), its migrations, the gateway simulator
 * (unless GATEWAY_URL points at a real gateway), the API and the settlement worker. Ctrl-C stops all of it;
 * after a `kill -9` of this process the children notice the lost IPC channel and exit, and the next start
 * stops the orphaned PostgreSQL (see libs/db/src/embedded-server.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createDataSource, ensureDatabase, type GatewaySource, PartnerRegistry } from '@tixclear/db';
import { cliArgs } from '../runtime/cli-args';
import { cliLogger } from '../runtime/cli-logger';
import { applyMigrations, openDatabaseServer, REPO_ROOT } from './database';
import { resolveMasterKey } from './master-key';
import { prepareDemo } from './start-demo';
import { preparePartners } from './start-partners';

cliArgs('start', { options: {} }); // everything is configured by the environment (see README)
const logger = cliLogger('start', 'stdout');
const log = (line: string) => logger.info(line);
const children = new Map<string, ChildProcess>();
let shuttingDown = false;

const { serverUrl, appDatabase, server } = await openDatabaseServer();
const databaseUrl = await ensureDatabase(serverUrl, appDatabase);
log(`database ${server ? 'embedded (.data/postgres)' : 'from DATABASE_URL'}: ${appDatabase}`);

const masterKey = resolveMasterKey();
const migrator = await createDataSource(databaseUrl).initialize();
await applyMigrations(migrator, log);
const simulatorMain = path.join(REPO_ROOT, 'tools/gateway-simulator/src/main.ts');
const gateway: GatewaySource =
  !process.env.GATEWAY_URL && existsSync(simulatorMain) ? 'simulator' : 'external';
const partners = await preparePartners(
  new PartnerRegistry(migrator, masterKey.key),
  { database: server ? 'embedded' : 'external', gateway },
  log,
);
await migrator.destroy();

const env: NodeJS.ProcessEnv = {
  ...process.env,
  DATABASE_URL: databaseUrl,
  TIXCLEAR_MASTER_KEY: masterKey.hex,
};
const simulatorUrl = `http://127.0.0.1:${process.env.SIMULATOR_PORT ?? '4010'}`;
const apiUrl = `http://127.0.0.1:${process.env.PORT ?? 3000}`;
if (gateway === 'simulator') {
  env.GATEWAY_URL = `${simulatorUrl}/api/init`;
  // The simulator reports to the API this start runs, on whatever PORT it was given.
  env.SIMULATOR_NOTIFY_URL ??= `${apiUrl}/gateway/notify`;
  run('simulator', simulatorMain);
}
run('api', path.join(REPO_ROOT, 'apps/api/src/main.ts'));
run('worker', path.join(REPO_ROOT, 'apps/settlement-worker/src/main.ts'));
log(`API on ${apiUrl} (GET /health); Ctrl-C stops everything`);
// The demo (a day with numbers, a console operator and a sign-in link) only where the sample partners are.
if (partners !== 'nothing registered')
  void prepareDemo({
    databaseUrl,
    masterKey: masterKey.key,
    apiUrl,
    publicUrl: (process.env.API_PUBLIC_URL ?? apiUrl).replace(/\/+$/, ''),
    simulatorUrl,
    log,
  }).catch((error: unknown) => logger.error({ err: error }, 'the demo day failed; the services run on'));

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutdown(0));

function run(name: string, entry: string): void {
  const runtime = (file: string) => ['--import', path.join(REPO_ROOT, 'tools/runtime', file)];
  const child = spawn(process.execPath, [...runtime('lifeline.mjs'), ...runtime('register.mjs'), entry], {
    cwd: REPO_ROOT,
    env,
    // The IPC channel is the children's lifeline: it closes when this process dies, however it dies.
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.set(name, child);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!shuttingDown) {
      log(`${name} exited unexpectedly (${signal ?? `code ${code}`}); stopping everything`);
      void shutdown(1);
    }
  });
}

async function shutdown(exitCode: number): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  log('stopping…');
  await Promise.all([...children.values()].map((child) => stopChild(child)));
  await server?.stop();
  log('stopped');
  process.exit(exitCode);
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const killTimer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(killTimer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
