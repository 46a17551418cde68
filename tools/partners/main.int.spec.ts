import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createTestDatabase,
  newReportSecret,
  PartnerEntity,
  PartnerRegistry,
  PartnerReportSettings,
  SAMPLE_PARTNER,
  type TestDatabase,
} from '@tixclear/db';

/*
 * The partners CLI, run as `npm run partners` runs it against a real PostgreSQL: keys and report secrets come
 * from a file or stdin, never from the command line (refused there, naming the option to use, before anything
 * is written); a rotated secret is shown once (never when it was given), and report URLs are https.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const masterKey = randomBytes(32);
let db: TestDatabase;
let settings: PartnerReportSettings;
const UID = 'CLIPARTNER1';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function partners(args: string[], stdin = '', env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', './tools/runtime/register.mjs', 'tools/partners/main.ts', ...args],
      {
        cwd: root,
        env: { ...process.env, DATABASE_URL: db.url, TIXCLEAR_MASTER_KEY: masterKey.toString('hex'), ...env },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  await new PartnerRegistry(db.dataSource, masterKey).add({
    partnerUid: UID,
    mode: 'store',
    name: 'cli partner',
    notifyUrl: null,
    issuerId: 'ISS1',
    key: SAMPLE_PARTNER.key,
  });
  settings = new PartnerReportSettings(db.dataSource, masterKey);
});
afterAll(async () => {
  await db?.drop();
});

const partnerId = async () =>
  (await db.dataSource.getRepository(PartnerEntity).findOneByOrFail({ partnerUid: UID })).id;

it('rotates: the new secret is printed once, on stdout only, and the previous one signs through the overlap', async () => {
  const first = await partners(['rotate-report-secret', '--uid', UID]);
  expect(first.status).toBe(0);
  const firstSecret = first.stdout.trim();
  expect(firstSecret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
  expect(await settings.signingSecrets(await partnerId())).toEqual([firstSecret]);

  const second = await partners(['rotate-report-secret', '--uid', UID, '--overlap-hours', '2']);
  expect(second.status).toBe(0);
  const secondSecret = second.stdout.trim();
  expect(second.stderr).not.toContain(secondSecret);
  expect(second.stderr).not.toContain(firstSecret);
  expect(await settings.signingSecrets(await partnerId())).toEqual([secondSecret, firstSecret]);
  expect(await settings.signingSecrets(await partnerId(), new Date(Date.now() + 3 * 3_600_000))).toEqual([
    secondSecret,
  ]);
}, 60_000);

it('takes a given secret from stdin and never echoes it; refuses one on the command line', async () => {
  const given = newReportSecret();
  const fromStdin = await partners(
    ['rotate-report-secret', '--uid', UID, '--overlap-hours', '0', '--secret-file', '-'],
    `${given}\n`,
  );
  expect(fromStdin.status).toBe(0);
  expect(fromStdin.stdout).toBe('');
  expect(fromStdin.stderr).not.toContain(given);
  expect((await settings.signingSecrets(await partnerId()))[0]).toBe(given);

  const other = newReportSecret();
  const onCommandLine = await partners(['rotate-report-secret', '--uid', UID, `--secret=${other}`]);
  expect(onCommandLine.status).toBe(2);
  expect(onCommandLine.stderr).toContain('--secret-file');
  expect(onCommandLine.stderr).not.toContain(other);
  expect(await settings.signingSecrets(await partnerId())).not.toContain(other);
}, 60_000);

describe('partner keys come from a file or stdin, never from the command line', () => {
  const keyOf = () => randomBytes(16).toString('hex');
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tixclear-partners-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const keyFile = (name: string, key: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, `${key}\n`, { mode: 0o600 });
    return file;
  };
  const registry = () => new PartnerRegistry(db.dataSource, masterKey);
  const secrets = async (uid: string, purpose: 'inbound' | 'upstream') =>
    (await registry().context(uid))?.[purpose].validKeys(new Date(Date.now() + 60_000)).map((k) => k.secret);
  const addArgs = (uid: string) => ['add', '--uid', uid, '--name', 'keyed', '--issuer', 'ISS1'];

  it('add reads the key from a file and the upstream key from stdin; neither is printed', async () => {
    const [key, upstream] = [keyOf(), keyOf()];
    const run = await partners(
      [
        ...addArgs('CLIKEYED1'),
        '--key-file',
        keyFile('inbound.key', key),
        '--upstream-mode',
        'store',
        '--upstream-uid',
        'UP1',
        '--upstream-key-file',
        '-',
      ],
      `${upstream}\n`,
    );
    expect(run.status).toBe(0);
    expect(run.stdout + run.stderr).not.toContain(key);
    expect(run.stdout + run.stderr).not.toContain(upstream);
    expect(await secrets('CLIKEYED1', 'inbound')).toEqual([key]);
    expect(await secrets('CLIKEYED1', 'upstream')).toEqual([upstream]);
  }, 60_000);

  it('rotate-key reads the new key from stdin', async () => {
    const key = keyOf();
    const run = await partners(['rotate-key', '--uid', UID, '--key-file', '-'], key);
    expect(run.status).toBe(0);
    expect(run.stdout + run.stderr).not.toContain(key);
    // The successor key is valid from near the end of the current one, as the CLI prints.
    const validFrom = new Date(/valid (\S+) →/.exec(run.stdout)![1]!);
    const ring = (await registry().context(UID))!.inbound;
    expect(ring.validKeys(validFrom).map((k) => k.secret)).toContain(key);
  }, 60_000);

  it.each([
    ['add --key', (key: string) => [...addArgs('CLIREFUSED1'), '--key', key], '--key-file'],
    ['add --key=', (key: string) => [...addArgs('CLIREFUSED1'), `--key=${key}`], '--key-file'],
    [
      'add --upstream-key',
      (key: string) => [
        ...addArgs('CLIREFUSED1'),
        '--key-file',
        keyFile('refused.key', keyOf()),
        '--upstream-mode',
        'store',
        '--upstream-uid',
        'UP1',
        '--upstream-key',
        key,
      ],
      '--upstream-key-file',
    ],
    ['rotate-key --key', (key: string) => ['rotate-key', '--uid', UID, '--key', key], '--key-file'],
  ])(
    '%s on the command line is refused, naming the option to use, and nothing is written',
    async (_, args, instead) => {
      const key = keyOf();
      const before = await secrets(UID, 'inbound');
      const run = await partners(args(key));
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('not taken on the command line');
      expect(run.stderr).toContain(instead);
      expect(run.stderr).not.toContain(key);
      expect(await registry().findByUid('CLIREFUSED1')).toBeNull();
      expect(await secrets(UID, 'inbound')).toEqual(before);
    },
    60_000,
  );

  it('refuses two secrets from stdin, a missing file and an empty one, writing nothing', async () => {
    const both = await partners([
      ...addArgs('CLIREFUSED2'),
      '--key-file',
      '-',
      '--upstream-mode',
      'store',
      '--upstream-uid',
      'UP1',
      '--upstream-key-file',
      '-',
    ]);
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('can be - (stdin)');
    const missing = await partners([...addArgs('CLIREFUSED2'), '--key-file', path.join(dir, 'absent.key')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('cannot read');
    const empty = await partners([...addArgs('CLIREFUSED2'), '--key-file', '-'], '\n');
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain('holds no secret');
    expect(await registry().findByUid('CLIREFUSED2')).toBeNull();
  }, 60_000);
});

it('sets a report URL only when it is https (loopback http only in development)', async () => {
  const http = await partners(['report-url', '--uid', UID, '--url', 'http://partner.example/reports']);
  expect(http.status).toBe(1);
  const loopback = await partners(['report-url', '--uid', UID, '--url', 'http://127.0.0.1:9/reports']);
  expect(loopback.status).toBe(1);
  const read = () => db.dataSource.getRepository(PartnerEntity).findOneByOrFail({ partnerUid: UID });
  expect((await read()).notifyUrl).toBeNull();

  const https = await partners([
    'report-url',
    '--uid',
    UID,
    '--url',
    'https://partner.example/r',
    '--format',
    'json',
  ]);
  expect(https.status).toBe(0);
  expect(await read()).toMatchObject({ notifyUrl: 'https://partner.example/r', reportFormat: 'json' });
  const dev = await partners(['report-url', '--uid', UID, '--url', 'http://127.0.0.1:9/r'], '', {
    REPORT_URLS_ALLOW_LOOPBACK: 'true',
  });
  expect(dev.status).toBe(0);
  expect((await read()).notifyUrl).toBe('http://127.0.0.1:9/r');
}, 60_000);

it('resend-reports puts an order’s flagged report back to pending under its id; an unknown order is refused', async () => {
  const id = await partnerId();
  const [operation] = await db.dataSource.query<{ id: string }[]>(
    `INSERT INTO operations (partner_id, order_id, upstream_order_id, kind, command, request_hash, request, state)
     VALUES ($1, 'CLI-ORDER-1', 'UPSTREAM-CLI-1', 'redemption', 'vouchertransaction', $2, '{}', 'succeeded')
     RETURNING id`,
    [id, 'h'.repeat(64)],
  );
  const [report] = await db.dataSource.query<{ id: string }[]>(
    `INSERT INTO partner_notifications (partner_id, operation_id, event, payload, state, attempts, last_error)
     VALUES ($1, $2, 'redemption', '{}', 'flagged', 5, 'no report secret') RETURNING id`,
    [id, operation!.id],
  );
  const run = await partners(['resend-reports', '--uid', UID, '--order', 'CLI-ORDER-1']);
  expect(run.status).toBe(0);
  expect(run.stdout).toContain(report!.id);
  const [row] = await db.dataSource.query<{ state: string; attempts: number }[]>(
    'SELECT state, attempts FROM partner_notifications WHERE id = $1',
    [report!.id],
  );
  expect(row).toEqual({ state: 'pending', attempts: 0 });
  expect((await partners(['resend-reports', '--uid', UID, '--order', 'NO-SUCH'])).status).toBe(2);
}, 60_000);
