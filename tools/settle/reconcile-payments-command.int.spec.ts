import { randomBytes } from 'node:crypto';
import {
  createTestDatabase,
  ensureSamplePartner,
  PartnerRegistry,
  SAMPLE_PARTNER,
  type TestDatabase,
} from '@tixclear/db';
import { startSimulator, type RunningSimulator } from '@tixclear/gateway-simulator';
import { runSettle } from './settle-child';

/**
 * `npm run settle -- reconcile-payments …` run as an operator runs it: a child process on a real PostgreSQL and
 * the simulator over HTTP. A clean date exits 0; a refund of ours on an order the gateway does not know is a
 * difference (exit 1, its reason printed, the result stored); a bad date or bound exits 1 with its reason.
 */
const DAY = '2026-12-04';

let db: TestDatabase;
let sim: RunningSimulator;
let env: Record<string, string>;

beforeAll(async () => {
  db = await createTestDatabase();
  const key = randomBytes(32);
  await ensureSamplePartner(new PartnerRegistry(db.dataSource, key));
  sim = await startSimulator({ notifyUrl: null, log: () => undefined });
  env = {
    DATABASE_URL: db.url,
    TIXCLEAR_MASTER_KEY: key.toString('hex'),
    GATEWAY_URL: sim.baseUrl,
    LOG_LEVEL: 'silent',
  };
}, 60_000);
afterAll(async () => {
  await sim?.close();
  await db?.drop();
});

const settle = (...args: string[]) => runSettle(env, ...args);

it('exits 0 on a date with nothing to differ, 1 with the reason when the gateway does not know our refund', async () => {
  const clean = await settle('reconcile-payments', '--date', DAY);
  expect(clean.code).toBe(0);
  expect(clean.out).toContain(
    `payments of ${DAY}: 0 orders asked (at most 1000), 0 unchecked, 0 differences`,
  );

  const [partner] = await db.dataSource.query<[{ id: string }]>(
    `SELECT id FROM partners WHERE partner_uid = $1`,
    [SAMPLE_PARTNER.partnerUid],
  );
  await db.dataSource.query(
    `INSERT INTO operations (partner_id, order_id, upstream_order_id, kind, command, request_hash, request, state,
                             gateway_uid, completed_at)
     VALUES ($1, 'RFX1', 'RFX1U', 'pay_refund', 'refund', 'spec', $2::jsonb, 'succeeded', '999', $3)`,
    [partner.id, JSON.stringify({ uid: '987654', key: 'nokey', cost: 10 }), `${DAY}T12:00:00+08:00`],
  );
  const found = await settle('reconcile-payments', '--date', DAY, '--max-queries', '5');
  expect(found.code).toBe(1);
  expect(found.out).toContain('1 orders asked (at most 5), 0 unchecked, 1 differences');
  expect(found.out).toMatch(/order RFX1 \(uid 987654\): the gateway's queryorder failed/);
  const stored = await db.dataSource.query<{ difference_count: number }[]>(
    `SELECT difference_count FROM payments_reconciliations WHERE business_date = $1`,
    [DAY],
  );
  expect(stored).toEqual([{ difference_count: 1 }]);
}, 120_000);

it('refuses a date that is not one, and a bound that is not a positive number', async () => {
  const date = await settle('reconcile-payments', '--date', '2026-02-30x');
  expect(date.code).toBe(1);
  expect(date.err).toContain('RECONCILE_DATE_INVALID (date)');
  const bound = await settle('reconcile-payments', '--date', DAY, '--max-queries', '0');
  expect(bound.code).toBe(1);
  expect(bound.err).toContain('--max-queries must be a positive whole number');
}, 120_000);
