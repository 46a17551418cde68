/**
 * `npm run demo`: a whole business day, end to end, on the embedded PostgreSQL and the gateway simulator.
 *
 * Purchases through the gateway-compatible API, paid on the simulator's payment page; online redemptions, an
 * offline redemption at the till, a refund; then the nightly settlement: clearing, the three ledgers, one
 * pay-off batch in which the gateway fails one item (C2001), its covering remittance, and the finance exports;
 * last, the day's reconciliation of the books with what the simulator holds. It exits 1 when gateway_receivable
 * differs from the simulator's balance for a merchant, the reconciliation finds any difference, or the trial
 * balance is not 0.
 * It uses its own database (dropped at the end) and free ports, so it runs beside `npm start`.
 */
import path from 'node:path';
import { formatReconciliation, reconcileBooks, simulatorSource } from '@tixclear/settlement';
import { startStack } from '@tixclear/e2e';
import { openDatabaseServer, REPO_ROOT } from '../scripts/database';
import { cliArgs } from '../runtime/cli-args';
import { printSummary } from '../settle/print-summary';
import { playDemoDay } from './demo-day';

cliArgs('demo', { options: {} });

const say = (line: string) => console.log(`• ${line}`);
const { serverUrl, server } = await openDatabaseServer();
const stack = await startStack({ serverUrl });
try {
  const { dataSource } = stack.db;
  const exportRoot = path.join(REPO_ROOT, 'exports', 'demo');
  const { date: today, summary } = await playDemoDay({
    dataSource,
    registry: stack.registry,
    apiUrl: stack.apiUrl,
    simulatorUrl: stack.sim.url,
    exportRoot,
    say,
  });

  console.log('');
  printSummary(summary);
  console.log(`\nexports: ${path.join(exportRoot, today)} (CSV with BOM, settlement.xlsx, manifest.json)`);

  // The books against what the simulator holds for each merchant at the day's end (libs/settlement, reconciliation/).
  console.log('');
  const reconciliation = await reconcileBooks(dataSource, simulatorSource(stack.sim.url), today);
  for (const line of formatReconciliation(reconciliation)) console.log(line);
  const apart = reconciliation.merchants.filter((m) => m.gatewayHeld !== m.booksHeld);
  if (apart.length > 0 || reconciliation.differences > 0 || summary.trialBalance !== 0) {
    console.error(
      `demo failed: ${apart.length} merchant(s) whose gateway_receivable differs from the simulator's balance, ` +
        `${reconciliation.differences} difference(s), trial balance ${summary.trialBalance}`,
    );
    process.exitCode = 1;
  }
} finally {
  await stack.stop();
  await server?.stop();
}
