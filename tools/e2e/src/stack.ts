import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { encryptJson } from '@tixclear/crypto';
import {
  createTestDatabase,
  ensureSamplePartner,
  freePort,
  PartnerRegistry,
  PartnerReportSettings,
  SAMPLE_PARTNER,
  type TestDatabase,
} from '@tixclear/db';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '@tixclear/gateway-simulator';

const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');

export interface StackOptions {
  /** The PostgreSQL server to make the stack's database on; default: the test run's. */
  serverUrl?: string;
  simulator?: SimulatorOptions;
  /** Start the settlement worker too (partner reports, reconciliation). */
  worker?: boolean;
  env?: Record<string, string>;
  /** Receives the API's stdout (its JSON log lines; set LOG_LEVEL in env); otherwise it is dropped. */
  apiOutput?: (chunk: string) => void;
}

/**
 * The whole engine for an end-to-end test: a fresh database on the test run's PostgreSQL, the gateway
 * simulator in this process (so the test can inject faults and inspect it), and the real API (and worker)
 * as child processes started exactly as `npm start` starts them, talking over real HTTP.
 */
export interface Stack {
  apiUrl: string;
  sim: RunningSimulator;
  db: TestDatabase;
  registry: PartnerRegistry;
  /** The sample partner's report secret (`whsec_…`). */
  reportSecret: string;
  env: Record<string, string>;
  /** Sends a command through `POST /api/init` as the sample partner (form-encoded, like the PHP client). */
  call(
    command: string,
    data: unknown,
    options?: { json?: boolean },
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  startWorker(): Promise<void>;
  stop(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const db = await createTestDatabase(options.serverUrl);
  const masterKey = randomBytes(32);
  const registry = new PartnerRegistry(db.dataSource, masterKey);
  await ensureSamplePartner(registry);
  // Reports are signed: the sample partner gets a secret (specs that verify read it back through the stack).
  const reportSecret = (
    await new PartnerReportSettings(db.dataSource, masterKey).rotateSecret(SAMPLE_PARTNER.partnerUid, {
      overlapMs: 0,
    })
  ).secret;
  // The sample partner's other redemption points the specs name (an offline request must name its own).
  await registry.setPoint(SAMPLE_PARTNER.partnerUid, {
    kind: 'store',
    pointRef: '398800730001',
    name: 'a MYTIX store',
    payoutAccount: null,
  });
  await registry.setPoint(SAMPLE_PARTNER.partnerUid, {
    kind: 'dealer',
    pointRef: 'SHOP0042',
    name: 'own till',
    payoutAccount: null,
  });
  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const sim = await startSimulator({
    notifyUrl: `${apiUrl}/gateway/notify`,
    log: () => undefined,
    ...options.simulator,
    payoff: { approval: 'manual', remitDelayMs: 0, ...options.simulator?.payoff },
    notifications: { backoffMs: [50], timeoutMs: 2_000, ...options.simulator?.notifications },
  });
  const env: Record<string, string> = {
    DATABASE_URL: db.url,
    TIXCLEAR_MASTER_KEY: masterKey.toString('hex'),
    GATEWAY_URL: sim.baseUrl,
    GATEWAY_TIMEOUT_MS: '3000',
    PORT: String(apiPort),
    LOG_LEVEL: 'silent',
    REPORT_RETRY_DELAY_SECONDS: '1',
    // Specs receive partner reports on loopback, over plain http.
    REPORT_URLS_ALLOW_LOOPBACK: 'true',
    QUEUE_POLL_SECONDS: '0.5',
    ...options.env,
  };
  const children: ChildProcess[] = [];
  const run = (entry: string, output?: (chunk: string) => void) => {
    const child = spawn(
      process.execPath,
      ['--import', path.join(REPO_ROOT, 'tools/runtime/register.mjs'), path.join(REPO_ROOT, entry)],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, ...env },
        stdio: ['ignore', output ? 'pipe' : 'ignore', 'inherit'],
      },
    );
    child.stdout?.on('data', (chunk: Buffer) => output?.(chunk.toString()));
    children.push(child);
    return child;
  };
  run('apps/api/src/main.ts', options.apiOutput);
  await waitFor(`${apiUrl}/health`);

  const stack: Stack = {
    apiUrl,
    sim,
    db,
    registry,
    reportSecret,
    env,
    call: (command, data, callOptions) => callApi(apiUrl, command, data, callOptions?.json ?? false),
    startWorker: async () => {
      const worker = run('apps/settlement-worker/src/main.ts');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      if (worker.exitCode !== null) throw new Error('the worker exited at start');
    },
    stop: async () => {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
              setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
            }),
        ),
      );
      await sim.close();
      await db.drop();
    },
  };
  if (options.worker) await stack.startWorker();
  return stack;
}

export async function callApi(
  apiUrl: string,
  command: string,
  data: unknown,
  json = false,
  partner: { uid: string; key: string } = { uid: SAMPLE_PARTNER.partnerUid, key: SAMPLE_PARTNER.key },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const fields = {
    store_uid: partner.uid,
    service: encryptJson({ service_name: 'api', cmd: `api/${command}` }, partner.key),
    encry_data: encryptJson(data, partner.key),
  };
  const response = await fetch(`${apiUrl}/api/init`, {
    method: 'POST',
    headers: { 'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded' },
    body: json ? JSON.stringify(fields) : new URLSearchParams(fields).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function waitFor(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until `probe` returns a value (not undefined), polling. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
