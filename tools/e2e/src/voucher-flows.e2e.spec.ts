import {
  OperationEntity,
  PartnerNotificationEntity,
  RedemptionLineEntity,
  VoucherEntity,
} from '@tixclear/db';
import { purchaseRequest, redeemRequest, refundRequest } from './requests';
import { eventually, startStack, type Stack } from './stack';

describe('voucher flows through POST /api/init', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  async function paidPurchase(options: { amount?: number; gifts?: number } = {}) {
    const purchase = purchaseRequest(options);
    const answer = await stack.call('voucherservicepurchase', purchase.request);
    expect(answer.body).toMatchObject({ code: '200' });
    const pay = await fetch(String(answer.body.url), { method: 'POST' });
    expect(pay.status).toBe(200);
    // The simulator reports the payment to /gateway/notify; the vouchers are issued when it is applied.
    await eventually(async () => {
      const vouchers = await stack.db.dataSource
        .getRepository(VoucherEntity)
        .findBy({ serialNumber: purchase.serials[0] });
      return vouchers[0]?.state === 'issued' ? true : undefined;
    });
    return purchase;
  }

  it('purchase → pay on the simulator → gateway report issues the vouchers and queues a partner report', async () => {
    const purchase = await paidPurchase({ amount: 2, gifts: 1 });
    const operation = await stack.db.dataSource
      .getRepository(OperationEntity)
      .findOneByOrFail({ orderId: purchase.orderId });
    expect(operation.state).toBe('paid');
    const reports = await stack.db.dataSource
      .getRepository(PartnerNotificationEntity)
      .findBy({ operationId: operation.id });
    expect(reports.map((r) => r.event)).toEqual(['purchase']);
    const gift = await stack.db.dataSource
      .getRepository(VoucherEntity)
      .findOneByOrFail({ serialNumber: purchase.giftSerials[0] });
    expect(gift).toMatchObject({ state: 'issued', isPaid: false });
  });

  it('redeems online with the gateway fee objects stored beside ours, equal', async () => {
    const purchase = await paidPurchase({ amount: 2 });
    const answer = await stack.call('vouchertransaction', redeemRequest(purchase.serials));
    expect(answer.body).toMatchObject({ code: '250' });
    const items = answer.body.items as { fee: Record<string, number>; sharing: Record<string, number> }[];
    // As the gateway answers (seed 000's sample): sharing as JSON numbers.
    expect(items[0]?.sharing).toEqual({ headquarters: 0.15, sales: 0.1, reimbursement: 0.75 });
    expect(items[0]?.fee).toEqual({
      cost: 50,
      gateway_fee: 1,
      escrow_fee: 1,
      issuance_layer: 2,
      issuance_fee: 1,
      headquarters: 7,
      sales: 5,
      reimbursement: 35,
    });
    const lines = await stack.db.dataSource
      .getRepository(RedemptionLineEntity)
      .findBy({ serialNumber: purchase.serials[0] });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.ourFee).toEqual(lines[0]?.gatewayFee);
    expect(lines[0]?.feeIssue).toBeNull();
  });

  it('refuses a second redemption of a voucher, and changes nothing', async () => {
    const purchase = await paidPurchase({ amount: 1 });
    expect((await stack.call('vouchertransaction', redeemRequest(purchase.serials))).body.code).toBe('250');
    const again = await stack.call('vouchertransaction', redeemRequest(purchase.serials));
    expect(again.body).toMatchObject({ code: 'B500', field: 'items[0].serial_number' });
    const operations = await stack.db.dataSource
      .getRepository(OperationEntity)
      .countBy({ kind: 'redemption', state: 'succeeded' });
    expect(operations).toBeGreaterThan(0);
    expect(
      await stack.db.dataSource
        .getRepository(RedemptionLineEntity)
        .countBy({ serialNumber: purchase.serials[0] }),
    ).toBe(1);
  });

  it('replays the stored answer to an identical repeat and refuses the same order_id with other content', async () => {
    const purchase = await paidPurchase({ amount: 2 });
    const request = redeemRequest([purchase.serials[0]!]);
    const first = await stack.call('vouchertransaction', request);
    const repeat = await stack.call('vouchertransaction', request, { json: true });
    expect(repeat.body).toEqual(first.body);
    const conflicting = await stack.call('vouchertransaction', {
      ...request,
      items: [{ id: 'H01', serial_number: purchase.serials[1] }],
    });
    expect(conflicting.body).toMatchObject({ code: '100', field: 'order_id', error_code: 'ORDER_CONFLICT' });
  });

  it('refunds an unused voucher and refuses to refund a redeemed one', async () => {
    const purchase = await paidPurchase({ amount: 2 });
    const refund = await stack.call('voucherrefund', refundRequest([purchase.serials[0]!]));
    expect(refund.body).toMatchObject({ code: '230' });
    await stack.call('vouchertransaction', redeemRequest([purchase.serials[1]!]));
    const refused = await stack.call('voucherrefund', refundRequest([purchase.serials[1]!]));
    expect(refused.body).toMatchObject({ code: 'B500', field: 'items[0].serial_number' });
    const vouchers = await stack.db.dataSource.getRepository(VoucherEntity).findBy({
      purchaseOperationId: (
        await stack.db.dataSource
          .getRepository(OperationEntity)
          .findOneByOrFail({ orderId: purchase.orderId })
      ).id,
    });
    expect(vouchers.map((v) => v.state).sort()).toEqual(['redeemed', 'refunded']);
  });

  it('answers each query command with the partner’s own order id', async () => {
    const purchase = await paidPurchase({ amount: 2 });
    const purchaseQuery = await stack.call('voucherservicequery', {
      store_uid: purchase.request.store_uid,
      order_id: purchase.orderId,
    });
    expect(purchaseQuery.body).toMatchObject({ content: { code: '250', order_id: purchase.orderId } });
    const redeem = redeemRequest([purchase.serials[0]!]);
    await stack.call('vouchertransaction', redeem);
    const redeemQuery = await stack.call('voucherquery', {
      store_uid: redeem.store_uid,
      order_id: redeem.order_id,
    });
    expect(redeemQuery.body).toMatchObject({ content: { code: '250', order_id: redeem.order_id } });
    const refund = refundRequest([purchase.serials[1]!]);
    await stack.call('voucherrefund', refund);
    const refundQuery = await stack.call('voucherrefundquery', {
      store_uid: refund.store_uid,
      order_id: refund.order_id,
    });
    expect(refundQuery.body).toMatchObject({ content: { code: '230', order_id: refund.order_id } });
    const unknown = await stack.call('voucherquery', { store_uid: redeem.store_uid, order_id: 'NOPE' });
    expect(unknown.body).toMatchObject({ code: '100', field: 'order_id' });
  });
});
