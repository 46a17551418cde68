import { OperatorAccounts } from '@tixclear/db';
import { ConsoleClient, operatorsCli } from './console-http';
import { stackForSuite } from './suite';

/*
 * The operator API's operator routes over real HTTP: an admin adds an operator without typing a password (a
 * one-time link is answered), the operator sets their own; the last enabled admin can be neither disabled nor
 * demoted, from the console or from `npm run operators`.
 */

const PASSWORD = 'a long enough password';
const CLI = { actor: 'spec', actorRole: null };

describe('console operators (operator API over HTTP)', () => {
  const stack = stackForSuite();
  let admin: ConsoleClient;
  const cliEnv = () => ({ DATABASE_URL: stack.db.url, LOG_LEVEL: 'silent', API_PUBLIC_URL: stack.apiUrl });

  beforeAll(async () => {
    await new OperatorAccounts(stack.db.dataSource).add(
      { name: 'ada', role: 'admin', password: PASSWORD },
      CLI,
    );
    admin = new ConsoleClient(stack.apiUrl);
    expect((await admin.signIn('ada', PASSWORD)).status).toBe(201);
  });

  const audit = (action: string, target: string) =>
    stack.db.dataSource.query<{ actor: string; outcome: string }[]>(
      `SELECT actor, result AS outcome FROM operator_audit WHERE action = $1 AND target = $2 ORDER BY id`,
      [action, target],
    );

  it('adds an operator with a one-time link, never a password typed by the admin; they set their own', async () => {
    const typed = await admin.request('POST', '/console/api/operators', {
      name: 'nina',
      role: 'finance',
      password: PASSWORD,
    });
    expect(typed).toMatchObject({ status: 400, body: { error: { code: 'BODY_INVALID' } } });
    const patched = await admin.request('PATCH', '/console/api/operators/ada', { password: PASSWORD });
    expect(patched.status).toBe(400);

    const added = await admin.request('POST', '/console/api/operators', { name: 'nina', role: 'finance' });
    expect(added.status).toBe(201);
    expect(added.headers.get('cache-control')).toBe('no-store');
    expect(added.body.data).toMatchObject({ name: 'nina', role: 'finance', hasPassword: false });
    const link = added.body.login_link as { url: string; expires_at: string };
    expect(link.url).toMatch(new RegExp(`^${stack.apiUrl}/console/login/[A-Za-z0-9_-]{43}$`));
    expect((await audit('operator.login_link', 'nina')).map((l) => l.actor)).toEqual(['ada']);

    const nina = new ConsoleClient(stack.apiUrl);
    expect((await nina.useLink(link.url)).status).toBe(303);
    // No password yet: set without a current one; every session of hers ends, this one too.
    const weak = await nina.request('PUT', '/console/api/me/password', { password: 'short' });
    expect(weak).toMatchObject({
      status: 400,
      body: { error: { code: 'PASSWORD_POLICY', field: 'password' } },
    });
    const set = await nina.request('PUT', '/console/api/me/password', { password: 'nina’s own password' });
    expect(set.status).toBe(200);
    expect(set.body.data).toMatchObject({ name: 'nina', hasPassword: true });
    expect((await nina.request('GET', '/console/api/me')).status).toBe(401);
    const again = new ConsoleClient(stack.apiUrl);
    expect((await again.signIn('nina', 'nina’s own password')).status).toBe(201);
    // From now on the current one is needed; a wrong one is refused and counts as a failed sign-in.
    const wrong = await again.request('PUT', '/console/api/me/password', {
      current_password: 'not my password',
      password: 'another long password',
    });
    expect(wrong).toMatchObject({
      status: 400,
      body: { error: { code: 'BODY_INVALID', field: 'current_password' } },
    });
    const none = await again.request('PUT', '/console/api/me/password', {
      password: 'another long password',
    });
    expect(none.status).toBe(400);
    const failures = await stack.db.dataSource.query<{ n: number }[]>(
      'SELECT coalesce(max(failures), 0)::int AS n FROM operator_sign_in_failures',
    );
    expect(failures[0]!.n).toBe(2);
    expect((await again.request('GET', '/console/api/me')).status).toBe(200);
    // Each attempt is in the audit trail, refusals with their code.
    expect(await audit('operator.set_password', 'nina')).toEqual([
      { actor: 'nina', outcome: 'PASSWORD_POLICY' },
      { actor: 'nina', outcome: 'ok' },
      { actor: 'nina', outcome: 'BODY_INVALID' },
      { actor: 'nina', outcome: 'BODY_INVALID' },
    ]);
    expect(await audit('operator.add', 'nina')).toEqual([
      { actor: 'ada', outcome: 'BODY_INVALID' },
      { actor: 'ada', outcome: 'ok' },
    ]);
    // A viewer's own password is theirs to change too; someone else's is an admin route.
    expect((await again.request('PATCH', '/console/api/operators/ada', { role: 'viewer' })).status).toBe(403);
  });

  it('refuses to disable or demote the last enabled admin (409 OPERATOR_LAST_ADMIN), and the CLI obeys too', async () => {
    const disable = await admin.request('PATCH', '/console/api/operators/ada', { disabled: true });
    expect(disable).toMatchObject({
      status: 409,
      body: { error: { code: 'OPERATOR_LAST_ADMIN', field: 'name' } },
    });
    const demote = await admin.request('PATCH', '/console/api/operators/ada', { role: 'operator' });
    expect(demote).toMatchObject({ status: 409, body: { error: { code: 'OPERATOR_LAST_ADMIN' } } });
    expect((await admin.request('GET', '/console/api/me')).body.data).toMatchObject({ role: 'admin' });
    const cli = await operatorsCli(cliEnv(), ['disable', '--name', 'ada']);
    expect(cli.code).toBe(1);
    expect(cli.err).toContain('OPERATOR_LAST_ADMIN');
    expect((await audit('operator.disable', 'ada')).map((l) => l.outcome)).toEqual([
      'OPERATOR_LAST_ADMIN',
      'OPERATOR_LAST_ADMIN',
    ]);
    // With a second admin, the first may step down.
    expect((await admin.request('PATCH', '/console/api/operators/nina', { role: 'admin' })).status).toBe(200);
    expect((await admin.request('PATCH', '/console/api/operators/ada', { role: 'viewer' })).status).toBe(200);
    const left = await stack.db.dataSource.query<{ name: string }[]>(
      `SELECT name FROM operators WHERE role = 'admin' AND disabled_at IS NULL`,
    );
    expect(left).toEqual([{ name: 'nina' }]);
  });
});
