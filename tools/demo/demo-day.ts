import { taiwanBusinessDate } from '@tixclear/domain';
import { PartnerEntity, type PartnerRegistry, SAMPLE_PARTNER, VoucherEntity } from '@tixclear/db';
import { gatewayPort } from '@tixclear/operations';
import { createSettlement, type RunSummary, summarizeRun } from '@tixclear/settlement';
import { callApi, eventually, purchaseRequest, redeemRequest, refundRequest } from '@tixclear/e2e';
import type { DataSource } from 'typeorm';

/** Where a demo day is played: our API, the gateway simulator (its root URL: /api/init and /_control/*). */
export interface DemoTarget {
  dataSource: DataSource;
  registry: PartnerRegistry;
  apiUrl: string;
  simulatorUrl: string;
  exportRoot: string;
  say: (line: string) => void;
}

export interface DemoDay {
  date: string;
  runId: string;
  summary: RunSummary;
}

/**
 * A whole business day on the sample partner, through the real doors: purchases paid on the simulator's page,
 * online and offline redemptions, a refund, then the day's settlement with one pay-off item failed by the gateway
 * (C2001) and re-remitted by covering remittance. The simulator is driven over its HTTP control API only, so the
 * same day plays against `npm start`'s simulator process and the demo's own.
 */
export async function playDemoDay(target: DemoTarget): Promise<DemoDay> {
  const { dataSource, say } = target;
  const control = simulatorControl(target.simulatorUrl);
  const call = (command: string, data: unknown) => callApi(target.apiUrl, command, data);
  // The sample partner's headquarters is paid out too, so the batch has two payees.
  await dataSource
    .getRepository(PartnerEntity)
    .update({ partnerUid: SAMPLE_PARTNER.partnerUid }, { headquartersPayoutAccount: 'hq-account-001' });
  const issuedBefore = await dataSource.getRepository(VoucherEntity).countBy({ state: 'issued' });

  say('three purchases of dining vouchers (用餐券), paid on the simulator’s page');
  const purchases = [
    purchaseRequest({ amount: 3 }),
    purchaseRequest({ amount: 2, gifts: 1 }),
    purchaseRequest({ amount: 2 }),
  ] as const;
  for (const purchase of purchases) {
    const answer = await call('voucherservicepurchase', purchase.request);
    await fetch(String(answer.body.url), { method: 'POST' });
    say(
      `  ${purchase.orderId}: ${purchase.serials.length} paid + ${purchase.giftSerials.length} gift vouchers, code ${String(answer.body.code)} → paid`,
    );
  }
  await eventually(async () => {
    const issued = await dataSource.getRepository(VoucherEntity).countBy({ state: 'issued' });
    return issued === issuedBefore + 8 ? issued : undefined;
  });

  const [first, second, third] = purchases;
  say('online redemptions at the store');
  for (const serials of [first.serials, [second.serials[0]!, second.giftSerials[0]!]]) {
    const answer = await call('vouchertransaction', redeemRequest(serials));
    say(`  ${serials.join(', ')}: code ${String(answer.body.code)}`);
  }

  say('an offline redemption at the till (the voucher’s MYTIX pay token)');
  const token = (await control.vouchers()).find((v) => v.customSerialNo === third.serials[0])?.payToken;
  if (!token) throw new Error('the simulator issued no pay token');
  const offline = await call('voucheroffline', {
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
  const refund = await call('voucherrefund', refundRequest([third.serials[1]!]));
  say(`  ${third.serials[1]}: code ${String(refund.body.code)}`);

  const today = taiwanBusinessDate(new Date());
  say(`nightly settlement of ${today}`);
  const settlement = createSettlement({
    dataSource,
    registry: target.registry,
    gateway: gatewayPort({ baseUrl: `${target.simulatorUrl}/api/init` }),
    exportRoot: target.exportRoot,
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
  if (batch && items[0]) {
    say(
      `  pay-off batch ${batch.group_id}: ${items.map((i) => `${i.party} ${i.amount} TWD`).join(', ')} — awaiting approval (S01)`,
    );
    const failing = items[0];
    await control.post(`/payoff/${encodeURIComponent(batch.group_id)}/outcomes`, {
      items: { [failing.item_id]: 'C2001' },
    });
    await control.post(`/payoff/${encodeURIComponent(batch.group_id)}/approve`, {});
    say(
      `  approved; the gateway fails the remittance to ${failing.party} (C2001): the batch is partly remitted (S05)`,
    );
  }
  const finished = await settlement.runner.run(today, today, { payoutPollMs: 250, payoutWaitMs: 20_000 });
  if (finished === 'busy' || finished.status !== 'completed') throw new Error('the run did not complete');
  if (batch) say('  covering remittance re-remits it: all remitted (S04)');
  return { date: today, runId: finished.run.id, summary: await summarizeRun(dataSource, finished.run.id) };
}

/** The simulator's control API over HTTP (tools/gateway-simulator README). */
function simulatorControl(root: string) {
  const send = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${root}/_control${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`simulator control ${method} ${path}: ${response.status}`);
    return response.json();
  };
  return {
    post: (path: string, body: unknown) => send('POST', path, body),
    vouchers: async () =>
      ((await send('GET', '/state')) as { vouchers: { customSerialNo?: string; payToken?: string }[] })
        .vouchers,
  };
}
