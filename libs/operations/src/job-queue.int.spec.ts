import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@tixclear/db';
import type PgBoss from 'pg-boss';
import { openJobQueue, QUEUES, queueDispatcher, REPORT_BATCH } from './job-queue';
import { REPORT_ATTEMPTS } from './reports/report-delivery';

/* The API's report dispatcher against pg-boss on a real PostgreSQL: batched, every report queued once. */

let db: TestDatabase;
let boss: PgBoss;
const logged: { fields: { err: unknown }; message: string }[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  boss = await openJobQueue(db.url, 'producer', {
    error: (fields, message) => logged.push({ fields, message }),
  });
});
afterAll(async () => {
  await boss.stop({ graceful: false, close: true });
  await db.drop();
});

async function queuedFor(ids: readonly string[]): Promise<string[]> {
  const rows = await db.dataSource.query<{ key: string }[]>(
    `SELECT data->>'notificationId' AS key FROM pgboss.job WHERE name = $1 AND data->>'notificationId' = ANY($2)
     ORDER BY 1`,
    [QUEUES.partnerReport, ids],
  );
  return rows.map((r) => r.key);
}

it('queues every report handed over, whether they share a batch or fill one', async () => {
  const dispatcher = queueDispatcher(boss, { reportRetryDelaySeconds: 30 });
  const few = [randomUUID(), randomUUID(), randomUUID()];
  await Promise.all(few.map((id) => dispatcher.dispatch([id])));
  expect(await queuedFor(few)).toEqual([...few].sort());

  const many = Array.from({ length: REPORT_BATCH.maxJobs + 5 }, () => randomUUID());
  await Promise.all(many.map((id) => dispatcher.dispatch([id])));
  expect(await queuedFor(many)).toEqual([...many].sort());
});

it('a report job carries the retry policy of the delivery', async () => {
  const dispatcher = queueDispatcher(boss, { reportRetryDelaySeconds: 42 });
  const id = randomUUID();
  await dispatcher.dispatch([id]);
  const [job] = await db.dataSource.query<Record<string, unknown>[]>(
    `SELECT singleton_key, retry_limit, retry_delay, retry_backoff FROM pgboss.job
     WHERE name = $1 AND data->>'notificationId' = $2`,
    [QUEUES.partnerReport, id],
  );
  expect(job).toEqual({
    singleton_key: id,
    retry_limit: REPORT_ATTEMPTS - 1,
    retry_delay: 42,
    retry_backoff: true,
  });
});

it("logs pg-boss's errors with the error as a field, and the queue goes on", async () => {
  const failure = new Error('connection terminated');
  boss.emit('error', failure);
  expect(logged).toEqual([{ fields: { err: failure }, message: 'job queue error' }]);
  const id = randomUUID();
  await queueDispatcher(boss, { reportRetryDelaySeconds: 30 }).dispatch([id]);
  expect(await queuedFor([id])).toEqual([id]);
});
