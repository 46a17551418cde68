import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { taiwanBusinessDate } from '@tixclear/domain';
import { PartnerEntity, SAMPLE_PARTNER, VoucherEntity } from '@tixclear/db';
import { computeFees } from '@tixclear/fee-engine';
import { gatewayPort } from '@tixclear/operations';
import { createSettlement, pointParty } from '@tixclear/settlement';
import { purchaseRequest, redeemRequest, refundRequest, uniqueId } from './requests';
import { eventually, startStack, type Stack } from './stack';

/**
 * A business day through the real API and the simulator — purchases (with gifts), online and offline
 * redemptions, a refund — then its settlement: the ledgers match the fee engine voucher by voucher, the trial
 * balance is zero, and the trust liability equals the value still outstanding.
 */
describe('a settled day', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('clears every redeemed voucher exactly as the fee engine splits it, and pays every party', async () => {
    const { dataSource } = stack.db;
    await dataSource
      .getRepository(PartnerEntity)
      .update({ partnerUid: SAMPLE_PARTNER.partnerUid }, { headquartersPayoutAccount: 'hq-account' });
    const purchases = [purchaseRequest({ amount: 3, gifts: 1 }), purchaseRequest({ amount: 2 })];
    for (const purchase of purchases) {
      const answer = await stack.call('voucherservicepurchase', purchase.request);
      await fetch(String(answer.body.url), { method: 'POST' });
    }
    await eventually(async () =>
      (await dataSource.getRepository(VoucherEntity).countBy({ state: 'issued' })) === 6 ? true : undefined,
    );
    const [a, b] = purchases as [(typeof purchases)[0], (typeof purchases)[0]];
    expect(
      (await stack.call('vouchertransaction', redeemRequest([...a.serials, a.giftSerials[0]!]))).body.code,
    ).toBe('250');
    const token = stack.sim.state.vouchers.find((v) => v.customSerialNo === b.serials[0])?.payToken;
    const offline = await stack.call('voucheroffline', {
      order_id: uniqueId('POS'),
      pay_token: token,
      reimbursement_from_type: 1,
      reimbursement_store_uid: SAMPLE_PARTNER.partnerUid,
    });
    expect(offline.body).toMatchObject({ content: { code: '250' } });
    expect((await stack.call('voucherrefund', refundRequest([b.serials[1]!]))).body.code).toBe('230');

    const day = taiwanBusinessDate(new Date());
    const settlement = createSettlement({
      dataSource,
      registry: stack.registry,
      gateway: gatewayPort({ baseUrl: stack.sim.baseUrl }),
      exportRoot: mkdtempSync(path.join(tmpdir(), 'tixclear-exports-')),
      payouts: { coveringBackoffMs: 0 },
    });
    const waiting = await settlement.runner.run(day, day, { payoutWaitMs: 0 });
    if (waiting === 'busy') throw new Error('busy');
    const [batch] = await dataSource.query<{ group_id: string }[]>(
      `SELECT group_id FROM payout_batches WHERE run_id = $1`,
      [waiting.run.id],
    );
    stack.sim.control.approveBatch(batch!.group_id);
    const done = await settlement.runner.run(day, day, { payoutPollMs: 100, payoutWaitMs: 10_000 });
    expect(done).not.toBe('busy');
    if (done === 'busy') return;
    expect(done.status).toBe('completed');

    // Voucher by voucher: 4 paid vouchers redeemed (3 online, 1 offline), 1 gift cleared at zero.
    const fee = computeFees({
      cost: 50,
      escrowRate: '0.02',
      gatewayRate: '0.01',
      issuanceFee: 1,
      issuanceLayer: 2,
      isPaid: true,
      sharing: { headquarters: '0.15', sales: '0.1', reimbursement: '0.75' },
    });
    const clearings = await dataSource.query<Array<Record<string, unknown>>>(
      `SELECT serial_number, is_paid, headquarters::int, sales::int, reimbursement::int, escrow_fee::int,
              gateway_fee::int, issuance_fee::int FROM clearings WHERE run_id = $1 ORDER BY serial_number`,
      [done.run.id],
    );
    expect(clearings).toHaveLength(5);
    for (const row of clearings.filter((r) => r.is_paid)) {
      expect(row).toMatchObject({
        headquarters: fee.headquarters,
        sales: fee.sales,
        reimbursement: fee.reimbursement,
        escrow_fee: fee.escrow_fee,
        gateway_fee: fee.gateway_fee,
        issuance_fee: fee.issuance_fee,
      });
    }
    const ledger = await dataSource.query<{ ledger: string; party: string; credited: number }[]>(
      `SELECT l.ledger, l.party, -sum(l.amount)::int AS credited FROM journal_lines l
         JOIN journal_entries e ON e.id = l.entry_id WHERE e.kind = 'clearing' AND l.ledger IS NOT NULL
        GROUP BY l.ledger, l.party ORDER BY l.ledger`,
    );
    expect(ledger).toEqual([
      { ledger: 'headquarters', party: `hq:${SAMPLE_PARTNER.partnerUid}`, credited: 4 * fee.headquarters },
      {
        ledger: 'reimbursement',
        party: pointParty(SAMPLE_PARTNER.partnerUid, `store:${SAMPLE_PARTNER.partnerUid}`),
        credited: 4 * fee.reimbursement,
      },
      {
        ledger: 'sales',
        party: pointParty(SAMPLE_PARTNER.partnerUid, `store:${SAMPLE_PARTNER.partnerUid}`),
        credited: 4 * fee.sales,
      },
    ]);

    const [trial] = await dataSource.query<{ total: number }[]>(
      `SELECT sum(amount)::int AS total FROM journal_lines`,
    );
    expect(trial!.total).toBe(0);
    const [trust] = await dataSource.query<{ balance: number }[]>(
      `SELECT coalesce(sum(amount), 0)::int AS balance FROM journal_lines WHERE account = 'trust_liability'`,
    );
    // Sold 5 paid vouchers (250), refunded 1, redeemed 4: nothing outstanding.
    const outstanding = await dataSource
      .getRepository(VoucherEntity)
      .countBy({ state: 'issued', isPaid: true });
    expect(trust!.balance + outstanding * 50).toBe(0);
    const items = await dataSource.query<{ state: string }[]>(
      `SELECT i.state FROM payout_items i JOIN payout_batches b ON b.id = i.batch_id WHERE b.run_id = $1`,
      [done.run.id],
    );
    expect(items.map((i) => i.state)).toEqual(['remitted', 'remitted']);
  });
});
