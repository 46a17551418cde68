import { OperationEntity, OperatorItemEntity, SAMPLE_PARTNER, VoucherEntity } from '@tixclear/db';
import type { RedemptionFacts } from '@tixclear/operations';
import { linesOf, operationOf, reportsSettled, servicesOf, simVoucherOf, voucherOf } from './flows';
import { purchaseRequest, redeemRequest, uniqueId } from './requests';
import type { Stack } from './stack';
import { stackForSuite } from './suite';

/*
 * Our records over the gateway's: a redemption's answer (or its query's) says which vouchers were redeemed,
 * never what they are worth. A line takes is_paid, cost and sharing from our record of the sale; a voucher the
 * answer names that we did not hold, or one we held that it leaves out, gets no line and is not marked: it
 * waits for an operator (`redemption_mismatch`). The gateway here lies through the simulator's answer faults.
 */

const STORE = SAMPLE_PARTNER.partnerUid;

describe('a redemption answer that names other vouchers than we held', () => {
  const stack = stackForSuite();

  /** Buys vouchers, pays them on the simulator and settles the purchase by the partner's own query. */
  async function paidPurchase(_stack: Stack, options: { amount: number }) {
    const purchase = purchaseRequest(options);
    const answer = await stack.call('voucherservicepurchase', purchase.request);
    expect(answer.body).toMatchObject({ code: '200' });
    expect((await fetch(String(answer.body.url), { method: 'POST' })).status).toBe(200);
    const query = await stack.call('voucherservicequery', { store_uid: STORE, order_id: purchase.orderId });
    expect(query.body).toMatchObject({ content: { code: '250' } });
    expect((await voucherOf(stack, purchase.serials[0]!)).state).toBe('issued');
    return purchase;
  }

  /** The open redemption_mismatch item of an operation, if any. */
  function mismatchItem(operationId: string) {
    return stack.db.dataSource
      .getRepository(OperatorItemEntity)
      .findOneBy({ kind: 'redemption_mismatch', reference: operationId, state: 'open' });
  }

  const operations = () => servicesOf(stack);

  it('online: a voucher named but not held gets no line and is not marked; an operator is asked', async () => {
    const held = await paidPurchase(stack, { amount: 1 });
    // Another issued voucher of ours, which this redemption did not name.
    const other = await paidPurchase(stack, { amount: 1 });
    const extra = other.serials[0]!;
    stack.sim.control.addFaults({
      command: 'vouchertransaction',
      fault: 'items_extra',
      serial: extra,
      times: 1,
    });
    const request = redeemRequest(held.serials);

    const answer = await stack.call('vouchertransaction', request);
    expect(answer.body).toMatchObject({ code: '250' });

    const operation = (await operationOf(stack, request.order_id))!;
    expect(operation.state).toBe('succeeded');
    const lines = await linesOf(stack, { operationId: operation.id });
    expect(lines.map((l) => l.serialNumber)).toEqual([held.serials[0]]);
    expect(await linesOf(stack, { serialNumber: extra })).toHaveLength(0);
    expect((await voucherOf(stack, extra)).state).toBe('issued');
    expect((await voucherOf(stack, held.serials[0]!)).state).toBe('redeemed');
    expect(await mismatchItem(operation.id)).toMatchObject({
      state: 'open',
      partnerId: operation.partnerId,
      details: { namedNotHeld: [{ serial: extra }], heldNotNamed: [] },
    });

    // The voucher it named is still ours to redeem, and is paid when it is.
    const later = redeemRequest([extra]);
    expect((await stack.call('vouchertransaction', later)).body).toMatchObject({ code: '250' });
    expect(await linesOf(stack, { serialNumber: extra })).toHaveLength(1);
  });

  it('online: a held voucher the answer leaves out stays held (redeem_unknown) with an operator item, no line', async () => {
    const purchase = await paidPurchase(stack, { amount: 2 });
    stack.sim.control.addFaults({ command: 'vouchertransaction', fault: 'items_missing', times: 1 });
    const request = redeemRequest(purchase.serials);

    expect((await stack.call('vouchertransaction', request)).body).toMatchObject({ code: '250' });

    const operation = (await operationOf(stack, request.order_id))!;
    const [named, left] = purchase.serials as [string, string];
    expect((await linesOf(stack, { operationId: operation.id })).map((l) => l.serialNumber)).toEqual([named]);
    expect(await voucherOf(stack, named)).toMatchObject({
      state: 'redeemed',
      holderOperationId: operation.id,
    });
    expect(await voucherOf(stack, left)).toMatchObject({
      state: 'redeem_unknown',
      holderOperationId: operation.id,
    });
    expect(await mismatchItem(operation.id)).toMatchObject({
      state: 'open',
      details: { namedNotHeld: [], heldNotNamed: [left] },
    });

    // The operator finds the gateway did redeem it: its line is written from our record, the item closes.
    const actions = operations().redemptionMismatch;
    expect(await actions.decide(operation.id, left, 'redeemed', 'ops-dee')).toEqual({
      serial: left,
      verdict: 'redeemed',
      waiting: 0,
      resolved: true,
    });
    expect(await voucherOf(stack, left)).toMatchObject({
      state: 'redeemed',
      holderOperationId: operation.id,
    });
    expect(await linesOf(stack, { serialNumber: left })).toMatchObject([
      { operationId: operation.id, isPaid: true, cost: 50, feeIssue: null },
    ]);
    expect(await mismatchItem(operation.id)).toBeNull();
    await expect(actions.decide(operation.id, left, 'not_redeemed', 'ops-dee')).rejects.toMatchObject({
      code: 'ORDER_NOT_FOUND',
    });
  });

  it('online, learnt by query: the query’s answer is held to the same rule', async () => {
    const purchase = await paidPurchase(stack, { amount: 2 });
    stack.sim.control.addFaults([
      { command: 'vouchertransaction', fault: 'commit_then_drop', times: 1 },
      { command: 'vouchertransaction', fault: 'notify_suppress', times: 1 },
      { command: 'voucherquery', fault: 'items_missing', times: 1 },
    ]);
    const request = redeemRequest(purchase.serials);
    expect((await stack.call('vouchertransaction', request)).body).toMatchObject({ code: 'B200' });

    const query = await stack.call('voucherquery', { store_uid: STORE, order_id: request.order_id });
    expect(query.body).toMatchObject({ content: { code: '250' } });

    const operation = (await operationOf(stack, request.order_id))!;
    expect(operation.state).toBe('succeeded');
    expect(await linesOf(stack, { operationId: operation.id })).toHaveLength(1);
    expect((await voucherOf(stack, purchase.serials[1]!)).state).toBe('redeem_unknown');
    expect(await mismatchItem(operation.id)).toMatchObject({
      details: { heldNotNamed: [purchase.serials[1]] },
    });

    // An operator's verdict that it was not redeemed frees it (our records only: here the gateway did redeem it).
    const actions = operations().redemptionMismatch;
    await expect(actions.acknowledge(operation.id, 'ops-dee')).rejects.toMatchObject({
      code: 'ORDER_CONFLICT',
    });
    await expect(
      actions.decide(operation.id, purchase.serials[0]!, 'not_redeemed', 'ops-dee'),
    ).rejects.toMatchObject({ code: 'VOUCHER_UNAVAILABLE' });
    expect(await actions.decide(operation.id, purchase.serials[1]!, 'not_redeemed', 'ops-dee')).toMatchObject(
      {
        waiting: 0,
        resolved: true,
      },
    );
    expect(await voucherOf(stack, purchase.serials[1]!)).toMatchObject({
      state: 'issued',
      holderOperationId: null,
    });
    expect(await linesOf(stack, { serialNumber: purchase.serials[1]! })).toHaveLength(0);
  });

  it('online: is_paid, cost and sharing come from our record, whatever the answer says; a disagreement holds the line', async () => {
    const purchase = await paidPurchase(stack, { amount: 1 });
    const serial = purchase.serials[0]!;
    stack.sim.control.addFaults([
      { command: 'vouchertransaction', fault: 'commit_then_drop', times: 1 },
      { command: 'vouchertransaction', fault: 'notify_suppress', times: 1 },
    ]);
    const request = redeemRequest(purchase.serials);
    expect((await stack.call('vouchertransaction', request)).body).toMatchObject({ code: 'B200' });
    const operation = (await operationOf(stack, request.order_id))!;
    const partner = (await stack.registry.context(STORE))!;
    const operations = servicesOf(stack);
    // What a confirmed answer that lies about the voucher's terms would carry: a gift worth 5000.
    const fee = {
      cost: 5000,
      gateway_fee: 0,
      escrow_fee: 0,
      issuance_layer: 2,
      issuance_fee: 0,
      headquarters: 0,
      sales: 0,
      reimbursement: 5000,
    };
    await operations.redemptions.recordRedeemed(
      partner,
      operation,
      {
        code: '250',
        uid: '9001',
        key: 'k'.repeat(32),
        items: [
          {
            id: 'H01',
            serial_number: serial,
            is_paid: 0,
            sharing: { headquarters: '0', sales: '0', reimbursement: '1' },
            fee,
          },
        ],
      } as unknown as RedemptionFacts,
      { code: '250' },
    );

    const [line] = await linesOf(stack, { serialNumber: serial });
    expect(line).toMatchObject({
      isPaid: true,
      cost: 50,
      sharingHeadquarters: '0.150000',
      sharingSales: '0.100000',
      sharingReimbursement: '0.750000',
      gatewayFee: fee,
    });
    expect(line?.ourFee).toMatchObject({ cost: 50, reimbursement: 35 });
    expect(line?.feeIssue).toMatch(/fee mismatch/);
    expect(line?.feeIssue).toMatch(/gateway says is_paid 0/);
  });

  it('offline: a voucher the till names that is not an issued voucher of ours gets no line; an operator is asked', async () => {
    const purchase = await paidPurchase(stack, { amount: 1 });
    const serial = purchase.serials[0]!;
    // One voucher of ours already redeemed, and one we never sold.
    const used = await paidPurchase(stack, { amount: 1 });
    const usedSerial = used.serials[0]!;
    expect((await stack.call('vouchertransaction', redeemRequest([usedSerial]))).body).toMatchObject({
      code: '250',
    });
    stack.sim.control.addFaults([
      { command: 'voucheroffline', fault: 'items_extra', serial: usedSerial, times: 1 },
      { command: 'voucheroffline', fault: 'items_extra', serial: 'NEVERSOLD00000001', times: 1 },
    ]);
    const request = {
      order_id: uniqueId('VO'),
      pos_trade_time: '20250301120000',
      pos_id: 'POS01',
      clerk_no: 'C07',
      reimbursement_from_type: 1,
      reimbursement_store_uid: STORE,
      pay_token: simVoucherOf(stack, serial).payToken,
    };
    // The first rule fires on this redemption; the second stays for the next.
    const answer = await stack.call('voucheroffline', request);
    expect(answer.body).toMatchObject({ code: 'B200', content: { code: '250' } });
    const operation = (await operationOf(stack, request.order_id))!;
    expect(operation.state).toBe('succeeded');
    const lines = await linesOf(stack, { operationId: operation.id });
    expect(lines.map((l) => l.serialNumber)).toEqual([serial]);
    expect(lines[0]).toMatchObject({ isPaid: true, cost: 50, salesPoint: `store:${STORE}` });
    expect(await mismatchItem(operation.id)).toMatchObject({
      details: { namedNotHeld: [{ serial: usedSerial, why: 'voucher is redeemed' }] },
    });

    const second = await paidPurchase(stack, { amount: 1 });
    const request2 = {
      ...request,
      order_id: uniqueId('VO'),
      pay_token: simVoucherOf(stack, second.serials[0]!).payToken,
    };
    expect((await stack.call('voucheroffline', request2)).body).toMatchObject({ content: { code: '250' } });
    const operation2 = (await operationOf(stack, request2.order_id))!;
    expect(await linesOf(stack, { serialNumber: 'NEVERSOLD00000001' })).toHaveLength(0);
    expect(await mismatchItem(operation2.id)).toMatchObject({
      details: { namedNotHeld: [{ serial: 'NEVERSOLD00000001', why: 'not sold through us' }] },
    });
  });

  describe('sharing ratios are taken only at a precision we store exactly', () => {
    function withSharing(sharing: Record<string, string>) {
      const purchase = purchaseRequest({ amount: 1 });
      purchase.request.items[0]!.sharing = sharing as (typeof purchase.request.items)[0]['sharing'];
      return purchase;
    }

    it('refuses a ratio with more decimals than the column keeps (100, the share named), storing nothing', async () => {
      // Sums to exactly 1; rounded to 6 decimals the shares would sum to 1.000001 and never clear.
      const purchase = withSharing({
        headquarters: '0.1234565',
        sales: '0.1234565',
        reimbursement: '0.753087',
      });
      // Earlier tests' reports wake queries after their 8888: let them land before counting.
      await reportsSettled(stack);
      const sent = stack.sim.state.requests.length;
      const answer = await stack.call('voucherservicepurchase', purchase.request);
      expect(answer.body).toMatchObject({
        code: '100',
        error_code: 'REQUEST_INVALID',
        field: 'items[0].sharing.headquarters',
      });
      expect(
        await stack.db.dataSource.getRepository(OperationEntity).countBy({ orderId: purchase.orderId }),
      ).toBe(0);
      expect(
        await stack.db.dataSource
          .getRepository(VoucherEntity)
          .countBy({ serialNumber: purchase.serials[0]! }),
      ).toBe(0);
      expect(stack.sim.state.requests.length).toBe(sent);
    });

    it('takes six decimals, and stores them exactly', async () => {
      const purchase = withSharing({
        headquarters: '0.123456',
        sales: '0.123456',
        reimbursement: '0.753088',
      });
      expect((await stack.call('voucherservicepurchase', purchase.request)).body).toMatchObject({
        code: '200',
      });
      expect(await voucherOf(stack, purchase.serials[0]!)).toMatchObject({
        sharingHeadquarters: '0.123456',
        sharingSales: '0.123456',
        sharingReimbursement: '0.753088',
      });
    });
  });
});
