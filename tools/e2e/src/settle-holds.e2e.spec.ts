import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import {
  createTestDatabase,
  ensureSamplePartner,
  OperatorItemEntity,
  PartnerRegistry,
  SAMPLE_FEE_SCHEDULE,
  SAMPLE_PARTNER,
  type TestDatabase,
} from '@tixclear/db';
import { FeeScheduleBook } from '@tixclear/fee-engine';
import { clearAll, Clearing, pointParty, writeSyntheticDay } from '@tixclear/settlement';

/*
 * The operator's hold commands of `npm run settle` (tools/settle/main.ts), run as a person runs them: a child
 * process on a real PostgreSQL. Listing, re-clearing after a correction and settling outside each act once and
 * record who and why; a refusal exits non-zero with its code and changes nothing.
 */

const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
const DAY = '2026-09-15';

let db: TestDatabase;
let env: Record<string, string>;

beforeAll(async () => {
  db = await createTestDatabase();
  const registry = new PartnerRegistry(db.dataSource, randomBytes(32));
  await ensureSamplePartner(registry);
  const partnerId = (await registry.findByUid(SAMPLE_PARTNER.partnerUid))!.id;
  await writeSyntheticDay(db.dataSource, { partnerId, businessDate: DAY, vouchers: 2, prefix: 'CLI' });
  // Two lines whose redemption point has no payout account, and so are held.
  await db.dataSource.query(`UPDATE redemption_lines SET redemption_point = 'store:990'`);
  const [run] = await db.dataSource.query<[{ id: string }]>(
    `INSERT INTO settlement_runs (period_start, period_end, state, summary) VALUES ($1, $1, 'clearing', '{}') RETURNING id`,
    [DAY],
  );
  const accounts = new Map([
    [pointParty(SAMPLE_PARTNER.partnerUid, `store:${SAMPLE_PARTNER.partnerUid}`), 'payee-1'],
  ]);
  const clearing = new Clearing(db.dataSource, new FeeScheduleBook([SAMPLE_FEE_SCHEDULE]), accounts);
  expect(await clearAll(clearing, run.id, DAY, { chunkSize: 10 })).toEqual({ cleared: 0, held: 2 });
  env = { DATABASE_URL: db.url, TIXCLEAR_MASTER_KEY: randomBytes(32).toString('hex'), LOG_LEVEL: 'silent' };
}, 60_000);
afterAll(async () => {
  await db?.drop();
});

function settle(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(
    process.execPath,
    ['--import', path.join(REPO_ROOT, 'tools/runtime/register.mjs'), 'tools/settle/main.ts', ...args],
    { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out, err })));
}

async function lineId(serial: string): Promise<string> {
  const [line] = await db.dataSource.query<{ id: string }[]>(
    `SELECT id FROM redemption_lines WHERE serial_number = $1`,
    [serial],
  );
  return line!.id;
}

it('lists the holds, re-clears one and settles another outside, recording who and why', async () => {
  const [first, second] = [await lineId('CLI1'), await lineId('CLI2')];
  const listed = await settle('holds');
  expect(listed.code).toBe(0);
  expect(listed.out).toContain(first);
  expect(listed.out).toContain(second);

  const recleared = await settle(
    'holds',
    'reclear',
    first,
    '--note',
    'payout account added',
    '--by',
    'ops-cy',
  );
  expect(recleared).toMatchObject({ code: 0 });
  expect(recleared.out).toContain('recleared');

  const outside = await settle(
    'holds',
    'settle-outside',
    second,
    '--note',
    'paid by transfer',
    '--by',
    'ops-cy',
  );
  expect(outside).toMatchObject({ code: 0 });
  expect(outside.out).toContain('posted: 50');

  const actions = await db.dataSource.query<
    { line: string; action: string; acted_by: string; note: string }[]
  >(
    `SELECT redemption_line_id AS line, action, acted_by, note FROM settlement_hold_actions ORDER BY created_at`,
  );
  expect(actions).toEqual([
    { line: first, action: 'recleared', acted_by: 'ops-cy', note: 'payout account added' },
    { line: second, action: 'settled_outside', acted_by: 'ops-cy', note: 'paid by transfer' },
  ]);
  const items = await db.dataSource.getRepository(OperatorItemEntity).findBy({ kind: 'settlement_hold' });
  expect(items.map((i) => [i.reference, i.state, i.resolvedBy, i.resolution]).sort()).toEqual(
    [
      [first, 'resolved', 'ops-cy', 'recleared'],
      [second, 'resolved', 'ops-cy', 'settled_outside'],
    ].sort(),
  );
  const listedAfter = await settle('holds');
  expect(listedAfter.out).not.toContain(second);
}, 60_000);

