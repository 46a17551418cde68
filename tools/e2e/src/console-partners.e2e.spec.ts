import { hashApiKey, OperatorAccounts, SAMPLE_PARTNER } from '@tixclear/db';
import { ConsoleClient } from './console-http';
import { stackForSuite } from './suite';

/*
 * The operator API's partner routes over real HTTP, against the API as `npm start` runs it: read by every
 * role, keys changed by admins only; a new REST API key works on /v1 at once and its secret is answered once,
 * never logged nor audited; a rotated key keeps working for its overlap, a revoked one is refused at once;
 * a merchant key registered as the gateway's successor; the gateway's expiry notices (60/30/20 days).
 */

const PASSWORD = 'a long enough password';
const CLI = { actor: 'spec', actorRole: null };
const UID = SAMPLE_PARTNER.partnerUid;
const DAY_MS = 86_400_000;

describe('console partners (operator API over HTTP)', () => {
  let logs = '';
  const stack = stackForSuite({ env: { LOG_LEVEL: 'debug' }, apiOutput: (chunk) => (logs += chunk) });
  let admin: ConsoleClient;
  let viewer: ConsoleClient;

  beforeAll(async () => {
    const accounts = new OperatorAccounts(stack.db.dataSource);
    await accounts.add({ name: 'ada', role: 'admin', password: PASSWORD }, CLI);
    await accounts.add({ name: 'vera', role: 'viewer', password: PASSWORD }, CLI);
    admin = new ConsoleClient(stack.apiUrl);
    viewer = new ConsoleClient(stack.apiUrl);
    expect((await admin.signIn('ada', PASSWORD)).status).toBe(201);
    expect((await viewer.signIn('vera', PASSWORD)).status).toBe(201);
  });

  /** A REST call with the key: 404 for an unknown order means the key was taken; 401 means it was refused. */
  const v1 = async (key: string) =>
    (
      await fetch(`${stack.apiUrl}/v1/payments/NO-SUCH-ORDER`, {
        headers: { authorization: `Bearer ${key}` },
      })
    ).status;
  const audit = (action: string) =>
    stack.db.dataSource.query<{ actor: string; outcome: string; before: unknown; after: unknown }[]>(
      `SELECT actor, result AS outcome, before, after FROM operator_audit WHERE action = $1 ORDER BY id`,
      [action],
    );
  const keyRow = async (id: string) =>
    (
      await stack.db.dataSource.query<{ key_hash: string; revoked_at: Date | null }[]>(
        'SELECT key_hash, revoked_at FROM partner_api_keys WHERE id = $1',
        [id],
      )
    )[0];

  it('lets every role read partners, points, fee schedules and keys, and refuses a signed-out request', async () => {
    const list = await viewer.request('GET', '/console/api/partners');
    expect(list.status).toBe(200);
    const points = await stack.db.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM partner_points pp JOIN partners p ON p.id = pp.partner_id
        WHERE p.partner_uid = $1`,
      [UID],
    );
    expect(list.body.data).toEqual([
      expect.objectContaining({ partner_uid: UID, points: points[0]!.n, active_api_keys: 0 }),
    ]);
    const detail = await viewer.request('GET', `/console/api/partners/${UID}`);
    expect(detail.status).toBe(200);
    const data = detail.body.data as {
      fee_schedules: { effective_from: string; in_force: boolean }[];
      merchant_keys: { purpose: string; key_id: string; warning: unknown }[];
    };
    expect(data.fee_schedules.filter((f) => f.in_force)).toHaveLength(1);
    expect(data.merchant_keys.map((k) => k.purpose).sort()).toEqual(['inbound', 'upstream']);
    expect(JSON.stringify(detail.body)).not.toContain(SAMPLE_PARTNER.key);
    expect((await viewer.request('GET', '/console/api/partners/NO-SUCH')).status).toBe(404);
    expect((await new ConsoleClient(stack.apiUrl).request('GET', '/console/api/partners')).status).toBe(401);
  });

  it('documents the partner routes in the operator API’s OpenAPI document, not the partners’ one', async () => {
    const console = (await (await fetch(`${stack.apiUrl}/console/api/docs/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    const ids = Object.values(console.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(ids).toEqual(
      expect.arrayContaining([
        'console_partners',
        'console_partner',
        'console_partnerApiKeyIssue',
        'console_partnerApiKeyRevoke',
        'console_partnerApiKeyRotate',
        'console_partnerMerchantKeyAdd',
        'console_ownPassword',
      ]),
    );
    const partnersDoc = (await (await fetch(`${stack.apiUrl}/docs/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(partnersDoc.paths).filter((path) => path.startsWith('/console'))).toEqual([]);
  });

  it('a viewer changes no key (403), nor does a request without the CSRF token', async () => {
    for (const [path, body] of [
      [`/console/api/partners/${UID}/api-keys`, undefined],
      [`/console/api/partners/${UID}/merchant-keys`, { purpose: 'inbound', key: 'k'.repeat(32) }],
    ] as const) {
      const refused = await viewer.request('POST', path, body);
      expect(refused).toMatchObject({ status: 403, body: { error: { code: 'ROLE_FORBIDDEN' } } });
    }
    const noCsrf = await admin.request('POST', `/console/api/partners/${UID}/api-keys`, undefined, {
      'x-csrf-token': '',
    });
    expect(noCsrf.status).toBe(403);
    expect(await stack.db.dataSource.query('SELECT 1 FROM partner_api_keys')).toEqual([]);
  });

  let first: { id: string; prefix: string; secret: string };

  it('issues an API key: it works at once, the secret is answered once (no-store) and never audited nor logged', async () => {
    const issued = await admin.request('POST', `/console/api/partners/${UID}/api-keys`);
    expect(issued.status).toBe(201);
    expect(issued.headers.get('cache-control')).toBe('no-store');
    first = issued.body.data as typeof first;
    expect(first.secret).toMatch(/^tix_[A-Za-z0-9_-]{32}$/);
    expect(first.prefix).toBe(first.secret.slice(0, 12));
    expect(await v1(first.secret)).toBe(404);
    expect((await keyRow(first.id))?.key_hash).toBe(hashApiKey(first.secret));
    const [line] = await audit('partner.api_key_issue');
    expect(line).toMatchObject({ actor: 'ada', outcome: 'ok', before: [] });
    expect(line!.after).toEqual([
      expect.objectContaining({ id: first.id, prefix: first.prefix, revoked_at: null }),
    ]);
    const everything = JSON.stringify(await stack.db.dataSource.query('SELECT * FROM operator_audit'));
    expect(everything).not.toContain(first.secret);
    expect(everything).not.toContain(hashApiKey(first.secret));
    // The listing never carries it again.
    const again = await admin.request('GET', `/console/api/partners/${UID}`);
    expect(JSON.stringify(again.body)).not.toContain(first.secret);
    expect(logs).toContain('/api-keys');
    expect(logs).not.toContain(first.secret);
  });

  it('rotates a key: the new one works now, the old one for the overlap, then is refused', async () => {
    const rotated = await admin.request('POST', `/console/api/partners/${UID}/api-keys/${first.id}/rotate`, {
      overlap_hours: 2,
    });
    expect(rotated.status).toBe(201);
    const { issued, previous } = rotated.body.data as {
      issued: { id: string; secret: string };
      previous: { id: string; state: string; revoked_at: string };
    };
    expect(previous).toMatchObject({ id: first.id, state: 'overlap' });
    const overlap = new Date(previous.revoked_at).getTime() - Date.now();
    expect(overlap).toBeGreaterThan(2 * 3_600_000 - 60_000);
    expect(overlap).toBeLessThanOrEqual(2 * 3_600_000);
    expect(await v1(issued.secret)).toBe(404);
    expect(await v1(first.secret)).toBe(404);
    // A rotated key is not rotated twice.
    const twice = await admin.request('POST', `/console/api/partners/${UID}/api-keys/${first.id}/rotate`, {});
    expect(twice).toMatchObject({ status: 409, body: { error: { code: 'API_KEY_NOT_ACTIVE' } } });
    // The overlap is over (as if two hours had passed): the old key is refused, the new one still works.
    await stack.db.dataSource.query(
      `UPDATE partner_api_keys SET revoked_at = now() - interval '1 second' WHERE id = $1`,
      [first.id],
    );
    expect(await v1(first.secret)).toBe(401);
    expect(await v1(issued.secret)).toBe(404);
    const [line] = await audit('partner.api_key_rotate');
    expect(JSON.stringify(line)).not.toContain(issued.secret);
    expect(line!.after).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: first.id, revoked_at: expect.any(String) }),
        expect.objectContaining({ id: issued.id, revoked_at: null }),
      ]),
    );
    expect(logs).not.toContain(issued.secret);

    // Revoked now: refused at the next request, whatever overlap it had.
    const revoked = await admin.request('POST', `/console/api/partners/${UID}/api-keys/${issued.id}/revoke`);
    expect(revoked.status).toBe(201);
    expect(revoked.body.data).toMatchObject({ id: issued.id, state: 'revoked' });
    expect(await v1(issued.secret)).toBe(401);
    const again = await admin.request('POST', `/console/api/partners/${UID}/api-keys/${issued.id}/revoke`);
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'API_KEY_NOT_ACTIVE' } } });
    expect((await audit('partner.api_key_revoke')).map((l) => l.outcome)).toEqual([
      'ok',
      'API_KEY_NOT_ACTIVE',
    ]);
  });

  it('refuses bad input with the field named, and keys of another partner or none', async () => {
    const fresh = (await admin.request('POST', `/console/api/partners/${UID}/api-keys`)).body.data as {
      id: string;
    };
    for (const [body, field] of [
      [{ overlap_hours: 169 }, 'overlap_hours'],
      [{ overlap_hours: -1 }, 'overlap_hours'],
      [{ overlap_hours: 1.5 }, 'overlap_hours'],
      [{ overlap_hours: '24' }, 'overlap_hours'],
      [{ overlap: 1 }, undefined],
    ] as const) {
      const refused = await admin.request(
        'POST',
        `/console/api/partners/${UID}/api-keys/${fresh.id}/rotate`,
        body,
      );
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error: { code: 'BODY_INVALID', ...(field ? { field } : {}) } });
    }
    expect((await keyRow(fresh.id))?.revoked_at).toBeNull();
    // Two rotations of one key at once: one issues a successor, the other is refused (the key's row is locked).
    const both = await Promise.all(
      [1, 2].map(() =>
        admin.request('POST', `/console/api/partners/${UID}/api-keys/${fresh.id}/rotate`, {
          overlap_hours: 1,
        }),
      ),
    );
    expect(both.map((a) => a.status).sort()).toEqual([201, 409]);
    const successors = await stack.db.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM partner_api_keys WHERE created_at > (SELECT created_at FROM partner_api_keys WHERE id = $1)`,
      [fresh.id],
    );
    expect(successors[0]!.n).toBe(1);
    const unknown = await admin.request(
      'POST',
      `/console/api/partners/${UID}/api-keys/00000000-0000-0000-0000-000000000000/revoke`,
    );
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'API_KEY_NOT_FOUND' } } });
    const junk = await admin.request('POST', `/console/api/partners/${UID}/api-keys/not-a-uuid/revoke`);
    expect(junk.status).toBe(404);
    const noPartner = await admin.request('POST', '/console/api/partners/NO-SUCH/api-keys');
    expect(noPartner).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
  });

  it('registers the merchant key the gateway mailed as the successor, and shows the 60/30/20-day notices', async () => {
    const detail = async () =>
      (await admin.request('GET', `/console/api/partners/${UID}`)).body.data as {
        merchant_keys: {
          purpose: string;
          key_id: string;
          valid_from: string;
          valid_until: string;
          rotation_from: string;
          warning: { window: number; days_left: number; has_successor: boolean } | null;
        }[];
      };
    // The inbound key ends in 25 days: the gateway's 30-day notice, no successor yet.
    await stack.db.dataSource.query(
      `UPDATE partner_keys k SET valid_until = now() + interval '25 days' - interval '1 hour'
         FROM partners p WHERE p.id = k.partner_id AND p.partner_uid = $1 AND k.purpose = 'inbound'`,
      [UID],
    );
    const before = (await detail()).merchant_keys.find((k) => k.purpose === 'inbound')!;
    expect(before.warning).toEqual({ window: 30, days_left: 25, has_successor: false });
    expect(new Date(before.valid_until).getTime() - new Date(before.rotation_from).getTime()).toBe(
      7 * DAY_MS,
    );
    const summary = (await admin.request('GET', '/console/api/partners')).body.data as {
      key_warning: unknown;
    }[];
    expect(summary[0]?.key_warning).toEqual({ window: 30, days_left: 25, has_successor: false });

    for (const [body, field] of [
      [{ purpose: 'inbound', key: 'short' }, 'key'],
      [{ purpose: 'sideways', key: 'k'.repeat(32) }, 'purpose'],
      [{ purpose: 'inbound', key: 'k'.repeat(33) }, 'key'],
    ] as const) {
      const refused = await admin.request('POST', `/console/api/partners/${UID}/merchant-keys`, body);
      expect(refused).toMatchObject({ status: 400, body: { error: { code: 'BODY_INVALID', field } } });
    }
    const successor = 'S'.repeat(16) + 'k'.repeat(16);
    const added = await admin.request('POST', `/console/api/partners/${UID}/merchant-keys`, {
      purpose: 'inbound',
      key: successor,
    });
    expect(added.status).toBe(201);
    const key = added.body.data as { key_id: string; valid_from: string };
    expect(key.valid_from).toBe(before.rotation_from);
    const after = await detail();
    // With a successor ready, the 30-day notice is over; the new key waits for its window.
    expect(after.merchant_keys.find((k) => k.key_id === before.key_id)?.warning).toBeNull();
    expect(after.merchant_keys.find((k) => k.key_id === key.key_id)).toMatchObject({ purpose: 'inbound' });
    const twice = await admin.request('POST', `/console/api/partners/${UID}/merchant-keys`, {
      purpose: 'inbound',
      key: successor,
    });
    expect(twice).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT', field: 'key' } } });
    const lines = await audit('partner.merchant_key_add');
    expect(lines.map((l) => l.outcome)).toEqual(['ok', 'CONFLICT']);
    expect(JSON.stringify(lines)).not.toContain(successor);
    expect(lines[0]!.after).toEqual(
      expect.arrayContaining([expect.objectContaining({ keyId: key.key_id, purpose: 'inbound' })]),
    );
    expect(logs).not.toContain(successor);
  });
});
