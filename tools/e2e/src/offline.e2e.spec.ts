import { SAMPLE_PARTNER } from '@tixclear/db';
import { linesOf, operationOf, paidPurchase, simRequests, simVoucherOf, voucherOf } from './flows';
import { offlineRequest, redeemRequest } from './requests';
import { stackForSuite } from './suite';

/*
 * Offline (POS) redemption, `api/voucheroffline` (seed 002), through POST /api/init. The till names vouchers by
 * a digital pay token (`MYTIX` + 16, one per voucher: the simulator shows them in its state) or by physical
 * serials under the issuer's `issuance_uid`. The gateway's answer has no fee object: the lines carry our
 * fee-engine split only, the sales point from the answer's vouchers and the redemption point from the request.
 */

const STORE = SAMPLE_PARTNER.partnerUid;
/** The seed-000 sample split of a 50 TWD voucher (escrow 2 %, gateway 1 %, issuance 1; 0.15/0.1/0.75). */
const SAMPLE_FEE = {
  cost: 50,
  gateway_fee: 1,
  escrow_fee: 1,
  issuance_layer: 2,
  issuance_fee: 1,
  headquarters: 7,
  sales: 5,
  reimbursement: 35,
};

describe('offline redemption (voucheroffline) through POST /api/init', () => {
  const stack = stackForSuite();

  it('redeems a digital token at a MYTIX store: our fee only, sales point from the answer, redemption point from the request', async () => {
    const purchase = await paidPurchase(stack, { amount: 1 });
    const serial = purchase.serials[0]!;
    const token = simVoucherOf(stack, serial).payToken;
    const request = offlineRequest({
      reimbursement_from_type: 1,
      reimbursement_store_uid: '398800730001',
      pay_token: token,
    });

    const answer = await stack.call('voucheroffline', request);
    expect(answer.body).toMatchObject({
      code: 'B200',
      content: { code: '250', order_id: request.order_id, pay_token: token },
    });
    const content = answer.body.content as { items: { vouchers: Record<string, unknown>[] }[] };
    expect(content.items[0]?.vouchers[0]).toMatchObject({
      custom_serial_no: serial,
      sales_from_type: 1,
      sales_store_uid: STORE,
    });

    const operation = await operationOf(stack, request.order_id);
    expect(operation).toMatchObject({ state: 'succeeded', command: 'voucheroffline', gatewayCode: '250' });
    const lines = await linesOf(stack, { operationId: operation!.id });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      serialNumber: serial,
      itemId: 'H01',
      isPaid: true,
      cost: 50,
      gatewayFee: null,
      gatewaySharing: null,
      ourFee: SAMPLE_FEE,
      feeIssue: null,
      salesPoint: `store:${STORE}`,
      redemptionPoint: 'store:398800730001',
    });
    expect(lines[0]?.voucherId).toBe((await voucherOf(stack, serial)).id);
    expect((await voucherOf(stack, serial)).state).toBe('redeemed');
    expect(simVoucherOf(stack, serial).status).toBe('redeemed');
  });

  it('redeems physical serials at the partner’s own point, gift vouchers carrying no fees', async () => {
    const purchase = await paidPurchase(stack, { amount: 2, gifts: 1 });
    const serials = [...purchase.serials, ...purchase.giftSerials];
    const request = offlineRequest({
      reimbursement_from_type: 2,
      reimbursement_dealer_no: 'SHOP0042',
      issuance_uid: STORE,
      pay_token: JSON.stringify(serials),
    });

    const answer = await stack.call('voucheroffline', request);
    expect(answer.body).toMatchObject({ code: 'B200', content: { code: '250', order_id: request.order_id } });
    const operation = await operationOf(stack, request.order_id);
    const lines = await linesOf(stack, { operationId: operation!.id });
    expect(lines.map((l) => l.serialNumber).sort()).toEqual([...serials].sort());
    for (const line of lines) {
      expect(line).toMatchObject({
        salesPoint: `store:${STORE}`,
        redemptionPoint: 'dealer:SHOP0042',
        gatewayFee: null,
        feeIssue: null,
      });
    }
    const paid = lines.filter((l) => l.isPaid);
    expect(paid).toHaveLength(2);
    for (const line of paid) expect(line.ourFee).toEqual(SAMPLE_FEE);
    const gift = lines.find((l) => !l.isPaid);
    expect(gift?.ourFee).toMatchObject({ escrow_fee: 0, gateway_fee: 0, issuance_fee: 0, headquarters: 0 });
    for (const serial of serials) expect((await voucherOf(stack, serial)).state).toBe('redeemed');
  });

  it('records a refused redemption (300) in the gateway’s shape, and a redeemed voucher stays redeemed everywhere', async () => {
    const purchase = await paidPurchase(stack, { amount: 1 });
    const serial = purchase.serials[0]!;
    const token = simVoucherOf(stack, serial).payToken;
    const place = { reimbursement_from_type: 1, reimbursement_store_uid: STORE };
    const first = await stack.call('voucheroffline', offlineRequest({ ...place, pay_token: token }));
    expect(first.body).toMatchObject({ content: { code: '250' } });

    const again = offlineRequest({ ...place, pay_token: token });
    const refused = await stack.call('voucheroffline', again);
    expect(refused.body).toMatchObject({ code: 'B200', content: { code: '300', order_id: again.order_id } });
    const operation = await operationOf(stack, again.order_id);
    expect(operation).toMatchObject({ state: 'failed', gatewayCode: '300' });
    expect(await linesOf(stack, { operationId: operation!.id })).toHaveLength(0);
    expect(await linesOf(stack, { serialNumber: serial })).toHaveLength(1);
    // Replayed as first answered.
    expect((await stack.call('voucheroffline', again)).body).toEqual(refused.body);
    // Online, the voucher is refused before the gateway is asked.
    const online = await stack.call('vouchertransaction', redeemRequest([serial]));
    expect(online.body).toMatchObject({ code: 'B500', field: 'items[0].serial_number' });
  });

  it('settles a lost offline answer by query with the same lines as a direct answer', async () => {
    const purchase = await paidPurchase(stack, { amount: 1 });
    const serial = purchase.serials[0]!;
    stack.sim.control.addFaults({ command: 'voucheroffline', fault: 'commit_then_drop', times: 1 });
    const request = offlineRequest({
      reimbursement_from_type: 2,
      reimbursement_dealer_no: 'SHOP0042',
      pay_token: simVoucherOf(stack, serial).payToken,
    });
    expect((await stack.call('voucheroffline', request)).body).toMatchObject({
      code: 'B200',
      error_code: 'ORDER_IN_PROGRESS',
    });
    expect((await operationOf(stack, request.order_id))?.state).toBe('outcome_unknown');

    const query = await stack.call('voucherquery', { store_uid: STORE, order_id: request.order_id });
    expect(query.body).toMatchObject({ content: { code: '250', order_id: request.order_id } });
    const operation = await operationOf(stack, request.order_id);
    expect(operation?.state).toBe('succeeded');
    const lines = await linesOf(stack, { operationId: operation!.id });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      serialNumber: serial,
      voucherId: (await voucherOf(stack, serial)).id,
      isPaid: true,
      cost: 50,
      ourFee: SAMPLE_FEE,
      feeIssue: null,
      salesPoint: `store:${STORE}`,
      redemptionPoint: 'dealer:SHOP0042',
    });
    expect((await voucherOf(stack, serial)).state).toBe('redeemed');
  });

  describe('fields required by reimbursement_from_type and the token format: 100 naming the field, nothing sent', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['type 1 without a store', { reimbursement_from_type: 1 }, 'reimbursement_store_uid'],
      ['no type (1 by default) without a store', {}, 'reimbursement_store_uid'],
      [
        'type 1 with an empty store',
        { reimbursement_from_type: 1, reimbursement_store_uid: '' },
        'reimbursement_store_uid',
      ],
      ['type 2 without a dealer point', { reimbursement_from_type: 2 }, 'reimbursement_dealer_no'],
      [
        'type 2 with a store but no dealer point',
        { reimbursement_from_type: 2, reimbursement_store_uid: STORE },
        'reimbursement_dealer_no',
      ],
      ['an unknown type', { reimbursement_from_type: 3 }, 'reimbursement_from_type'],
      [
        'physical serials without issuance_uid',
        { reimbursement_from_type: 1, reimbursement_store_uid: STORE, pay_token: '["WU00000001"]' },
        'issuance_uid',
      ],
      [
        'a token of the wrong format',
        { reimbursement_from_type: 1, reimbursement_store_uid: STORE, pay_token: 'MYTIX123' },
        'pay_token',
      ],
      [
        'an invoice without issue_invoice_state 1',
        {
          reimbursement_from_type: 1,
          reimbursement_store_uid: STORE,
          invoice: { number: 'AB12345678', date: '20250301120000' },
        },
        'invoice',
      ],
    ];
    it.each(cases)('%s', async (_name, fields, field) => {
      const sent = simRequests(stack, 'voucheroffline');
      const request = offlineRequest({ pay_token: 'MYTIXAAAABBBBCCCCDDDD', ...fields });
      const answer = await stack.call('voucheroffline', request);
      expect(answer.body).toMatchObject({ code: '100', field, error_code: 'REQUEST_INVALID' });
      expect(await operationOf(stack, request.order_id)).toBeNull();
      expect(simRequests(stack, 'voucheroffline')).toBe(sent);
    });
  });
});
