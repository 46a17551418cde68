import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@tixclear/db';
import type PgBoss from 'pg-boss';
import { createQueues, openJobQueue, QUEUES, queueDispatcher, REPORT_BATCH } from './job-queue';
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

// Seen in a bench starting two workers at once on a fresh database; too rare to reproduce on demand here.
describe('queues created by several processes at once', () => {
  it('asks again only after a deadlock, and gives up after its attempts', async () => {
    const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    const calls: string[] = [];
    let failures = 2;
    await createQueues(
      {
        createQueue: (name: string) => {
          calls.push(name);
          return failures-- > 0 ? Promise.reject(deadlock) : Promise.resolve();
        },
      },
      ['a', 'b'],
    );
    expect(calls).toEqual(['a', 'a', 'a', 'b']);

    const other = Object.assign(new Error('permission denied'), { code: '42501' });
    await expect(createQueues({ createQueue: () => Promise.reject(other) }, ['a'])).rejects.toBe(other);
    let tries = 0;
    await expect(
      createQueues(
        {
          createQueue: () => {
            tries += 1;
            return Promise.reject(deadlock);
          },
        },
        ['a'],
        3,
      ),
    ).rejects.toBe(deadlock);
    expect(tries).toBe(3);
  });
});
