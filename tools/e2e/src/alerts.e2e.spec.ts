import { randomUUID } from 'node:crypto';
import { OperatorAccounts, raiseOperatorItem } from '@tixclear/db';
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