it('refuses without a note, with an unknown acceptance, or twice; nothing changes', async () => {
  const second = await lineId('CLI2');
  const before = await db.dataSource.query(`SELECT count(*)::int AS n FROM settlement_hold_actions`);

  const noNote = await settle('holds', 'settle-outside', await lineId('CLI1'), '--by', 'ops-cy');
  expect(noNote.code).toBe(1);
  expect(noNote.err).toContain('HOLD_NOTE_REQUIRED (note)');

  const badAccept = await settle('holds', 'reclear', second, '--note', 'x', '--accept', 'theirs');
  expect(badAccept.code).toBe(2);

  const twice = await settle('holds', 'settle-outside', second, '--note', 'again', '--by', 'ops-cy');
  expect(twice.code).toBe(1);
  expect(twice.err).toContain('HOLD_NOT_OPEN');

  expect(await db.dataSource.query(`SELECT count(*)::int AS n FROM settlement_hold_actions`)).toEqual(before);
}, 60_000);

it('answers a redemption mismatch: a held voucher the gateway did redeem gets its line from our record', async () => {
  const [{ id: partnerId }] = await db.dataSource.query<[{ id: string }]>(
    `SELECT id FROM partners WHERE partner_uid = $1`,
    [SAMPLE_PARTNER.partnerUid],
  );
  await writeSyntheticDay(db.dataSource, {
    partnerId,
    businessDate: '2026-09-16',
    vouchers: 1,
    prefix: 'RMM',
  });
  // As a redemption whose answer left RMM1 out: no line, the voucher held as redeem_unknown, an operator item.
  const [{ operation }] = await db.dataSource.query<[{ operation: string }]>(
    `WITH gone AS (DELETE FROM redemption_lines WHERE serial_number = 'RMM1' RETURNING operation_id)
     SELECT operation_id AS operation FROM gone`,
  );
  await db.dataSource.query(`UPDATE vouchers SET state = 'redeem_unknown' WHERE serial_number = 'RMM1'`);
  await db.dataSource.query(
    `INSERT INTO operator_items (kind, reference, partner_id, details)
     VALUES ('redemption_mismatch', $1, $2, '{"heldNotNamed": ["RMM1"]}'::jsonb)`,
    [operation, partnerId],
  );

  const wrong = await settle('redemption-mismatch', 'redeemed', operation, 'NOSUCH1', '--by', 'ops-cy');
  expect(wrong.code).toBe(1);
  const decided = await settle('redemption-mismatch', 'redeemed', operation, 'RMM1', '--by', 'ops-cy');
  expect(decided).toMatchObject({ code: 0, err: '' });
  expect(decided.out).toContain('resolved: true');

  const lines = await db.dataSource.query<{ is_paid: boolean; cost: string; fee_issue: string | null }[]>(
    `SELECT is_paid, cost::text AS cost, fee_issue FROM redemption_lines WHERE serial_number = 'RMM1'`,
  );
  expect(lines).toEqual([{ is_paid: true, cost: '50', fee_issue: null }]);
  const [voucher] = await db.dataSource.query<{ state: string }[]>(
    `SELECT state FROM vouchers WHERE serial_number = 'RMM1'`,
  );
  expect(voucher).toEqual({ state: 'redeemed' });
  const item = await db.dataSource
    .getRepository(OperatorItemEntity)
    .findOneBy({ kind: 'redemption_mismatch', reference: operation });
  expect(item).toMatchObject({ state: 'resolved', resolvedBy: 'ops-cy', resolution: 'decided' });
}, 60_000);
