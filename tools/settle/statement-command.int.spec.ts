import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createTestDatabase,
  ensureSamplePartner,
  PartnerRegistry,
  SAMPLE_FEE_SCHEDULE,
  SAMPLE_PARTNER,
  type TestDatabase,
} from '@tixclear/db';
import { FeeScheduleBook } from '@tixclear/fee-engine';
import { clearAll, Clearing, pointParty, postTrustMovements, writeSyntheticDay } from '@tixclear/settlement';
import { runSettle } from './settle-child';

/**
 * `npm run settle -- statement …` run as an operator runs it: a child process on a real PostgreSQL holding a
 * cleared synthetic day. CSV to standard output, HTML to a file; a refusal exits 1 with its code, a malformed
 * command 2, and neither writes a file.
 */
const DAY = '2026-09-15';
const UID = SAMPLE_PARTNER.partnerUid;

let db: TestDatabase;
let env: Record<string, string>;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  const registry = new PartnerRegistry(db.dataSource, randomBytes(32));
  await ensureSamplePartner(registry);
  const partnerId = (await registry.findByUid(UID))!.id;
  await writeSyntheticDay(db.dataSource, {
    partnerId,
    businessDate: DAY,
    vouchers: 4,
    giftEvery: 4,
    prefix: 'ST',
  });
  const [run] = await db.dataSource.query<[{ id: string }]>(
    `INSERT INTO settlement_runs (period_start, period_end, state, summary) VALUES ($1, $1, 'clearing', '{}') RETURNING id`,
    [DAY],
  );
  const accounts = new Map([[pointParty(UID, `store:${UID}`), 'payee-1']]);
  const clearing = new Clearing(db.dataSource, new FeeScheduleBook([SAMPLE_FEE_SCHEDULE]), accounts);
  expect(await clearAll(clearing, run.id, DAY, { chunkSize: 10 })).toEqual({ cleared: 4, held: 0 });
  await postTrustMovements(db.dataSource, run.id, DAY);
  env = { DATABASE_URL: db.url, TIXCLEAR_MASTER_KEY: randomBytes(32).toString('hex'), LOG_LEVEL: 'silent' };
  dir = await mkdtemp(path.join(tmpdir(), 'tixclear-statement-'));
}, 60_000);
afterAll(async () => {
  await db?.drop();
});

const settle = (...args: string[]) => runSettle(env, ...args);

it('prints a month’s statement as CSV, and writes the day’s as a printable page', async () => {
  const csv = await settle('statement', '--partner', UID, '--period', '2026-09');
  expect(csv.code).toBe(0);
  expect(csv.out.startsWith('\ufeffpartner,period_start,period_end,section,item,')).toBe(true);
  // 3 paid vouchers redeemed at 50, one gift.
  expect(csv.out).toContain(`${UID},2026-09-01,2026-09-30,redemptions,paid,,,,,3,150\n`);
  expect(csv.out).toContain(`${UID},2026-09-01,2026-09-30,redemptions,gift,,,,,1,\n`);

  const out = path.join(dir, 'statement.html');
  const html = await settle('statement', '--partner', UID, '--period', DAY, '--format', 'html', '--out', out);
  expect(html).toMatchObject({ code: 0, out: '' });
  const page = await readFile(out, 'utf8');
  expect(page).toMatch(/^<!DOCTYPE html>/);
  expect(page).toContain('核銷<span class="en">Redeemed</span>');
}, 120_000);

it('refuses an unknown partner or period with its code (exit 1), a malformed command with exit 2', async () => {
  const unknown = await settle(
    'statement',
    '--partner',
    'NOPE',
    '--period',
    '2026-09',
    '--out',
    path.join(dir, 'x'),
  );
  expect(unknown.code).toBe(1);
  expect(unknown.err).toContain('STATEMENT_PARTNER_NOT_FOUND (partner)');
  const period = await settle('statement', '--partner', UID, '--period', '2026-9');
  expect(period.code).toBe(1);
  expect(period.err).toContain('STATEMENT_PERIOD_INVALID (period)');
  expect((await settle('statement', '--partner', UID, '--period', DAY, '--format', 'pdf')).code).toBe(2);
  await expect(readFile(path.join(dir, 'x'))).rejects.toMatchObject({ code: 'ENOENT' });
}, 120_000);
