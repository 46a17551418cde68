import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createDataSource,
  createTestDatabase,
  databaseUrl,
  dropDatabase,
  freePort,
  PartnerRegistry,
  PAYPAGE_SAMPLE_PARTNER,
  SAMPLE_PARTNER,
  samplePartnerAllowed,
  type TestDatabase,
} from '@tixclear/db';
import { ADD_PARTNER_COMMANDS, preparePartners } from './start-partners';

const ROOT = path.resolve(import.meta.dirname, '../..');
const serverUrl = () => process.env.TIXCLEAR_TEST_PG_URL!;

describe('which start registers the seed sample partner (public key)', () => {
  it.each([
    ['embedded', 'simulator', true],
    ['embedded', 'external', false],
    ['external', 'simulator', false],
    ['external', 'external', false],
  ] as const)('database %s, gateway %s: %s', (database, gateway, allowed) => {
    expect(samplePartnerAllowed(database, gateway)).toBe(allowed);
  });
});

describe("npm start's partner step, on a real database", () => {
  let db: TestDatabase;
  let registry: PartnerRegistry;
  const masterKey = randomBytes(32);
  beforeEach(async () => {
    db = await createTestDatabase();
    registry = new PartnerRegistry(db.dataSource, masterKey);
  });
  afterEach(async () => {
    await db?.drop();
  });

  it('registers the sample partners of seeds 000 and 001 once with the embedded database and the simulator', async () => {
    const lines: string[] = [];
    const sources = { database: 'embedded', gateway: 'simulator' } as const;
    expect(await preparePartners(registry, sources, (l) => lines.push(l))).toBe('sample registered');
    expect(await registry.findByUid(SAMPLE_PARTNER.partnerUid)).not.toBeNull();
    expect(await registry.feeSchedules(SAMPLE_PARTNER.issuerId)).toHaveLength(1);
    // Seed 001's merchant answers to its sample key inbound and speaks upstream as the simulator's same merchant.
    const paypage = await registry.context(PAYPAGE_SAMPLE_PARTNER.partnerUid);
    expect(paypage?.inbound.validKeys(new Date()).map((k) => k.secret)).toEqual([PAYPAGE_SAMPLE_PARTNER.key]);
    expect(paypage?.upstream.validKeys(new Date()).map((k) => k.secret)).toEqual([
      PAYPAGE_SAMPLE_PARTNER.key,
    ]);
    expect(paypage?.points.map((p) => p.pointRef)).toEqual([PAYPAGE_SAMPLE_PARTNER.partnerUid]);
    expect(lines.filter((l) => l.startsWith('registered the sample partner'))).toHaveLength(2);
    expect(await preparePartners(registry, sources, (l) => lines.push(l))).toBe('sample present');
    expect((await registry.list()).map((p) => p.partnerUid).sort()).toEqual(
      [PAYPAGE_SAMPLE_PARTNER.partnerUid, SAMPLE_PARTNER.partnerUid].sort(),
    );
    expect(lines.join('\n')).not.toMatch(/npm run partners/);
  });

  it.each([
    ['external', 'simulator', 'DATABASE_URL is set'],
    ['embedded', 'external', 'GATEWAY_URL is set'],
    ['external', 'external', 'DATABASE_URL is set, GATEWAY_URL is set'],
  ] as const)(
    'registers nothing with database %s and gateway %s, and says how to add a partner',
    async (database, gateway, why) => {
      const lines: string[] = [];
      expect(await preparePartners(registry, { database, gateway }, (l) => lines.push(l))).toBe(
        'nothing registered',
      );
      expect(await registry.list()).toEqual([]);
      const text = lines.join('\n');
      expect(text).toContain(`(${why})`);
      for (const command of ADD_PARTNER_COMMANDS) expect(text).toContain(command);
      expect(text).not.toMatch(/WARNING/);
    },
  );

  it('warns, outside the demo, about a sample partner registered earlier, and leaves it as it is', async () => {
    await preparePartners(registry, { database: 'embedded', gateway: 'simulator' }, () => undefined);
    const lines: string[] = [];
    await preparePartners(registry, { database: 'external', gateway: 'simulator' }, (l) => lines.push(l));
    expect(lines[0]).toMatch(new RegExp(`^WARNING: the sample partner ${SAMPLE_PARTNER.partnerUid} `));
    expect(lines[1]).toMatch(
      new RegExp(`^WARNING: the sample partner ${PAYPAGE_SAMPLE_PARTNER.partnerUid} `),
    );
    expect(lines.join('\n')).toContain('2 partner(s) in the database');
  });

  it('prints commands that run as printed (placeholders filled in) and make a working partner', async () => {
    const key = 'Zq3mT0pLx8VbN2cR5wY7aE1uK4dH6jG9';
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tixclear-key-'));
    const keyFile = path.join(dir, 'partner.key');
    writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
    const values: Record<string, string> = {
      '<store_uid>': '398800739999',
      '<name>': 'Shop',
      '<key file>': keyFile,
      '<issuer id>': 'ISS-START',
      '<YYYY-MM-DD>': '2026-01-01',
      '<0.02>': '0.02',
      '<0.01>': '0.01',
      '<1>': '1',
      '<2>': '2',
      '<account>': 'payee-001',
    };
    const env = { DATABASE_URL: db.url, TIXCLEAR_MASTER_KEY: masterKey.toString('hex') };
    try {
      for (const command of ADD_PARTNER_COMMANDS) {
        const filled = command.replace(/<[^>]+>/g, (placeholder) => values[placeholder]!);
        expect(filled).not.toContain(key);
        const [program, ...args] = filled.split(' ');
        const run = await runToEnd(program!, args, env, 40_000);
        expect({ command: filled, code: run.code, stderr: run.stderr }).toEqual({
          command: filled,
          code: 0,
          stderr: '',
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const context = await registry.context('398800739999');
    expect(context?.partner.name).toBe('Shop');
    expect(context?.inbound.validKeys(new Date()).map((k) => k.secret)).toEqual([key]);
    expect(context?.points.map((p) => p.pointRef)).toEqual(['398800739999']);
    expect(await registry.feeSchedules('ISS-START')).toHaveLength(1);
  }, 120_000);
});

describe('npm start against an external database', () => {
  const name = `t_start_${randomBytes(5).toString('hex')}`;
  afterAll(async () => {
    await dropDatabase(serverUrl(), name);
  });

  it('migrates it, registers no partner and prints how to add one', async () => {
    const masterKey = randomBytes(32);
    const url = databaseUrl(serverUrl(), name);
    const started = await runUntil(
      'npm',
      ['start'],
      {
        DATABASE_URL: url,
        TIXCLEAR_MASTER_KEY: masterKey.toString('hex'),
        PORT: String(await freePort()),
        SIMULATOR_PORT: String(await freePort()),
        LOG_LEVEL: 'silent',
      },
      /API on http:\/\//,
      50_000,
    );
    const dataSource = await createDataSource(url, { logging: false }).initialize();
    try {
      expect(await new PartnerRegistry(dataSource, masterKey).list()).toEqual([]);
      // The step ran after the migrations: the schema is there, and it is empty.
      expect(await dataSource.query(`SELECT count(*)::int AS n FROM partners`)).toEqual([{ n: 0 }]);
    } finally {
      await dataSource.destroy();
    }
    expect(started.stdout).toContain('no sample partner registered (DATABASE_URL is set)');
    expect(started.stdout).toContain(ADD_PARTNER_COMMANDS[0]);
    expect(started.stdout).not.toMatch(/registered the sample partner/);
  }, 70_000);
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runToEnd(program: string, args: string[], env: Record<string, string>, timeoutMs: number) {
  return new Promise<Run>((resolve, reject) => {
    const child = spawn(program, args, { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${program} ${args.join(' ')} did not finish: ${stdout}${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs until stdout matches `ready`, then stops it with SIGTERM (npm start's Ctrl-C) and waits for the end. */
function runUntil(
  program: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  timeoutMs: number,
) {
  return new Promise<Run>((resolve, reject) => {
    // Its own process group, so the signal reaches npm's node child as a terminal's Ctrl-C would.
    const child = spawn(program, args, { cwd: ROOT, env: { ...process.env, ...env }, detached: true });
    let stdout = '';
    let stderr = '';
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      process.kill(-child.pid!, 'SIGTERM');
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (ready.test(stdout)) stop();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      process.kill(-child.pid!, 'SIGKILL');
      reject(new Error(`${program} ${args.join(' ')} was not ready in time: ${stdout}${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
