import path from 'node:path';
import { createDataSource, OperatorAccounts, PartnerRegistry } from '@tixclear/db';
import { playDemoDay } from '../demo/demo-day';
import { REPO_ROOT } from './database';

const BY = { actor: 'npm start', actorRole: null };
export const DEMO_ADMIN = 'admin';

/**
 * `npm start`'s demo, with the embedded database and the simulator only: on a database without any settlement
 * run it plays one demo day (tools/demo/demo-day.ts) through the API and the simulator just started, so the
 * console has numbers; on a database without operators it adds `admin` (sign-in links only, no password); then
 * it prints a one-time sign-in link for `admin`. A database that has runs or operators keeps them untouched.
 */
export async function prepareDemo(options: {
  databaseUrl: string;
  masterKey: Buffer;
  apiUrl: string;
  publicUrl: string;
  simulatorUrl: string;
  log: (line: string) => void;
}): Promise<void> {
  const { log } = options;
  await waitFor(`${options.apiUrl}/health`);
  await waitFor(`${options.simulatorUrl}/_control/merchants`);
  const dataSource = await createDataSource(options.databaseUrl).initialize();
  try {
    const [{ runs }] = await dataSource.query<[{ runs: number }]>(
      'SELECT count(*)::int AS runs FROM settlement_runs',
    );
    if (runs === 0) {
      log('no settlement run yet: playing a demo day (purchases, redemptions, a refund, its settlement)');
      const day = await playDemoDay({
        dataSource,
        registry: new PartnerRegistry(dataSource, options.masterKey),
        apiUrl: options.apiUrl,
        simulatorUrl: options.simulatorUrl,
        exportRoot: path.resolve(REPO_ROOT, process.env.EXPORT_DIR ?? 'exports'),
        say: (line) => log(`demo: ${line.trim()}`),
      });
      log(`demo day ${day.date} settled: ${day.summary.vouchersCleared} vouchers cleared`);
    }
    const accounts = new OperatorAccounts(dataSource);
    const operators = await accounts.list();
    if (operators.length === 0) {
      await accounts.add({ name: DEMO_ADMIN, role: 'admin', password: null }, BY);
      log(`added the console operator ${DEMO_ADMIN} (role admin, sign-in links only)`);
    }
    if ((await accounts.list()).some((o) => o.name === DEMO_ADMIN && o.disabledAt === null)) {
      const { token } = await accounts.loginLink(DEMO_ADMIN, BY);
      log(
        `console: ${options.publicUrl}/console/login/${token} (one use, 10 minutes; another: npm run operators -- login-link --name ${DEMO_ADMIN})`,
      );
    }
  } finally {
    await dataSource.destroy();
  }
}

async function waitFor(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const up = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return;
    if (Date.now() > deadline) throw new Error(`${url} did not come up`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
