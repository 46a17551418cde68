import { OperatorAccounts } from '@tixclear/db';
import { ConsoleClient } from './console-http';
import { stackForSuite } from './suite';

/*
 * The session cookie behind a TLS-terminating proxy (TRUST_PROXY names it): Secure when the client's request came
 * over HTTPS, and the origin the client used (https) is the one a state-changing call must come from.
 */

const PASSWORD = 'a long enough password';

describe('console session cookie behind an HTTPS proxy', () => {
  const stack = stackForSuite({ env: { TRUST_PROXY: '127.0.0.1' } });

  beforeAll(async () => {
    await new OperatorAccounts(stack.db.dataSource).add(
      { name: 'sam', role: 'admin', password: PASSWORD },
      { actor: 'spec' },
    );
  });

  it('is Secure when the proxy says the client came over HTTPS, and checks the https origin', async () => {
    const httpsOrigin = stack.apiUrl.replace('http://', 'https://');
    const client = new ConsoleClient(stack.apiUrl);
    const viaTls = { 'x-forwarded-proto': 'https', origin: httpsOrigin };
    const signedIn = await client.request(
      'POST',
      '/console/api/session',
      { name: 'sam', password: PASSWORD },
      viaTls,
    );
    expect(signedIn.status).toBe(201);
    const cookie = signedIn.headers.get('set-cookie') ?? '';
    expect(cookie).toContain('Secure');
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    client.csrf = (signedIn.body.data as { csrf_token: string }).csrf_token;
    // The plain-http origin is not the one the client used.
    const downgraded = await client.request('DELETE', '/console/api/session', undefined, {
      'x-forwarded-proto': 'https',
      origin: stack.apiUrl,
    });
    expect(downgraded).toMatchObject({ status: 403, body: { error: { code: 'ORIGIN_FORBIDDEN' } } });
    expect((await client.request('DELETE', '/console/api/session', undefined, viaTls)).status).toBe(204);

    const plain = await new ConsoleClient(stack.apiUrl).signIn('sam', PASSWORD);
    expect(plain.headers.get('set-cookie')).not.toContain('Secure');
  });
});
