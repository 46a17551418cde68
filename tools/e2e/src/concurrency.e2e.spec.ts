import { linesOf, operationOf, paidPurchase, simRedemptionsOf, simRequests, voucherOf } from './flows';
import { redeemRequest } from './requests';
import { startStack, type Stack } from './stack';

/*
 * Many partners' tills at once against one voucher: the conditional UPDATE that holds vouchers (intent
 * transaction) must let exactly one redemption through to the gateway, and refuse the others clearly and
 * without leaving anything behind.
 */

const CONCURRENT = 100;

describe('concurrent redemptions of one voucher', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it(`lets exactly one of ${CONCURRENT} concurrent redemptions (different order_ids) through`, async () => {
    const purchase = await paidPurchase(stack, { amount: 1 });
    const serial = purchase.serials[0]!;
    const sentBefore = simRequests(stack, 'vouchertransaction');
    const requests = Array.from({ length: CONCURRENT }, () => redeemRequest([serial]));

    const answers = await Promise.all(requests.map((r) => stack.call('vouchertransaction', r)));

    expect(answers.every((a) => a.status === 200)).toBe(true);
    const winners = answers.filter((a) => a.body.code === '250');
    expect(winners).toHaveLength(1);
    const losers = answers.filter((a) => a.body.code !== '250');
    expect(losers).toHaveLength(CONCURRENT - 1);
    for (const loser of losers) {
      expect(loser.body).toMatchObject({
        code: 'B500',
        field: 'items[0].serial_number',
        error_code: 'VOUCHER_UNAVAILABLE',
      });
    }

    const winner = requests[answers.indexOf(winners[0]!)]!;
    const operation = await operationOf(stack, winner.order_id);
    expect(operation?.state).toBe('succeeded');
    expect(await linesOf(stack, { serialNumber: serial })).toHaveLength(1);
    expect(await voucherOf(stack, serial)).toMatchObject({
      state: 'redeemed',
      holderOperationId: operation!.id,
    });
    // One request reached the gateway, one redemption there; the refused ones left no operation behind.
    expect(simRequests(stack, 'vouchertransaction') - sentBefore).toBe(1);
    expect(simRedemptionsOf(stack, operation!.upstreamOrderId)).toHaveLength(1);
    for (const loser of requests.filter((r) => r !== winner)) {
      expect(await operationOf(stack, loser.order_id)).toBeNull();
    }
  });

  it('sends one request upstream for 20 concurrent copies of one order: the others replay it or are told to wait', async () => {
    const purchase = await paidPurchase(stack, { amount: 1 });
    const sentBefore = simRequests(stack, 'vouchertransaction');
    const request = redeemRequest(purchase.serials);

    const answers = await Promise.all(
      Array.from({ length: 20 }, () => stack.call('vouchertransaction', request)),
    );

    const codes = answers.map((a) => String(a.body.code));
    expect(codes.filter((c) => c === '250').length).toBeGreaterThanOrEqual(1);
    for (const answer of answers) {
      if (answer.body.code === '250') expect(answer.body).toMatchObject({ order_id: request.order_id });
      else expect(answer.body).toMatchObject({ code: 'B200', error_code: 'ORDER_IN_PROGRESS' });
    }
    expect(simRequests(stack, 'vouchertransaction') - sentBefore).toBe(1);
    expect(await linesOf(stack, { serialNumber: purchase.serials[0]! })).toHaveLength(1);
  });
});
