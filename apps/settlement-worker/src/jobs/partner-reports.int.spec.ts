import { randomBytes } from 'node:crypto';
import { createTestDatabase, PartnerRegistry, SAMPLE_PARTNER, type TestDatabase } from '@tixclear/db';
import { createLogger } from '@tixclear/logging';
import { openJobQueue, QUEUES, sendReportJobs } from '@tixclear/operations';
import type PgBoss from 'pg-boss';
import { sweepPendingReports } from './partner-reports';

/*
 * The outbox sweep against pg-boss on a real PostgreSQL: a pending report with a job of its own (queued, waiting
 * for its retry, running) is left to it; one without gets exactly one.
 */

let db: TestDatabase;
let boss: PgBoss;
let partnerId: string;
const timing = { reportRetryDelaySeconds: 30 };

beforeAll(async () => {
  db = await createTestDatabase();
  boss = await openJobQueue(db.url, 'producer', createLogger({ name: 'spec', level: 'silent' }));
  partnerId = (
    await new PartnerRegistry(db.dataSource, randomBytes(32)).add({
      partnerUid: 'SWEEP1',
      mode: 'store',
      name: 'sweep partner',
      notifyUrl: 'https://partner.example/reports',
      issuerId: 'ISS1',
      key: SAMPLE_PARTNER.key,
    })
  ).id;
});
afterAll(async () => {
  await boss.stop({ graceful: false, close: true });
  await db.drop();
});

/** A report written a minute ago and still pending: what the sweep looks for. */
async function staleReport(orderId: string): Promise<string> {
  const [operation] = await db.dataSource.query<{ id: string }[]>(
    `INSERT INTO operations (partner_id, order_id, upstream_order_id, kind, command, request_hash, request, state)
     VALUES ($1, $2, $3, 'redemption', 'vouchertransaction', $4, '{}', 'succeeded') RETURNING id`,
    [partnerId, orderId, `UP-${orderId}`, 'h'.repeat(64)],
  );
  const [report] = await db.dataSource.query<{ id: string }[]>(
    `INSERT INTO partner_notifications (partner_id, operation_id, event, payload, created_at)
     VALUES ($1, $2, 'redemption', '{}', now() - interval '1 minute') RETURNING id`,
    [partnerId, operation!.id],
  );
  return report!.id;
}

const jobsOf = async (id: string) =>
  (
    await db.dataSource.query<{ state: string }[]>(
      'SELECT state FROM pgboss.job WHERE name = $1 AND singleton_key = $2 ORDER BY created_on',
      [QUEUES.partnerReport, id],
    )
  ).map((row) => row.state);

it('gives a report without a job exactly one, however often it runs', async () => {
  const id = await staleReport('SW-1');
  await sweepPendingReports(boss, db.dataSource, timing);
  await sweepPendingReports(boss, db.dataSource, timing);
  expect(await jobsOf(id)).toEqual(['created']);
});

it('leaves a report whose job waits for its retry or runs to that job, and re-enqueues one whose job ended', async () => {
  const retrying = await staleReport('SW-2');
  const running = await staleReport('SW-3');
  await sendReportJobs(boss, [retrying, running], timing);
  // The states pg-boss gives a job waiting for its retry and one a worker runs.
  await db.dataSource.query(`UPDATE pgboss.job SET state = 'retry' WHERE singleton_key = $1`, [retrying]);
  await db.dataSource.query(`UPDATE pgboss.job SET state = 'active' WHERE singleton_key = $1`, [running]);
  await sweepPendingReports(boss, db.dataSource, timing);
  expect(await jobsOf(retrying)).toEqual(['retry']);
  expect(await jobsOf(running)).toEqual(['active']);

  // A job that died (failed) while its report is still pending: the sweep gives the report a new one.
  await db.dataSource.query(`UPDATE pgboss.job SET state = 'failed' WHERE singleton_key = $1`, [running]);
  await sweepPendingReports(boss, db.dataSource, timing);
  expect(await jobsOf(running)).toEqual(['failed', 'created']);
});
