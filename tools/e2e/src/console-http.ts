import { spawn } from 'node:child_process';
import path from 'node:path';

const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');

/** An answer of the operator API: status, headers, JSON body (or {} when there is none). */
export interface ConsoleAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** A browser-like client of the operator API: keeps its session cookie, sends its CSRF token and Origin. */
export class ConsoleClient {
  cookie: string | undefined;
  csrf: string | undefined;

  constructor(readonly apiUrl: string) {}

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ConsoleAnswer> {
    const changing = method !== 'GET';
    const response = await fetch(`${this.apiUrl}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(changing ? { origin: this.apiUrl } : {}),
        ...(changing && this.csrf ? { 'x-csrf-token': this.csrf } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) {
      const value = /^tixclear_console=([^;]*)/.exec(setCookie)?.[1];
      this.cookie = value ? `tixclear_console=${value}` : undefined;
    }
    const text = await response.text();
    const parsed: unknown =
      text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : {};
    return { status: response.status, headers: response.headers, body: parsed as Record<string, unknown> };
  }

  /** Signs in with name and password; keeps the cookie and the CSRF token. */
  async signIn(name: string, password: string): Promise<ConsoleAnswer> {
    const answer = await this.request('POST', '/console/api/session', { name, password });
    if (answer.status === 201) this.csrf = (answer.body.data as { csrf_token: string }).csrf_token;
    return answer;
  }

  /** Follows a one-time link; keeps the cookie and reads the CSRF token from /me. */
  /** Posts a sign-in link as its page's button does (opening the link itself signs no one in). */
  async useLink(url: string): Promise<ConsoleAnswer> {
    const answer = await this.request('POST', new URL(url).pathname);
    if (answer.status === 303) {
      const me = await this.request('GET', '/console/api/me');
      this.csrf = (me.body.data as { csrf_token: string }).csrf_token;
    }
    return answer;
  }
}

/** Runs `npm run operators -- …` as a person does (a child process), with `input` on its stdin. */
export function operatorsCli(
  env: Record<string, string>,
  args: string[],
  input = '',
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(
    process.execPath,
    ['--import', path.join(REPO_ROOT, 'tools/runtime/register.mjs'), 'tools/operators/main.ts', ...args],
    { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  child.stdin.end(input);
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out, err })));
}
