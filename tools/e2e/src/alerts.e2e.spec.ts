import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, OperatorAccounts, raiseOperatorItem } from '@tixclear/db';
import type { StackOptions } from './stack';
import { ConsoleClient } from './console-http';
import { stackForSuite } from './suite';

/*
 * GET /console/api/alerts over real HTTP against the API as `npm start` runs it: a viewer reads the alerts the
 * database holds; no session, no alerts; the route is in the operator API's OpenAPI document.
 */

const PASSWORD = 'a long enough password';

describe('console alerts (operator API over HTTP)', () => {
  const stack = stackForSuite();

  beforeAll(async () => {
    await new OperatorAccounts(stack.db.dataSource).add(
      { name: 'vic', role: 'viewer', password: PASSWORD },
      { actor: 'spec', actorRole: null },
    );
  });

  it('a viewer reads the alerts in force; they follow the database', async () => {
    const anonymous = await new ConsoleClient(stack.apiUrl).request('GET', '/console/api/alerts');
    expect(anonymous.status).toBe(401);
    const client = new ConsoleClient(stack.apiUrl);
    expect((await client.signIn('vic', PASSWORD)).status).toBe(201);
    const before = await client.request('GET', '/console/api/alerts');
    expect(before.status).toBe(200);
    expect((before.body.data as { kind: string }[]).map((alert) => alert.kind)).not.toContain('late_outcome');

    await raiseOperatorItem(stack.db.dataSource.manager, {
      kind: 'late_outcome',
      reference: randomUUID(),
      details: {},
    });
    await stack.db.dataSource.query(
      `UPDATE operator_items SET created_at = now() - interval '2 days' WHERE kind = 'late_outcome'`,
    );
    const after = await client.request('GET', '/console/api/alerts');
    expect(after.status).toBe(200);
    const alerts = after.body.data as {
      kind: string;
      severity: string;
      count: number;
      oldest_age_seconds: number;
    }[];
    expect(alerts.find((alert) => alert.kind === 'late_outcome')).toMatchObject({
      severity: 'critical',
      count: 1,
      link: { page: 'exceptions', operator_item_kind: 'late_outcome' },
    });
    expect(alerts.find((alert) => alert.kind === 'stale_exceptions')).toMatchObject({ severity: 'warning' });
    expect(alerts.find((alert) => alert.kind === 'late_outcome')!.oldest_age_seconds).toBeGreaterThanOrEqual(
      2 * 86_400,
    );
    expect(Date.parse(after.body.computed_at as string)).not.toBeNaN();
  });

  it('is documented in the operator API’s OpenAPI document, read capability, no CSRF header', async () => {
    const own = (await (await fetch(`${stack.apiUrl}/console/api/docs/openapi.json`)).json()) as {
      paths: Record<
        string,
        { get?: { operationId: string; description: string; parameters?: { name: string }[] } }
      >;
    };
    const get = own.paths['/console/api/alerts']?.get;
    expect(get?.operationId).toBe('console_alerts');
    expect(get?.description).toMatch(/Needs: read\./);
    expect((get?.parameters ?? []).map((p) => p.name)).not.toContain('X-CSRF-Token');
  });
});

describe('the worker as `npm start` runs it: alert gauges in /metrics, the webhook told once', () => {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'alerts-e2e-'));
  let receiver: Server;
  let metricsUrl = '';
  const options: StackOptions = { worker: true, env: {} };

  // Registered before the stack's own beforeAll: the worker starts with these variables.
  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
    writeFileSync(path.join(dir, 'secret'), `${secret}\n`, { mode: 0o600 });
    const metricsPort = await freePort();
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    options.env = {
      WORKER_METRICS_PORT: String(metricsPort),
      ALERT_INTERVAL_SECONDS: '1',
      ALERT_WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/alerts`,
      ALERT_WEBHOOK_SECRET_FILE: path.join(dir, 'secret'),
    };
  });
  const stack = stackForSuite(options);
  afterAll(async () => {
    await new Promise((done) => receiver.close(done));
    rmSync(dir, { recursive: true, force: true });
  });

  const gauge = async (name: string, kind: string): Promise<number | undefined> => {
    // Undefined until the worker serves its metrics.
    const text = await fetch(metricsUrl).then(
      (response) => response.text(),
      () => '',
    );
    const line = text.split('\n').find((l) => l.startsWith(`${name}{kind="${kind}"} `));
    return line === undefined ? undefined : Number(line.split(' ')[1]);
  };
  const until = async (check: () => Promise<boolean>, ms = 20_000) => {
    const end = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > end) throw new Error('not within the time');
      await new Promise((done) => setTimeout(done, 100));
    }
  };

  it('a parked batch moves the gauges and is POSTed once, signed; resolved, it clears', async () => {
    await until(async () => (await gauge('tixclear_alert_count', 'payout_batch_parked')) === 0);
    const reference = randomUUID();
    await raiseOperatorItem(stack.db.dataSource.manager, {
      kind: 'payout_batch_parked',
      reference,
      details: {},
    });
    await until(async () => (await gauge('tixclear_alert_count', 'payout_batch_parked')) === 1);
    expect(await gauge('tixclear_alert_severity', 'payout_batch_parked')).toBe(2);
    await until(() => Promise.resolve(received.length >= 1));
    // Several computations later, still one POST.
    await new Promise((done) => setTimeout(done, 2_500));
    expect(received).toHaveLength(1);
    const [first] = received;
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const signature = createHmac('sha256', key)
      .update(
        `${String(first!.headers['webhook-id'])}.${String(first!.headers['webhook-timestamp'])}.${first!.body}`,
      )
      .digest('base64');
    expect(String(first!.headers['webhook-signature']).split(' ')).toContain(`v1,${signature}`);
    expect(JSON.parse(first!.body)).toMatchObject({
      type: 'alert.appeared',
      data: { kind: 'payout_batch_parked', severity: 'critical', count: 1 },
    });
    await stack.db.dataSource.query(
      `UPDATE operator_items SET state = 'resolved', resolved_at = now(), resolved_by = 'spec', resolution = 'x'
        WHERE kind = 'payout_batch_parked' AND reference = $1`,
      [reference],
    );
    await until(() => Promise.resolve(received.length >= 2));
    expect(JSON.parse(received[1]!.body)).toMatchObject({
      type: 'alert.cleared',
      data: { kind: 'payout_batch_parked', severity: null, previous_severity: 'critical' },
    });
    expect(await gauge('tixclear_alert_count', 'payout_batch_parked')).toBe(0);
  }, 30_000);
});
