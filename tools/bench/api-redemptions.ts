/**
 * Online redemptions through the whole engine, against the database's own ceiling.
 *
 *   npm run bench:api
 *   npm run bench:api -- --seconds=20 --concurrency=16 --vouchers=20000
 *   npm run bench:api -- --profile          # CPU profile of the API process, in tmp/bench-profile/
 *   npm run bench:api -- --with-reports     # the simulator also reports each redemption to /gateway/notify
 *   npm run bench:api -- --concurrency=16,64   # one API phase per client count (the first one is compared)
 *   npm run bench:api -- --processes=2         # two API processes (clients spread over them) and two workers
 *   npm run bench:api -- --statements          # PostgreSQL's heaviest statements per phase (pg_stat_statements)
 *
 * It starts everything itself, in a scratch directory: an embedded PostgreSQL (fresh cluster, migrations), the
 * gateway simulator in this process (no faults; reports off unless --with-reports, so that only redemptions
 * are measured), and the real API as a child process exactly as `npm start` runs it (LOG_LEVEL=silent).
 *
 *  1. Vouchers: bought and paid for in bulk through the API itself (purchases of 500 vouchers, paid on the
 *     simulator, settled by voucherservicequery), so our database and the simulator agree on every voucher.
 *  2. API phase: `--concurrency` clients redeem one voucher each per request through POST /api/init (the
 *     PHP client's form body) for `--seconds`, after a short warm-up; per-request latency is measured here.
 *  3. Two-phase loop: as many vouchers (also issued through the API, so the simulator knows them) redeemed by
 *     the same number of clients in a process of its own, as the API has one (two-phase-child.ts), with the
 *     engine's own two statements and a real gateway call between them, nothing else (two-phase-loop.ts):
 *     what the design's durable work and the gateway hop cost without the API's layers.
 *  4. Bare PostgreSQL phase: the same number of vouchers (inserted directly), redeemed by 8 connections with
 *     the smallest correct transaction: the conditional UPDATE of the voucher and the INSERT of its line.
 *
 * Prints API redemptions/s, p50 and p99 (per client count), both loops' rates and the ratios. Targets: API ≥ ½
 * the two-phase loop, API CPU ≤ 0.35 ms per redemption, p99 < 50 ms at 16 clients and < 150 ms at 64.
 * All processes share this machine's cores: the figures are for this machine, not a capacity plan.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { encryptJson } from '@tixclear/crypto';
import {
  createDataSource,
  ensureDatabase,
  ensureSamplePartner,
  freePort,
  PartnerEntity,
  PartnerRegistry,
  SAMPLE_PARTNER,
  startEmbeddedServer,
} from '@tixclear/db';
import { startSimulator } from '@tixclear/gateway-simulator';
import pg from 'pg';
import { cliArgs, positiveNumber } from '../runtime/cli-args';
import { cliLogger } from '../runtime/cli-logger';
import {
  ownCpuSeconds,
  postmasterPidOf,
  processCpuSeconds,
  processSystemSeconds,
  serverCpuSeconds,
} from './process-cpu';
import {
  enableStatementStats,
  heaviestStatements,
  resetStatementStats,
  STATEMENT_STATS_SETTINGS,
} from './statement-stats';
import { drive, type PhaseResult } from './drive';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

const { values: args } = cliArgs('bench:api', {
  options: {
    seconds: { type: 'string' },
    warmup: { type: 'string' },
    concurrency: { type: 'string' },
    vouchers: { type: 'string' },
    'bare-connections': { type: 'string' },
    profile: { type: 'boolean' },
    'with-reports': { type: 'boolean' },
    processes: { type: 'string' },
    statements: { type: 'boolean' },
  },
});
const SECONDS = positiveNumber('bench:api', args.seconds, 'seconds', 15);
const WARMUP_SECONDS = positiveNumber('bench:api', args.warmup, 'warmup', 2);
const CONCURRENCIES = (args.concurrency ?? '16')
  .split(',')
  .map((each) => positiveNumber('bench:api', each, 'concurrency', 16, true));
const CONCURRENCY = CONCURRENCIES[0]!;
const VOUCHERS = positiveNumber('bench:api', args.vouchers, 'vouchers', 15_000 * CONCURRENCIES.length, true);
const BARE_CONNECTIONS = positiveNumber('bench:api', args['bare-connections'], 'bare-connections', 8, true);
const PER_PURCHASE = 500;
const PROFILE = args.profile === true;
const WITH_REPORTS = args['with-reports'] === true;
/** `--statements`: PostgreSQL's heaviest statements per phase (pg_stat_statements), per redemption. */
const STATEMENTS = args.statements === true;
/** `--processes N`: N API processes (clients spread over them) and N settlement workers; unset: one API only. */
const PROCESSES =
  args.processes === undefined
    ? undefined
    : positiveNumber('bench:api', args.processes, 'processes', 1, true);

