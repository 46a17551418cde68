import { startStack, type Stack } from '@tixclear/e2e';
import { DEMO_ADMIN, prepareDemo } from './start-demo';

/*
 * npm start's demo step against a running stack (the API and the simulator over real HTTP): on an empty
 * database it plays a settled day, adds the admin and prints a sign-in link that opens the console on that
 * day's numbers; run again, it plays nothing and adds no one, and prints a fresh link.
 */
describe("npm start's demo step", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const prepare = async (): Promise<string[]> => {
    const lines: string[] = [];
    await prepareDemo({
      databaseUrl: stack.db.url,
      masterKey: Buffer.from(stack.env.TIXCLEAR_MASTER_KEY!, 'hex'),
      apiUrl: stack.apiUrl,
      publicUrl: stack.apiUrl,
      simulatorUrl: stack.sim.url,
      log: (line) => lines.push(line),
    });
    return lines;
  };
  const count = async (table: string) =>
    (await stack.db.dataSource.query<[{ n: number }]>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

  it('plays one settled day, adds the admin and prints a link that shows the day’s cleared totals', async () => {
    const lines = await prepare();
    expect(await count('settlement_runs')).toBe(1);
    const [totals] = await stack.db.dataSource.query<[{ n: number; gross: string }]>(
      `SELECT count(*)::int AS n, sum(cost)::text AS gross FROM clearings`,
    );
    expect(totals.n).toBeGreaterThan(0);
    const operators = await stack.db.dataSource.query<{ name: string; role: string }[]>(
      'SELECT name, role FROM operators',
    );
    expect(operators).toEqual([{ name: DEMO_ADMIN, role: 'admin' }]);

    const link = lines.join('\n').match(/(http:\/\/\S+\/console\/login\/[\w-]+)/)?.[1];
    expect(link).toBeDefined();
    const signedIn = await fetch(link!, {
      method: 'POST',
      headers: { origin: stack.apiUrl },
      redirect: 'manual',
    });
    expect(signedIn.status).toBe(303);
    const cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
    const page = await (await fetch(`${stack.apiUrl}/console`, { headers: { cookie } })).text();
    expect(page).toContain(`data-figure="vouchers_cleared">${totals.n}<`);
    expect(page).toContain(`data-figure="gross">NT$${BigInt(totals.gross).toLocaleString('en-US')}<`);
  }, 120_000);

  it('plays nothing and adds no one the second time, and prints a fresh link', async () => {
    const [runs, operators] = [await count('settlement_runs'), await count('operators')];
    const lines = await prepare();
    expect(await count('settlement_runs')).toBe(runs);
    expect(await count('operators')).toBe(operators);
    expect(lines.some((line) => line.includes('/console/login/'))).toBe(true);
    expect(lines.some((line) => line.includes('demo day'))).toBe(false);
  }, 60_000);
});
