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
import { taiwanBusinessDate } from '@tixclear/domain';
import { PartnerEntity, SAMPLE_PARTNER, VoucherEntity } from '@tixclear/db';
import { gatewayPort } from '@tixclear/operations';
import {
  createSettlement,
  formatReconciliation,
  reconcileBooks,
  simulatorSource,
  summarizeRun,
} from '@tixclear/settlement';
import { eventually, purchaseRequest, redeemRequest, refundRequest, startStack } from '@tixclear/e2e';
import { openDatabaseServer, REPO_ROOT } from '../scripts/database';
import { cliArgs } from '../runtime/cli-args';
import { printSummary } from '../settle/print-summary';

cliArgs('demo', { options: {} });

const say = (line: string) => console.log(`• ${line}`);
const { serverUrl, server } = await openDatabaseServer();
const stack = await startStack({ serverUrl });
try {
  const { dataSource } = stack.db;
  // The sample partner's headquarters is paid out too, so the batch has two payees.
  await dataSource.getRepository(PartnerEntity).update(
    { partnerUid: SAMPLE_PARTNER.partnerUid },
    {
      headquartersPayoutAccount: 'hq-account-001',
    },
  );

  say('three purchases of dining vouchers (用餐券), paid on the simulator’s page');
  const purchases = [
    purchaseRequest({ amount: 3 }),
    purchaseRequest({ amount: 2, gifts: 1 }),
    purchaseRequest({ amount: 2 }),
  ];
  for (const purchase of purchases) {
    const answer = await stack.call('voucherservicepurchase', purchase.request);
    await fetch(String(answer.body.url), { method: 'POST' });
    say(
      `  ${purchase.orderId}: ${purchase.serials.length} paid + ${purchase.giftSerials.length} gift vouchers, code ${String(answer.body.code)} → paid`,
    );
  }
  await eventually(async () => {
    const issued = await dataSource.getRepository(VoucherEntity).countBy({ state: 'issued' });
    return issued === 8 ? issued : undefined;
  });

  const [first, second, third] = purchases as [
    (typeof purchases)[0],
    (typeof purchases)[0],
    (typeof purchases)[0],
  ];
  say('online redemptions at the store');
  for (const serials of [first.serials, [second.serials[0]!, second.giftSerials[0]!]]) {
    const answer = await stack.call('vouchertransaction', redeemRequest(serials));
    say(`  ${serials.join(', ')}: code ${String(answer.body.code)}`);
  }

  say('an offline redemption at the till (the voucher’s MYTIX pay token)');
  const token = stack.sim.state.vouchers.find((v) => v.customSerialNo === third.serials[0])?.payToken;
  if (!token) throw new Error('the simulator issued no pay token');
  const offline = await stack.call('voucheroffline', {
    order_id: `POS${Date.now()}`,
    pay_token: token,
    reimbursement_from_type: 1,
    reimbursement_store_uid: SAMPLE_PARTNER.partnerUid,
    pos_id: 'POS-01',
    clerk_no: 'C07',
  });
  say(
    `  ${token}: code ${String((offline.body.content as { code?: string } | undefined)?.code ?? offline.body.code)}`,
  );

  say('a refund of an unused voucher');
  const refund = await stack.call('voucherrefund', refundRequest([third.serials[1]!]));
  say(`  ${third.serials[1]}: code ${String(refund.body.code)}`);

  const today = taiwanBusinessDate(new Date());
  say(`nightly settlement of ${today}`);
  const exportRoot = path.join(REPO_ROOT, 'exports', 'demo');
  const settlement = createSettlement({
    dataSource,
    registry: stack.registry,
    gateway: gatewayPort({ baseUrl: stack.sim.baseUrl }),
    exportRoot,
    payouts: { coveringBackoffMs: 200, maxCoveringAttempts: 3 },
  });
  const firstPass = await settlement.runner.run(today, today, { payoutWaitMs: 0 });
  if (firstPass === 'busy') throw new Error('the run is busy');
  const [batch] = await dataSource.query<{ group_id: string }[]>(
    `SELECT group_id FROM payout_batches WHERE run_id = $1`,
    [firstPass.run.id],
  );
  const items = await dataSource.query<{ item_id: string; party: string; amount: string }[]>(
    `SELECT i.item_id, i.party, i.amount FROM payout_items i JOIN payout_batches b ON b.id = i.batch_id WHERE b.run_id = $1 ORDER BY i.party`,
    [firstPass.run.id],
  );
  say(
    `  pay-off batch ${batch!.group_id}: ${items.map((i) => `${i.party} ${i.amount} TWD`).join(', ')} — awaiting approval (S01)`,
  );
  const failing = items[0]!;
  stack.sim.control.setItemOutcomes(batch!.group_id, { [failing.item_id]: 'C2001' });
  stack.sim.control.approveBatch(batch!.group_id);
  say(
    `  approved; the gateway fails the remittance to ${failing.party} (C2001): the batch is partly remitted (S05)`,
  );
  const finished = await settlement.runner.run(today, today, { payoutPollMs: 250, payoutWaitMs: 20_000 });
  if (finished === 'busy' || finished.status !== 'completed') throw new Error('the run did not complete');
  say('  covering remittance re-remits it: all remitted (S04)');

  console.log('');
  const summary = await summarizeRun(dataSource, finished.run.id);
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