const logger = cliLogger('bench:api');
const log = (line: string) => logger.info(line);
const cleanups: (() => Promise<void>)[] = [];
const apiPids: number[] = [];
let loopPid = 0;
let postmasterPid = 0;
async function cleanup(): Promise<void> {
  for (const step of cleanups.reverse()) await step().catch(() => undefined);
  cleanups.length = 0;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void cleanup().then(() => process.exit(130)));
}

// --- the stack ---------------------------------------------------------------------------------------

async function startStackPieces() {
  const scratchRoot = path.join(REPO_ROOT, 'tmp');
  mkdirSync(scratchRoot, { recursive: true });
  const scratch = mkdtempSync(path.join(scratchRoot, 'bench-'));
  // The server may run as the OS user `postgres` (when we are root): it must be able to enter the directory.
  chmodSync(scratch, 0o755);
  cleanups.push(() => Promise.resolve(rmSync(scratch, { recursive: true, force: true })));

  const server = await startEmbeddedServer({
    dataDir: path.join(scratch, 'data'),
    port: await freePort(),
    ephemeral: true,
    ...(STATEMENTS ? { settings: STATEMENT_STATS_SETTINGS } : {}),
  });
  cleanups.push(() => server.stop());
  postmasterPid = postmasterPidOf(path.join(scratch, 'data')) ?? 0;
  const databaseUrl = await ensureDatabase(server.url, 'bench');
  const dataSource = await createDataSource(databaseUrl).initialize();
  cleanups.push(() => dataSource.destroy());
  await dataSource.runMigrations();
  if (STATEMENTS) await enableStatementStats(dataSource);
  const masterKey = randomBytes(32);
  await ensureSamplePartner(new PartnerRegistry(dataSource, masterKey));

  const apiPorts = await Promise.all(Array.from({ length: PROCESSES ?? 1 }, () => freePort()));
  const apiUrls = apiPorts.map((port) => `http://127.0.0.1:${port}`);
  const apiUrl = apiUrls[0]!;
  const sim = await startSimulator({
    notifyUrl: WITH_REPORTS ? `${apiUrl}/gateway/notify` : null,
    log: () => undefined,
  });
  cleanups.push(() => sim.close());

  const profileDir = path.join(REPO_ROOT, 'tmp', 'bench-profile');
  const nodeArgs = [
    '--import',
    path.join(REPO_ROOT, 'tools/runtime/lifeline.mjs'),
    '--import',
    path.join(REPO_ROOT, 'tools/runtime/register.mjs'),
  ];
  // A preloaded module of your own (e.g. to count queries): BENCH_API_IMPORT=/path/to/module.mjs.
  if (process.env.BENCH_API_IMPORT) nodeArgs.unshift('--import', process.env.BENCH_API_IMPORT);
  if (PROFILE) {
    mkdirSync(profileDir, { recursive: true });
    // The profile is written at a normal exit only: on SIGTERM, exit at once (before Nest's own handler).
    nodeArgs.unshift(
      '--cpu-prof',
      `--cpu-prof-dir=${profileDir}`,
      '--import',
      'data:text/javascript,process.prependListener("SIGTERM",()=>process.exit(0))',
    );
  }
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    TIXCLEAR_MASTER_KEY: masterKey.toString('hex'),
    GATEWAY_URL: sim.baseUrl,
    LOG_LEVEL: 'silent',
  };
  for (const port of apiPorts) {
    const api = spawn(process.execPath, [...nodeArgs, path.join(REPO_ROOT, 'apps/api/src/main.ts')], {
      cwd: REPO_ROOT,
      env: { ...env, PORT: String(port) },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    cleanups.push(() => stopChild(api));
    await waitFor(`http://127.0.0.1:${port}/health`);
    if (PROFILE) log(`profiling the API (pid ${api.pid}) into ${profileDir}`);
    apiPids.push(api.pid ?? 0);
  }
  // Workers as `npm start` runs them, sharing the queue and the locks (docs/scaling.md): not timed, their CPU
  // is left out of the API's.
  for (let i = 0; i < (PROCESSES ?? 0); i++) {
    const worker = spawn(
      process.execPath,
      [
        '--import',
        path.join(REPO_ROOT, 'tools/runtime/register.mjs'),
        path.join(REPO_ROOT, 'apps/settlement-worker/src/main.ts'),
      ],
      {
        cwd: REPO_ROOT,
        env: { ...env, EXPORT_DIR: path.join(scratch, `exports-${i}`) },
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      },
    );
    cleanups.push(() => stopChild(worker));
    // Started one after the other: two workers creating pg-boss's queues at once on a fresh database can
    // deadlock in createQueue and one of them exits (seen with --processes 2; docs/benchmarks.md).
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    if (worker.exitCode !== null)
      throw new Error(`worker ${i + 1} exited at start (code ${worker.exitCode})`);
  }
  return { dataSource, databaseUrl, sim, apiUrl, apiUrls, masterKey };
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

async function waitFor(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// --- talking to the API as the sample partner ----------------------------------------------------------

let sequence = 0;
const runId = Date.now().toString(36).toUpperCase();
const nextId = (prefix: string) => `${prefix}${runId}${(sequence++).toString(36).toUpperCase()}`;

async function call(apiUrl: string, command: string, data: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${apiUrl}/api/init`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      store_uid: SAMPLE_PARTNER.partnerUid,
      service: encryptJson({ service_name: 'api', cmd: `api/${command}` }, SAMPLE_PARTNER.key),
      encry_data: encryptJson(data, SAMPLE_PARTNER.key),
    }).toString(),
  });
  return (await response.json()) as Record<string, unknown>;
}

/** The PHP client's form body of one online redemption of `serial`, under a fresh order id. */
function redemptionBody(serial: string): string {
  const data = {
    store_uid: SAMPLE_PARTNER.partnerUid,
    order_id: nextId('BR'),
    user_id: 'bench',
    ip: '127.0.0.1',
    items: [{ id: 'H01', serial_number: serial }],
  };
  return new URLSearchParams({
    store_uid: SAMPLE_PARTNER.partnerUid,
    service: encryptJson({ service_name: 'api', cmd: 'api/vouchertransaction' }, SAMPLE_PARTNER.key),
    encry_data: encryptJson(data, SAMPLE_PARTNER.key),
  }).toString();
}

/** Keep-alive connections, one per client: what a partner's HTTP client pool does. */
const loadAgent = new http.Agent({ keepAlive: true, maxSockets: Math.max(...CONCURRENCIES) });

/** POST /api/init with node:http (lighter than fetch: the load should cost as little as it can). */
function postForm(apiUrl: string, body: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${apiUrl}/api/init`,
      {
        method: 'POST',
        agent: loadAgent,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

const ymd = (date: Date) => date.toISOString().slice(0, 10).replace(/-/g, '');

/** Buys `count` vouchers through the API in purchases of PER_PURCHASE, pays them, settles them by query. */
async function issueVouchers(stack: Awaited<ReturnType<typeof startStackPieces>>, count: number) {
  const serials: string[] = [];
  const start = new Date();
  const end = new Date(start.getTime() + 364 * 86_400_000);
  for (let done = 0; done < count; done += PER_PURCHASE) {
    const amount = Math.min(PER_PURCHASE, count - done);
    const orderId = nextId('BP');
    const batch = Array.from({ length: amount }, (_, i) => `${orderId}S${i}`);
    const purchase = await call(stack.apiUrl, 'voucherservicepurchase', {
      store_uid: SAMPLE_PARTNER.partnerUid,
      order_id: orderId,
      pfn: '0',
      user_data: { user_id: 'bench', ip: '127.0.0.1' },
      cost: 50 * amount,
      currency: 'TWD',
      items: [
        {
          id: 'H01',
          name: 'bench voucher',
          amount,
          price: 50,
          cost: 50,
          total_price: 50 * amount,
          total_cost: 50 * amount,
          gift_number: 0,
          trust_start_date: ymd(start),
          trust_end_date: ymd(end),
          is_custom_serial: 1,
          serial_numbers: JSON.stringify(batch),
          sharing: { headquarters: '0.15', sales: '0.1', reimbursement: '0.75' },
        },
      ],
      declarations: [{ name: 'bench voucher', content: '<b>bench</b>' }],
    });
    if (purchase.code !== '200') throw new Error(`purchase refused: ${JSON.stringify(purchase)}`);
    stack.sim.control.pay(Number(purchase.uid));
    const settled = await call(stack.apiUrl, 'voucherservicequery', {
      store_uid: SAMPLE_PARTNER.partnerUid,
      order_id: orderId,
    });
    if ((settled.content as { code?: unknown } | undefined)?.code !== '250')
      throw new Error(`purchase not paid: ${JSON.stringify(settled)}`);
    serials.push(...batch);
  }
  return serials;
}

// --- measuring ---------------------------------------------------------------------------------------

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function describe(name: string, result: PhaseResult) {
  const sorted = [...result.latenciesMs].sort((a, b) => a - b);
  const rate = result.count / result.seconds;
  const failed = [...result.failures.values()].reduce((a, b) => a + b, 0);
  return {
    name,
    rate,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    count: result.count,
    failed,
    failures: result.failures,
  };
}

/**
 * CPU seconds used so far by the API, by our PostgreSQL (its postmaster, backends alive or exited, auxiliary
 * processes) and by this process (the simulator and the load), from /proc: where the machine's time goes.
 * Undefined off Linux.
 */
function cpuSeconds():
  | { api: number; apiSystem: number; postgres: number; bench: number; loop: number; loopSystem: number }
  | undefined {
  const postgres = serverCpuSeconds(postmasterPid);
  if (postgres === undefined) return undefined;
  const sum = (pids: number[], read: (pid: number) => number | undefined) =>
    pids.reduce((total, pid) => total + (read(pid) ?? 0), 0);
  const loopPids = loopPid === 0 ? [] : [loopPid];
  return {
    api: sum(apiPids, (pid) => processCpuSeconds(pid)),
    // Kernel time apart: a --profile's large `writev` share is wall time (the API preempted by the backend its
    // write woke), not CPU; this is what the kernel spent for the process, loopback sockets included.
    apiSystem: sum(apiPids, processSystemSeconds),
    postgres,
    bench: ownCpuSeconds(),
    loop: sum(loopPids, (pid) => processCpuSeconds(pid)),
    loopSystem: sum(loopPids, processSystemSeconds),
  };
}

/** The API process's CPU milliseconds per redemption between two readings. */
function apiCpuMs(
  before: ReturnType<typeof cpuSeconds>,
  after: ReturnType<typeof cpuSeconds>,
  count: number,
) {
  if (before === undefined || after === undefined || count === 0) return Number.NaN;
  return ((after.api - before.api) * 1000) / count;
}

function cpuPerRedemption(
  before: ReturnType<typeof cpuSeconds>,
  after: ReturnType<typeof cpuSeconds>,
  count: number,
): string {
  if (before === undefined || after === undefined || count === 0) return 'n/a';
  const delta = {
    api: after.api - before.api,
    apiSystem: after.apiSystem - before.apiSystem,
    postgres: after.postgres - before.postgres,
    bench: after.bench - before.bench,
    loop: after.loop - before.loop,
    loopSystem: after.loopSystem - before.loopSystem,
  };
  const ms = (key: keyof typeof delta) => fmt((delta[key] * 1000) / count, 2);
  const loop = delta.loop > 0 ? `, two-phase loop process ${ms('loop')} ms (kernel ${ms('loopSystem')})` : '';
  return `API ${ms('api')} ms (kernel ${ms('apiSystem')}), PostgreSQL ${ms('postgres')} ms, simulator + load ${ms('bench')} ms${loop}`;
}

// --- the two-phase loop ---------------------------------------------------------------------------

/** The two-phase loop in its own process (two-phase-child.ts), timed there; its CPU read from here. */
async function twoPhaseLoop(
  stack: Awaited<ReturnType<typeof startStackPieces>>,
  serials: string[],
): Promise<PhaseResult & { cpu: string }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      path.join(REPO_ROOT, 'tools/runtime/register.mjs'),
      path.join(import.meta.dirname, 'two-phase-child.ts'),
    ],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  );
  cleanups.push(() => stopChild(child));
  const messages: unknown[] = [];
  let wake: (() => void) | undefined;
  child.on('message', (message) => {
    messages.push(message);
    wake?.();
  });
  child.once('exit', () => wake?.());
  const next = async (): Promise<Record<string, unknown>> => {
    while (messages.length === 0) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error('the two-phase loop exited');
      await new Promise<void>((resolve) => (wake = resolve));
    }
    const message = messages.shift() as Record<string, unknown>;
    if (typeof message.error === 'string') throw new Error(`two-phase loop: ${message.error}`);
    return message;
  };
  child.send({
    databaseUrl: stack.databaseUrl,
    masterKey: stack.masterKey.toString('hex'),
    gatewayUrl: stack.sim.baseUrl,
    partnerUid: SAMPLE_PARTNER.partnerUid,
    serials,
    clients: CONCURRENCY,
  });
  await next(); // ready: connected, statements prepared
  loopPid = child.pid ?? 0;
  const cpuBefore = cpuSeconds();
  child.send({ go: true });
  const result = (await next()) as unknown as Omit<PhaseResult, 'failures'> & {
    failures: [string, number][];
  };
  const cpu = cpuPerRedemption(cpuBefore, cpuSeconds(), result.count);
  child.send({ done: true });
  loopPid = 0;
  return { ...result, failures: new Map(result.failures), cpu };
}

// --- the bare database loop --------------------------------------------------------------------------

/** The smallest correct redemption: hold the voucher conditionally, write its line, in one transaction. */
async function bareDatabasePhase(
  databaseUrl: string,
  partnerId: string,
  count: number,
): Promise<PhaseResult & { cpu: string }> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  const operationId = '00000000-0000-4000-8000-000000000001';
  // Inserted directly (the purchase the vouchers belong to, then the vouchers): the loop measures redemptions.
  await admin.query(
    `INSERT INTO operations (id, partner_id, order_id, upstream_order_id, kind, command, request_hash, request, state)
     VALUES ($1, $2, 'BARE-PURCHASE', 'BARE-PURCHASE', 'purchase', 'voucherservicepurchase', 'bench', '{}', 'paid')`,
    [operationId, partnerId],
  );
  await admin.query(
    `INSERT INTO vouchers (partner_id, purchase_operation_id, item_id, item_name, serial_number, is_paid, price,
       cost, sharing_headquarters, sharing_sales, sharing_reimbursement, trust_end_date, validity_end_date,
       sales_point, state)
     SELECT $1, $2, 'H01', 'bench voucher', 'BARE' || g, true, 50, 50, 0.15, 0.1, 0.75, '2099-12-31',
       '2099-12-31', $3, 'issued'
     FROM generate_series(1, $4) AS g`,
    [partnerId, operationId, SAMPLE_PARTNER.partnerUid, count],
  );
  await admin.query('VACUUM ANALYZE vouchers');
  await admin.end();

  const fee = JSON.stringify({
    cost: 50,
    gateway_fee: 1,
    escrow_fee: 1,
    issuance_layer: 2,
    issuance_fee: 1,
    headquarters: 7,
    sales: 5,
    reimbursement: 35,
  });
  const clients = await Promise.all(
    Array.from({ length: BARE_CONNECTIONS }, async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      return client;
    }),
  );
  const serials = Array.from({ length: count }, (_, i) => `BARE${i + 1}`);
  try {
    // (CPU is read before the connections close: a backend that exits takes its counters with it.)
    const cpuBefore = cpuSeconds();
    const result = await drive(serials, BARE_CONNECTIONS, 3_600, async (serial, worker) => {
      const client = clients[worker]!;
      await client.query('BEGIN');
      try {
        const held = await client.query(
          `UPDATE vouchers SET state = 'redeemed', holder_operation_id = $3, updated_at = now()
           WHERE partner_id = $1 AND serial_number = $2 AND state = 'issued'
           RETURNING id`,
          [partnerId, serial, operationId],
        );
        const voucherId = (held.rows[0] as { id: string } | undefined)?.id;
        if (voucherId === undefined) {
          await client.query('ROLLBACK');
          return 'not issued';
        }
        await client.query(
          `INSERT INTO redemption_lines (operation_id, partner_id, voucher_id, serial_number, item_id, is_paid,
             cost, gateway_fee, our_fee, sales_point, redemption_point, redeemed_at, business_date)
           VALUES ($1, $2, $3, $4, 'H01', true, 50, $5, $5, $6, $6, now(), current_date)`,
          [operationId, partnerId, voucherId, serial, fee, `store:${SAMPLE_PARTNER.partnerUid}`],
        );
        await client.query('COMMIT');
        return undefined;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    });
    return { ...result, cpu: cpuPerRedemption(cpuBefore, cpuSeconds(), result.count) };
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

// --- the run -----------------------------------------------------------------------------------------

const fmt = (n: number, digits = 1) => n.toFixed(digits);

try {
  log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}`);
  log('starting PostgreSQL (embedded, fresh cluster), the simulator and the API...');
  const stack = await startStackPieces();
  const partner = await stack.dataSource
    .getRepository(PartnerEntity)
    .findOneByOrFail({ partnerUid: SAMPLE_PARTNER.partnerUid });

  log(
    `issuing ${VOUCHERS} vouchers through the API (purchases of ${PER_PURCHASE}, paid, settled by query)...`,
  );
  const t0 = performance.now();
  const serials = await issueVouchers(stack, VOUCHERS);
  log(`issued in ${fmt((performance.now() - t0) / 1000)} s`);

  // Every request body is sealed before the clock starts: the load generator shares the cores with what it
  // measures, so the less it does inside the window, the more of the machine the API gets.
  log(`sealing ${serials.length} redemption requests...`);
  const bodies = new Map(serials.map((serial) => [serial, redemptionBody(serial)]));
  const redeemOnline = async (serial: string, client: number): Promise<string | undefined> => {
    const answer = await postForm(stack.apiUrls[client % stack.apiUrls.length]!, bodies.get(serial)!);
    return answer.code === '250' ? undefined : JSON.stringify([answer.code, answer.error_code]);
  };
  log(`warming up for ${WARMUP_SECONDS} s...`);
  await drive(serials, CONCURRENCY, WARMUP_SECONDS, redeemOnline);
  /** With --statements: the statements' figures are counted from here to the phase's `statementsOf`. */
  const statementsFrom = () => (STATEMENTS ? resetStatementStats(stack.dataSource) : Promise.resolve());
  const statementsOf = async (count: number) =>
    STATEMENTS ? await heaviestStatements(stack.dataSource, count) : [];
  const apiPhases: {
    clients: number;
    phase: ReturnType<typeof describe>;
    cpu: string;
    cpuMs: number;
    statements: string[];
  }[] = [];
  for (const clients of CONCURRENCIES) {
    log(`API phase: ${clients} concurrent clients for ${SECONDS} s (${serials.length} vouchers left)...`);
    await statementsFrom();
    const cpuBefore = cpuSeconds();
    const phase = describe('API', await drive(serials, clients, SECONDS, redeemOnline));
    const cpuAfter = cpuSeconds();
    apiPhases.push({
      clients,
      phase,
      cpu: cpuPerRedemption(cpuBefore, cpuAfter, phase.count),
      cpuMs: apiCpuMs(cpuBefore, cpuAfter, phase.count),
      statements: await statementsOf(phase.count),
    });
    if (serials.length === 0) log('warning: the vouchers ran out before the time did; raise --vouchers');
  }
  const apiPhase = apiPhases[0]!.phase;
  const apiCpuPerRedemption = apiPhases[0]!.cpuMs;

  // The two-phase loop redeems as many vouchers as the first API phase did: those left over, topped up
  // through the API (untimed) so that the simulator knows every one of them.
  if (serials.length < apiPhase.count) {
    log(`issuing ${apiPhase.count - serials.length} more vouchers for the two-phase loop...`);
    serials.push(...(await issueVouchers(stack, apiPhase.count - serials.length)));
  }
  const loopSerials = serials.splice(0, apiPhase.count);
  log(
    `two-phase loop: ${loopSerials.length} redemptions by ${CONCURRENCY} clients in a process of its own...`,
  );
  await statementsFrom();
  const loop = await twoPhaseLoop(stack, loopSerials);
  const loopPhase = describe('two-phase', loop);
  const loopStatements = await statementsOf(loop.count);
  const loopCpu = loop.cpu;

  log(`bare PostgreSQL phase: ${apiPhase.count} redemptions on ${BARE_CONNECTIONS} connections...`);
  const bare = await bareDatabasePhase(stack.databaseUrl, partner.id, apiPhase.count);
  const barePhase = describe('bare', bare);
  const bareCpu = bare.cpu;

  const ratio = apiPhase.rate / barePhase.rate;
  const loopRatio = apiPhase.rate / loopPhase.rate;
  const load = loadavg()
    .map((n) => fmt(n, 2))
    .join(' ');
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  console.log('');
  const processes =
    PROCESSES === undefined
      ? '1 API process, no worker'
      : PROCESSES === 1
        ? '1 API process, 1 worker'
        : `${PROCESSES} API processes, ${PROCESSES} workers`;
  console.log(`online redemptions through POST /api/init (${processes}; load average at the end: ${load})`);
  for (const { clients, phase } of apiPhases) {
    console.log(
      `  API, ${clients} clients:  ${fmt(phase.rate)} redemptions/s   p50 ${fmt(phase.p50, 2)} ms   p99 ${fmt(phase.p99, 2)} ms   max ${fmt(phase.max, 1)} ms   (${phase.count} requests)`,
    );
  }
  console.log(
    `  two-phase loop (${CONCURRENCY} clients, own process): ${fmt(loopPhase.rate)} redemptions/s   p50 ${fmt(loopPhase.p50, 2)} ms   p99 ${fmt(loopPhase.p99, 2)} ms`,
  );
  console.log(
    `  bare PostgreSQL (${BARE_CONNECTIONS} connections): ${fmt(barePhase.rate)} redemptions/s   p50 ${fmt(barePhase.p50, 2)} ms   p99 ${fmt(barePhase.p99, 2)} ms`,
  );
  for (const { clients, cpu } of apiPhases)
    console.log(`  CPU per redemption, API phase (${clients} clients): ${cpu}`);
  console.log(`  CPU per redemption, two-phase loop: ${loopCpu}`);
  console.log(`  CPU per redemption, bare phase: ${bareCpu}`);
  console.log(
    `  ratio API / two-phase loop: ${fmt(loopRatio, 3)}   (target ≥ 0.5: ${met(loopRatio >= 0.5)})`,
  );
  console.log(`  ratio API / bare: ${fmt(ratio, 3)}`);
  console.log(
    `  API CPU per redemption ≤ 0.35 ms: ${fmt(apiCpuPerRedemption, 2)} ms, ${met(apiCpuPerRedemption <= 0.35)}`,
  );
  for (const { clients, phase } of apiPhases) {
    const target = clients <= 16 ? 50 : clients <= 64 ? 150 : undefined;
    if (target !== undefined)
      console.log(`  p99 < ${target} ms at ${clients} clients: ${met(phase.p99 < target)}`);
  }
  for (const phase of [...apiPhases.map((p) => p.phase), loopPhase, barePhase]) {
    if (phase.failed > 0) console.log(`  ${phase.name} failures: ${JSON.stringify([...phase.failures])}`);
  }
  for (const { clients, statements } of apiPhases) {
    if (statements.length > 0)
      console.log(`\nPostgreSQL, API phase (${clients} clients), ${statements.join('\n  ')}`);
  }
  if (loopStatements.length > 0) console.log(`\nPostgreSQL, two-phase loop, ${loopStatements.join('\n  ')}`);
} finally {
  loadAgent.destroy();
  await cleanup();
}
