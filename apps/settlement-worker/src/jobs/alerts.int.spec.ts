import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createTestDatabase,
  PartnerRegistry,
  raiseOperatorItem,
  resolveOperatorItem,
  SAMPLE_PARTNER,
  type TestDatabase,
} from '@tixclear/db';
import { createLogger } from '@tixclear/logging';
import { AlertWebhook, currentAlerts, DEFAULT_ALERT_THRESHOLDS, recordReport } from '@tixclear/operations';
import { Registry } from 'prom-client';
import { serveMetrics } from '../metrics-server';
import { watchAlerts } from './alerts';

/*
 * Alerts against a real PostgreSQL: what currentAlerts computes from operator items and partner reports, the
 * worker's tixclear_alert_* gauges read from a real GET /metrics, and the webhook against a real receiver on
 * loopback (one that fails before it answers, one that redirects).
 */

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An alert receiver: `/flaky` answers 503 to its first request then 204, `/redirect` a 302 to `/ok`. */
class Receiver {
  readonly received: Received[] = [];
  private server: Server | undefined;
  private flakyFailed = false;
  url = '';

  async listen(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '';
        this.received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        if (path === '/flaky' && !this.flakyFailed) {
          this.flakyFailed = true;
          response.writeHead(503).end('busy');
        } else if (path === '/redirect') response.writeHead(302, { location: `${this.url}/ok` }).end();
        else response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** The receiver's check, as an operator's would be: Standard Webhooks HMAC with node:crypto. */
function verified(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key)
    .update(`${String(headers['webhook-id'])}.${String(headers['webhook-timestamp'])}.${body}`)
    .digest('base64');
  return String(headers['webhook-signature'])
    .split(' ')
    .some((entry) => entry === `v1,${expected}`);
}

let db: TestDatabase;
let receiver: Receiver;
let partnerId: string;
const secret = `whsec_${randomBytes(32).toString('base64')}`;
const log = createLogger({ name: 'alerts-spec', level: 'silent' });

beforeAll(async () => {
  db = await createTestDatabase();
  receiver = new Receiver();
  await receiver.listen();
  const registry = new PartnerRegistry(db.dataSource, randomBytes(32), { allowLoopbackHttp: true });
  const partner = await registry.add({
    partnerUid: 'ALERTS1',
    mode: 'store',
    name: 'alerts partner',
    notifyUrl: `${receiver.url}/partner`,
    issuerId: 'ISS1',
    key: SAMPLE_PARTNER.key,
  });
  partnerId = partner.id;
});
afterAll(async () => {
  await receiver?.close();
  await db?.drop();
});

const raise = async (kind: 'late_outcome' | 'settlement_hold' | 'payout_batch_parked', hoursAgo = 0) => {
  const reference = randomUUID();
  await raiseOperatorItem(db.dataSource.manager, { kind, reference, details: {} });
  // An UPDATE answers [rows, count].
  const [[row]] = await db.dataSource.query<[{ id: string }[], number]>(
    `UPDATE operator_items SET created_at = now() - make_interval(hours => $2)
      WHERE kind = $1 AND reference = $3 RETURNING id`,
    [kind, hoursAgo, reference],
  );
  return row!.id;
};
const resolve = (id: string) =>
  resolveOperatorItem(db.dataSource.manager, id, { by: 'spec', action: 'done' });
const resolveAll = () =>
  db.dataSource.query(
    `UPDATE operator_items SET state = 'resolved', resolved_at = now(), resolved_by = 'spec', resolution = 'x'
      WHERE state = 'open'`,
  );

/** A report of the partner in the outbox, with `attempts` failed attempts, in `state`. */
async function report(state: 'pending' | 'flagged', attempts: number): Promise<string> {
  return db.dataSource.transaction(async (tx) => {
    const [operation] = await tx.query<{ id: string }[]>(
      `INSERT INTO operations (partner_id, order_id, upstream_order_id, kind, command, request_hash, request, state)
       VALUES ($1, $2, $3, 'redemption', 'vouchertransaction', $4, '{}', 'succeeded') RETURNING id`,
      [partnerId, randomUUID().slice(0, 20), randomUUID().slice(0, 30), 'h'.repeat(64)],
    );
    const id = await recordReport(tx, {
      partnerId,
      operationId: operation!.id,
      event: 'redemption',
      payload: { code: '250' },
    });
    await tx.query('UPDATE partner_notifications SET state = $2, attempts = $3 WHERE id = $1', [
      id,
      state,
      attempts,
    ]);
    return id!;
  });
}

describe('currentAlerts', () => {
  afterEach(async () => {
    await resolveAll();
    await db.dataSource.query(`UPDATE partner_notifications SET state = 'delivered'`);
  });

  it('is empty with nothing waiting; names late outcomes and parked batches at once, critical', async () => {
    expect(await currentAlerts(db.dataSource)).toEqual([]);
    await raise('late_outcome', 2);
    await raise('late_outcome');
    await raise('payout_batch_parked');
    const alerts = await currentAlerts(db.dataSource);
    expect(alerts.map((alert) => [alert.kind, alert.severity, alert.count])).toEqual([
      ['late_outcome', 'critical', 2],
      ['payout_batch_parked', 'critical', 1],
    ]);
    expect(alerts[0]!.oldest_age_seconds).toBeGreaterThanOrEqual(2 * 3600);
    expect(alerts[0]!.oldest_age_seconds).toBeLessThan(2 * 3600 + 60);
    expect(alerts[0]!.link).toEqual({ page: 'exceptions', operator_item_kind: 'late_outcome' });
  });

  it('counts exceptions older than the threshold, any kind; critical past the second threshold', async () => {
    await raise('settlement_hold', 23);
    expect(await currentAlerts(db.dataSource)).toEqual([]);
    await raise('settlement_hold', 25);
    await raise('late_outcome', 30);
    const stale = (await currentAlerts(db.dataSource)).find((alert) => alert.kind === 'stale_exceptions');
    expect(stale).toMatchObject({ severity: 'warning', count: 2 });
    expect(Math.round(stale!.oldest_age_seconds / 3600)).toBe(30);
    await raise('settlement_hold', 80);
    expect(
      (await currentAlerts(db.dataSource)).find((alert) => alert.kind === 'stale_exceptions'),
    ).toMatchObject({ severity: 'critical', count: 3 });
    // Configurable: at a 100-hour threshold none of them is stale.
    const later = { ...DEFAULT_ALERT_THRESHOLDS, staleExceptionHours: 100, staleExceptionCriticalHours: 200 };
    expect((await currentAlerts(db.dataSource, later)).map((alert) => alert.kind)).toEqual(['late_outcome']);
  });

  it('names partner reports failing: a warning while retried, critical once one is flagged', async () => {
    await report('pending', 0);
    expect(await currentAlerts(db.dataSource)).toEqual([]);
    await report('pending', 2);
    expect(await currentAlerts(db.dataSource)).toMatchObject([
      { kind: 'partner_reports_failing', severity: 'warning', count: 1 },
    ]);
    await report('flagged', 5);
    expect(await currentAlerts(db.dataSource)).toMatchObject([
      {
        kind: 'partner_reports_failing',
        severity: 'critical',
        count: 2,
        link: { page: 'exceptions', operator_item_kind: 'partner_report_flagged' },
      },
    ]);
  });
});

describe('currentAlerts: the clearing backlog', () => {
  /** A redemption line `hoursAgo` old that a run left uncleared in the backlog. */
  async function backlogged(runId: string, hoursAgo: number): Promise<string> {
    const [operation] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO operations (partner_id, order_id, upstream_order_id, kind, command, request_hash, request, state)
       VALUES ($1, $2, $3, 'redemption', 'vouchertransaction', $4, '{}', 'succeeded') RETURNING id`,
      [partnerId, randomUUID().slice(0, 20), randomUUID().slice(0, 30), 'h'.repeat(64)],
    );
    const [line] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO redemption_lines (operation_id, partner_id, serial_number, item_id, is_paid, cost, sales_point,
                                     redemption_point, redeemed_at, business_date, created_at)
       VALUES ($1, $2, $3, 'ITEM1', true, 100, 'S', 'R', now(), current_date, now() - make_interval(hours => $4))
       RETURNING id`,
      [operation!.id, partnerId, randomUUID().slice(0, 16), hoursAgo],
    );
    await db.dataSource.query('INSERT INTO clearing_backlog (redemption_line_id, run_id) VALUES ($1, $2)', [
      line!.id,
      runId,
    ]);
    return line!.id;
  }

  it('counts unreleased backlog lines from the warning count on, critical from the critical count', async () => {
    const [run] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO settlement_runs (period_start, period_end, state, summary)
       VALUES (current_date, current_date, 'completed', '{}') RETURNING id`,
    );
    const first = await backlogged(run!.id, 5);
    await backlogged(run!.id, 1);
    expect(await currentAlerts(db.dataSource)).toMatchObject([
      {
        kind: 'clearing_backlog',
        severity: 'warning',
        count: 2,
        link: { operator_item_kind: 'settlement_hold' },
      },
    ]);
    const [alert] = await currentAlerts(db.dataSource);
    expect(Math.round(alert!.oldest_age_seconds / 3600)).toBe(5);
    const tight = { ...DEFAULT_ALERT_THRESHOLDS, backlogWarnCount: 1, backlogCriticalCount: 2 };
    expect(await currentAlerts(db.dataSource, tight)).toMatchObject([{ severity: 'critical' }]);
    const loose = { ...DEFAULT_ALERT_THRESHOLDS, backlogWarnCount: 3, backlogCriticalCount: 10 };
    expect(await currentAlerts(db.dataSource, loose)).toEqual([]);
    // A line settled outside clearing stays in the backlog, released: no longer counted.
    await db.dataSource.query(
      'UPDATE clearing_backlog SET released_at = now() WHERE redemption_line_id = $1',
      [first],
    );
    expect(await currentAlerts(db.dataSource)).toMatchObject([{ kind: 'clearing_backlog', count: 1 }]);
    expect(Math.round((await currentAlerts(db.dataSource))[0]!.oldest_age_seconds / 3600)).toBe(1);
    await db.dataSource.query('UPDATE clearing_backlog SET released_at = now()');
  });
});

describe('the worker: gauges in /metrics, the webhook', () => {
  afterEach(() => resolveAll());

  it('serves tixclear_alert_* gauges for every kind, and they move with the database', async () => {
    const registry = new Registry();
    const watch = watchAlerts(db.dataSource, {
      registry,
      intervalMs: 3_600_000,
      thresholds: DEFAULT_ALERT_THRESHOLDS,
      log,
    });
    const { server, url } = await serveMetrics(0, '127.0.0.1', registry);
    const gauge = async (name: string, kind: string) => {
      const text = await (await fetch(url)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name}{kind="${kind}"} `));
      return line === undefined ? undefined : Number(line.split(' ')[1]);
    };
    try {
      await watch.tick();
      for (const kind of ['late_outcome', 'payout_batch_parked', 'stale_exceptions', 'clearing_backlog'])
        expect(await gauge('tixclear_alert_count', kind)).toBe(0);
      const id = await raise('late_outcome', 3);
      await watch.tick();
      expect(await gauge('tixclear_alert_count', 'late_outcome')).toBe(1);
      expect(await gauge('tixclear_alert_severity', 'late_outcome')).toBe(2);
      expect(await gauge('tixclear_alert_oldest_age_seconds', 'late_outcome')).toBeGreaterThanOrEqual(
        3 * 3600,
      );
      await resolve(id);
      await watch.tick();
      expect(await gauge('tixclear_alert_count', 'late_outcome')).toBe(0);
      expect(await gauge('tixclear_alert_oldest_age_seconds', 'late_outcome')).toBe(0);
    } finally {
      watch.stop();
      await new Promise((done) => server.close(done));
    }
  });

  it('tells the webhook of each change once, signed, retrying a failure with backoff', async () => {
    const registry = new Registry();
    const watch = watchAlerts(db.dataSource, {
      registry,
      intervalMs: 3_600_000,
      thresholds: DEFAULT_ALERT_THRESHOLDS,
      webhook: { url: new URL(`${receiver.url}/flaky`), secret, backoffMs: 20 },
      log,
    });
    const seen = () => receiver.received.filter((r) => r.path === '/flaky');
    try {
      const id = await raise('settlement_hold', 30);
      const appeared = await watch.tick();
      expect(appeared).toMatchObject([
        { event: 'alert.appeared', kind: 'stale_exceptions', delivered: true },
      ]);
      // Refused once (503), then acknowledged: the same webhook-id on both attempts.
      expect(seen()).toHaveLength(2);
      expect(seen()[0]!.headers['webhook-id']).toBe(seen()[1]!.headers['webhook-id']);
      const last = seen()[1]!;
      expect(verified(secret, last.headers, last.body)).toBe(true);
      expect(verified(`whsec_${randomBytes(32).toString('base64')}`, last.headers, last.body)).toBe(false);
      expect(JSON.parse(last.body)).toMatchObject({
        type: 'alert.appeared',
        data: { kind: 'stale_exceptions', severity: 'warning', previous_severity: null, count: 1 },
      });
      // Nothing changed: nothing sent.
      expect(await watch.tick()).toEqual([]);
      expect(seen()).toHaveLength(2);
      // A severity change, then the clearing.
      await raise('settlement_hold', 100);
      expect(await watch.tick()).toMatchObject([
        { event: 'alert.changed', severity: 'critical', delivered: true },
      ]);
      expect(JSON.parse(seen()[2]!.body)).toMatchObject({
        data: { severity: 'critical', previous_severity: 'warning', count: 2 },
      });
      await resolve(id);
      await resolveAll();
      expect(await watch.tick()).toMatchObject([{ event: 'alert.cleared', severity: null, delivered: true }]);
      expect(seen()).toHaveLength(4);
    } finally {
      watch.stop();
    }
  });

  it('never follows a redirect: the change is undelivered and tried again at the next tick', async () => {
    const webhook = new AlertWebhook({
      url: new URL(`${receiver.url}/redirect`),
      secret,
      attempts: 2,
      backoffMs: 10,
    });
    const before = receiver.received.filter((r) => r.path === '/ok').length;
    await raise('late_outcome');
    const alerts = await currentAlerts(db.dataSource);
    const first = await webhook.notify(alerts);
    expect(first).toMatchObject([
      {
        event: 'alert.appeared',
        kind: 'late_outcome',
        delivered: false,
        error: /redirects are not followed/,
      },
    ]);
    expect(receiver.received.filter((r) => r.path === '/redirect').length).toBeGreaterThanOrEqual(2);
    expect(receiver.received.filter((r) => r.path === '/ok')).toHaveLength(before);
    expect(await webhook.notify(alerts)).toMatchObject([{ event: 'alert.appeared', delivered: false }]);
  });

  it('gives up on a receiver that does not answer within the timeout', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    const port = (silent.address() as AddressInfo).port;
    try {
      const webhook = new AlertWebhook({
        url: new URL(`http://127.0.0.1:${port}/`),
        secret,
        attempts: 2,
        backoffMs: 10,
        timeoutMs: 200,
      });
      await raise('payout_batch_parked');
      const started = Date.now();
      const [delivery] = await webhook.notify(await currentAlerts(db.dataSource));
      expect(delivery).toMatchObject({ delivered: false, error: /TimeoutError/ });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      silent.closeAllConnections();
      await new Promise((done) => silent.close(done));
    }
  });
});
