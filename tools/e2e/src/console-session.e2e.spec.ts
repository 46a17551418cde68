import { OperatorAccounts, secretHash } from '@tixclear/db';
import { ConsoleClient, operatorsCli } from './console-http';
import { stackForSuite } from './suite';

/*
 * The operator API's sign-in, sessions, CSRF and roles over real HTTP, against the API as `npm start` runs it,
 * with accounts made by `npm run operators` (a child process) as a person makes them.
 */

const PASSWORD = 'a long enough password';
const CLI = { actor: 'spec', actorRole: null };

describe('console sign-in, sessions, CSRF and roles (operator API over HTTP)', () => {
  const stack = stackForSuite();
  let accounts: OperatorAccounts;
  const cliEnv = () => ({ DATABASE_URL: stack.db.url, LOG_LEVEL: 'silent', API_PUBLIC_URL: stack.apiUrl });

  beforeAll(async () => {
    accounts = new OperatorAccounts(stack.db.dataSource);
    await accounts.add({ name: 'vera', role: 'viewer', password: PASSWORD }, CLI);
    await accounts.add({ name: 'ada', role: 'admin', password: PASSWORD }, CLI);
  });

  const audit = (action: string, actor?: string) =>
    stack.db.dataSource.query<{ actor: string; outcome: string; before: unknown; after: unknown }[]>(
      `SELECT actor, result AS outcome, before, after FROM operator_audit
        WHERE action = $1 AND ($2::text IS NULL OR actor = $2) ORDER BY id`,
      [action, actor ?? null],
    );

  it('adds an operator from the CLI with the password on stdin, never on the command line', async () => {
    const refused = await operatorsCli(cliEnv(), [
      'add',
      '--name',
      'cli1',
      '--role',
      'finance',
      '--password',
      'x',
    ]);
    expect(refused.code).toBe(2);
    const added = await operatorsCli(
      cliEnv(),
      ['add', '--name', 'cli1', '--role', 'finance', '--password-file', '-'],
      `${PASSWORD}\n`,
    );
    expect(added.code).toBe(0);
    const again = await operatorsCli(cliEnv(), ['add', '--name', 'cli1', '--role', 'nobody']);
    expect(again.code).toBe(1);
    const client = new ConsoleClient(stack.apiUrl);
    expect((await client.signIn('cli1', PASSWORD)).status).toBe(201);
    const stored = await stack.db.dataSource.query<{ password_hash: string; role: string }[]>(
      `SELECT password_hash, role FROM operators WHERE name = 'cli1'`,
    );
    expect(stored[0]?.role).toBe('finance');
    expect(stored[0]?.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(stored[0]?.password_hash).not.toContain(PASSWORD);
  });

  it('signs in: an HttpOnly, SameSite=Strict cookie scoped to /console, and /me with the CSRF token', async () => {
    const client = new ConsoleClient(stack.apiUrl);
    const answer = await client.signIn('vera', PASSWORD);
    expect(answer.status).toBe(201);
    const cookie = answer.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^tixclear_console=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/console');
    // Plain HTTP here: Secure would make the browser drop it; over HTTPS it is set (cookies.ts).
    expect(cookie).not.toContain('Secure');
    const me = await client.request('GET', '/console/api/me');
    expect(me.status).toBe(200);
    expect(me.body.data).toMatchObject({ name: 'vera', role: 'viewer', csrf_token: client.csrf });
    // Only the id's hash is stored.
    const id = client.cookie!.split('=')[1]!;
    const rows = await stack.db.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM operator_sessions WHERE id_hash = $1',
      [secretHash(id)],
    );
    expect(rows[0]?.n).toBe(1);
    expect((await audit('session.sign_in', 'vera')).at(-1)?.outcome).toBe('ok');
  });

  it('refuses a wrong password and an unknown name alike, and audits both', async () => {
    const client = new ConsoleClient(stack.apiUrl);
    const wrong = await client.signIn('vera', 'not the password at all');
    const unknown = await client.signIn('nobody-here', PASSWORD);
    for (const answer of [wrong, unknown]) {
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ error: { code: 'SIGN_IN_FAILED' } });
      expect(answer.headers.get('set-cookie')).toBeNull();
    }
    // A name that is no operator's is not kept (it may be a password typed in the wrong field).
    expect(await audit('session.sign_in', 'nobody-here')).toEqual([]);
    expect((await audit('session.sign_in', '-')).map((a) => a.outcome)).toEqual(['SIGN_IN_FAILED']);
    expect((await audit('session.sign_in', 'vera')).map((a) => a.outcome)).toContain('SIGN_IN_FAILED');
  });

  it('rate-limits failed sign-ins per name: the 6th attempt in a minute is 429, even with the right password', async () => {
    await accounts.add({ name: 'rita', role: 'viewer', password: PASSWORD }, CLI);
    const client = new ConsoleClient(stack.apiUrl);
    for (let i = 0; i < 5; i++) expect((await client.signIn('rita', `wrong password ${i}`)).status).toBe(401);
    const limited = await client.signIn('rita', PASSWORD);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    expect(client.cookie).toBeUndefined();
    // Another name from the same address is not locked out by rita's failures.
    expect((await new ConsoleClient(stack.apiUrl).signIn('vera', PASSWORD)).status).toBe(201);
    expect((await audit('session.sign_in', 'rita')).at(-1)?.outcome).toBe('RATE_LIMITED');
  });

  it('a one-time link from the CLI signs in once, redirects to /console, and is refused the second time', async () => {
    const made = await operatorsCli(cliEnv(), ['login-link', '--name', 'vera']);
    expect(made.code).toBe(0);
    const url = made.out.trim();
    expect(url).toMatch(new RegExp(`^${stack.apiUrl}/console/login/[A-Za-z0-9_-]{43}$`));
    const token = url.split('/').at(-1)!;
    // Only its hash is stored.
    const links = await stack.db.dataSource.query<{ token_hash: string }[]>(
      'SELECT token_hash FROM operator_login_links',
    );
    expect(links.map((l) => l.token_hash)).toContain(secretHash(token));
    expect(links.map((l) => l.token_hash)).not.toContain(token);

    // Opening the link shows a page (a preview spends nothing); its button posts the link from this origin.
    const opened = await fetch(url);
    expect(opened.status).toBe(200);
    expect(opened.headers.get('referrer-policy')).toBe('same-origin');
    expect(await opened.text()).toContain(
      `<form class="card" method="post" action="/console/login/${token}">`,
    );
    const crossSite = await fetch(url, { method: 'POST', headers: { origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);

    const first = new ConsoleClient(stack.apiUrl);
    const used = await first.useLink(url);
    expect(used.status).toBe(303);
    expect(used.headers.get('location')).toBe('/console');
    expect(used.headers.get('referrer-policy')).toBe('no-referrer');
    expect((await first.request('GET', '/console/api/me')).body.data).toMatchObject({ name: 'vera' });

    const second = new ConsoleClient(stack.apiUrl);
    const again = await second.useLink(url);
    expect(again.status).toBe(410);
    expect(again.body).toMatchObject({ error: { code: 'LINK_INVALID' } });
    expect(second.cookie).toBeUndefined();
    expect((await audit('session.login_link')).map((a) => a.outcome)).toEqual(['ok', 'LINK_INVALID']);
  });

  it('refuses an expired link, and a link of a disabled operator', async () => {
    const expired = await accounts.loginLink('vera', CLI);
    await stack.db.dataSource.query(
      `UPDATE operator_login_links SET expires_at = now() - interval '1 second' WHERE token_hash = $1`,
      [secretHash(expired.token)],
    );
    const client = new ConsoleClient(stack.apiUrl);
    expect((await client.request('POST', `/console/login/${expired.token}`)).status).toBe(410);
    // The link is made to last 10 minutes.
    const fresh = await accounts.loginLink('vera', CLI);
    expect(fresh.expiresAt.getTime() - Date.now()).toBeGreaterThan(9 * 60_000);
    expect(fresh.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(10 * 60_000);
    expect((await client.request('POST', '/console/login/not-a-token')).status).toBe(410);
    // Disabling spends nothing but kills the links: the fresh one no longer signs in.
    await accounts.add({ name: 'otto', role: 'operator', password: null }, CLI);
    const otto = await accounts.loginLink('otto', CLI);
    await accounts.disable('otto', CLI);
    expect((await client.request('POST', `/console/login/${otto.token}`)).status).toBe(410);
    expect(client.cookie).toBeUndefined();
  });

  it('refuses signed-out requests (401), and a signed-out session is dead', async () => {
    const anonymous = new ConsoleClient(stack.apiUrl);
    for (const [method, path] of [
      ['GET', '/console/api/me'],
      ['GET', '/console/api/audit'],
      ['GET', '/console/api/exceptions'],
      ['POST', '/console/api/holds/x/reclear'],
      ['DELETE', '/console/api/session'],
    ] as const) {
      const answer = await anonymous.request(method, path, method === 'POST' ? { note: 'n' } : undefined);
      expect({ path, status: answer.status, code: (answer.body.error as { code: string }).code }).toEqual({
        path,
        status: 401,
        code: 'UNAUTHENTICATED',
      });
    }
    const client = new ConsoleClient(stack.apiUrl);
    await client.signIn('vera', PASSWORD);
    const stolen = client.cookie;
    const out = await client.request('DELETE', '/console/api/session');
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    const replay = await new ConsoleClient(stack.apiUrl).request('GET', '/console/api/me', undefined, {
      cookie: stolen!,
    });
    expect(replay.status).toBe(401);
    expect((await audit('session.sign_out', 'vera')).length).toBe(1);
  });

  it('never keeps a session id across a sign-in (no fixation), and ends a session idle too long', async () => {
    const client = new ConsoleClient(stack.apiUrl);
    await client.signIn('vera', PASSWORD);
    const before = client.cookie!;
    // A planted id that is no session is ignored; a live one is replaced and dropped.
    await client.signIn('vera', PASSWORD);
    expect(client.cookie).not.toBe(before);
    expect(
      (await new ConsoleClient(stack.apiUrl).request('GET', '/console/api/me', undefined, { cookie: before }))
        .status,
    ).toBe(401);
    const planted = `tixclear_console=${'A'.repeat(43)}`;
    const fresh = new ConsoleClient(stack.apiUrl);
    fresh.cookie = planted;
    await fresh.signIn('vera', PASSWORD);
    expect(fresh.cookie).not.toBe(planted);
    // 31 minutes without a request: the session is over.
    const id = client.cookie!.split('=')[1]!;
    await stack.db.dataSource.query(
      `UPDATE operator_sessions SET last_seen_at = now() - interval '31 minutes' WHERE id_hash = $1`,
      [secretHash(id)],
    );
    expect((await client.request('GET', '/console/api/me')).status).toBe(401);
  });

  it('requires the session’s CSRF token and this origin on every state-changing call (403)', async () => {
    const client = new ConsoleClient(stack.apiUrl);
    await client.signIn('ada', PASSWORD);
    const body = { name: 'newbie', role: 'viewer' };
    const missing = await client.request('POST', '/console/api/operators', body, { 'x-csrf-token': '' });
    expect(missing).toMatchObject({ status: 403, body: { error: { code: 'CSRF_INVALID' } } });
    const other = new ConsoleClient(stack.apiUrl);
    await other.signIn('vera', PASSWORD);
    const wrong = await client.request('POST', '/console/api/operators', body, {
      'x-csrf-token': other.csrf!,
    });
    expect(wrong).toMatchObject({ status: 403, body: { error: { code: 'CSRF_INVALID' } } });
    const crossSite = await client.request('POST', '/console/api/operators', body, {
      origin: 'https://evil.example',
    });
    expect(crossSite).toMatchObject({ status: 403, body: { error: { code: 'ORIGIN_FORBIDDEN' } } });
    // A sign-in posted from another site is refused too (no login CSRF).
    const foreignSignIn = await new ConsoleClient(stack.apiUrl).request(
      'POST',
      '/console/api/session',
      { name: 'vera', password: PASSWORD },
      { origin: 'https://evil.example' },
    );
    expect(foreignSignIn.status).toBe(403);
    expect(await stack.db.dataSource.query(`SELECT 1 FROM operators WHERE name = 'newbie'`)).toEqual([]);
    const done = await client.request('POST', '/console/api/operators', body);
    expect(done.status).toBe(201);
    expect(done.body.data).toMatchObject({ name: 'newbie', role: 'viewer', hasPassword: false });
  });

  it('a viewer reads but changes nothing (403 ROLE_FORBIDDEN); admin routes are admins’ only', async () => {
    const viewer = new ConsoleClient(stack.apiUrl);
    await viewer.signIn('vera', PASSWORD);
    expect((await viewer.request('GET', '/console/api/audit')).status).toBe(200);
    expect((await viewer.request('GET', '/console/api/exceptions')).status).toBe(200);
    for (const [method, path, body] of [
      ['POST', '/console/api/holds/00000000-0000-0000-0000-000000000000/reclear', { note: 'n' }],
      ['POST', '/console/api/payout-exceptions/X1/reinclude', undefined],
      ['POST', '/console/api/paid-mismatches/00000000-0000-0000-0000-000000000000/accept', undefined],
      ['POST', '/console/api/partner-reports/resend', { partner_uid: 'u', order_id: 'o' }],
      ['POST', '/console/api/operators', { name: 'x', role: 'admin' }],
      ['PATCH', '/console/api/operators/vera', { role: 'admin' }],
      ['GET', '/console/api/operators', undefined],
    ] as const) {
      const answer = await viewer.request(method, path, body);
      expect({ path, status: answer.status, code: (answer.body.error as { code?: string }).code }).toEqual({
        path,
        status: 403,
        code: 'ROLE_FORBIDDEN',
      });
    }
    const role = await stack.db.dataSource.query<{ role: string }[]>(
      `SELECT role FROM operators WHERE name = 'vera'`,
    );
    expect(role[0]?.role).toBe('viewer');
  });

  it('disabling an operator ends their live session at its next request; a role change applies at once', async () => {
    await accounts.add({ name: 'dora', role: 'finance', password: PASSWORD }, CLI);
    const dora = new ConsoleClient(stack.apiUrl);
    await dora.signIn('dora', PASSWORD);
    const admin = new ConsoleClient(stack.apiUrl);
    await admin.signIn('ada', PASSWORD);
    const demoted = await admin.request('PATCH', '/console/api/operators/dora', { role: 'viewer' });
    expect(demoted.status).toBe(200);
    expect((await dora.request('GET', '/console/api/me')).body.data).toMatchObject({ role: 'viewer' });
    const disabled = await admin.request('PATCH', '/console/api/operators/dora', { disabled: true });
    expect(disabled.body.data).toMatchObject({ name: 'dora' });
    expect((await dora.request('GET', '/console/api/me')).status).toBe(401);
    expect((await new ConsoleClient(stack.apiUrl).signIn('dora', PASSWORD)).status).toBe(401);
    const changes = await audit('operator.set_role', 'ada');
    expect(changes.at(-1)).toMatchObject({ before: { role: 'finance' }, after: { role: 'viewer' } });
    expect((await audit('operator.disable', 'ada')).at(-1)).toMatchObject({
      before: { disabledAt: null },
      after: { name: 'dora' },
    });
  });

  it('keeps the audit append-only, and lists it newest first, filtered and paged', async () => {
    await expect(
      stack.db.dataSource.query(`UPDATE operator_audit SET actor = 'someone else'`),
    ).rejects.toThrow(/append-only/);
    await expect(stack.db.dataSource.query('DELETE FROM operator_audit')).rejects.toThrow(/append-only/);
    const client = new ConsoleClient(stack.apiUrl);
    await client.signIn('vera', PASSWORD);
    const page = await client.request('GET', '/console/api/audit?action=session.sign_in&limit=2');
    const entries = page.body.data as { id: string; action: string }[];
    expect(entries).toHaveLength(2);
    expect(entries.every((e) => e.action === 'session.sign_in')).toBe(true);
    expect(Number(entries[0]!.id)).toBeGreaterThan(Number(entries[1]!.id));
    const next = await client.request(
      'GET',
      `/console/api/audit?action=session.sign_in&limit=2&before=${page.body.next as string}`,
    );
    expect(Number((next.body.data as { id: string }[])[0]!.id)).toBeLessThan(Number(entries[1]!.id));
    const bad = await client.request('GET', '/console/api/audit?limit=100000');
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'BODY_INVALID', field: 'limit' } } });
  });

  it('serves its own OpenAPI document, and the partners’ document leaves the console out', async () => {
    const own = (await (await fetch(`${stack.apiUrl}/console/api/docs/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(own.paths)).toEqual(
      expect.arrayContaining(['/console/api/session', '/console/api/audit']),
    );
    expect(Object.keys(own.paths).every((p) => p.startsWith('/console'))).toBe(true);
    const partners = (await (await fetch(`${stack.apiUrl}/docs/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(partners.paths).some((p) => p.startsWith('/console'))).toBe(false);
  });
});
