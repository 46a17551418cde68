import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { RunningSimulator } from './index';
import { ManualClock } from './ports';
import { openPaypageOrder, sendPaypage, startTestSimulator } from './testing/harness';
import { shapeDifferences } from './testing/sample-shape';

/*
 * Every PayPage command of seed 001 against the document's own sample answer (fixtures/seed-001-clients/answers,
 * the seed's 回傳 JSON 結構如下 verbatim): the simulator, driven to the state the sample shows, answers every field
 * the sample has, with the same JSON type (string, number, array, object, null), recursively, and the same codes.
 * esvcrefund (seed 003) has no sample answer: its field tables are the reference.
 */

type Json = unknown;

function sample(command: string): Record<string, Json> {
  const text = readFileSync(
    new URL(`../../../fixtures/seed-001-clients/answers/${command}.json`, import.meta.url),
    'utf8',
  );
  return JSON.parse(text) as Record<string, Json>;
}

const clock = new ManualClock('2026-12-05T10:00:00+08:00');
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startTestSimulator({ clock });
});

afterAll(async () => {
  await sim.close();
});

beforeEach(() => {
  sim.control.reset();
  clock.set('2026-12-05T10:00:00+08:00');
});

/** The sample orders of seed 001 carry an invoice by mobile barcode (invoice_cloud_type 2). */
const withInvoice = {
  issue_invoice_state: 1,
  invoice_input_type: 1,
  invoice_cloud_type: 2,
  invoice_mobile_code: '/NFVIAZP',
};

describe("seed 001's sample answers, field by field", () => {
  it('orders: 200 資料正確 with url, a numeric uid and a key', async () => {
    const answer = await sendPaypage(sim, 'orders', {
      user_id: 'phper',
      order_id: '1234567890',
      ip: '127.0.0.1',
      cost: '10',
      items: [{ id: '1', name: '商品名稱', cost: '10', amount: '1', total: '10' }],
      pfn: '0',
    });
    expect(shapeDifferences(answer, sample('orders'))).toEqual([]);
    expect(answer).toMatchObject({ code: '200', msg: '資料正確' });
  });

  it('queryorder: the paid order with its invoice, as the sample', async () => {
    const order = await openPaypageOrder(sim, 'Q1', 10, withInvoice);
    sim.control.pay(order.uid);
    const answer = await sendPaypage(sim, 'queryorder', { uid: String(order.uid), key: order.key });
    expect(shapeDifferences(answer, sample('queryorder'))).toEqual([]);
    expect(answer).toMatchObject({ prc: '250', retmsg: '付款完成', pfn: 'CREDITCARD', invoice_state: 2 });
  });

  it('refund: B200 with the 退款完成 row (prc 230)', async () => {
    const order = await openPaypageOrder(sim, 'R1', 100);
    sim.control.pay(order.uid);
    const answer = await sendPaypage(sim, 'refund', { uid: String(order.uid), key: order.key, cost: 100 });
    expect(shapeDifferences(answer, sample('refund'))).toEqual([]);
    expect(answer).toMatchObject({
      code: 'B200',
      msg: '執行成功',
      row_data: { prc: '230', retmsg: '退款完成' },
    });
  });

  it('cancelauthorization: B200 取消授權完成, the order 300 in content', async () => {
    const order = await openPaypageOrder(sim, 'CA1', 10, {
      ...withInvoice,
      creditcard_is_automatic_payment: 0,
    });
    expect(sim.control.pay(order.uid).code).toBe('245');
    const answer = await sendPaypage(sim, 'cancelauthorization', { uid: String(order.uid), key: order.key });
    expect(shapeDifferences(answer, sample('cancelauthorization'))).toEqual([]);
    expect(answer).toMatchObject({ code: 'B200', msg: '執行成功,取消授權完成', content: { prc: '300' } });
  });

  it('authorizedrequestpayment: B200 請款處理進行中, content 247 with actual_cost 0', async () => {
    const order = await openPaypageOrder(sim, 'AR1', 10, {
      ...withInvoice,
      creditcard_is_automatic_payment: 0,
    });
    sim.control.pay(order.uid);
    const answer = await sendPaypage(sim, 'authorizedrequestpayment', {
      uid: String(order.uid),
      key: order.key,
      cost: 9,
      items: [{ id: '1', name: '倚天劍模型', cost: '9', amount: '1', total: '9' }],
    });
    expect(shapeDifferences(answer, sample('authorizedrequestpayment'))).toEqual([]);
    expect(answer).toMatchObject({
      code: 'B200',
      msg: '執行成功,請款處理進行中。',
      content: { prc: '247', retmsg: '請款進行中', actual_cost: 0 },
    });
  });

  it("disabledirectdebit: the sample's own request answers the sample's own refusal (a past stop day)", async () => {
    await openPaypageOrder(sim, 'F3DCB0AD-23F3-4721-BBBA-FAC8CDDB9E5F', 100, {
      regular: 'M',
      regular_total: '12',
      group_id: 'D0000000520',
    });
    const answer = await sendPaypage(sim, 'disabledirectdebit', {
      order_id: 'F3DCB0AD-23F3-4721-BBBA-FAC8CDDB9E5F',
      group_id: 'D0000000520',
      stop_time: '20180920',
      stop_reason: '消費者不喜翻~',
    });
    expect(answer).toEqual(sample('disabledirectdebit'));
  });

  it('ewalletbind: B200 執行成功 with the binding page URL', async () => {
    const answer = await sendPaypage(sim, 'ewalletbind', {
      user_id: 'phper',
      user_cellphone_code: '886',
      user_cellphone: '918123123',
      pfn: 'CREDITCARD',
      ip: '127.0.0.1',
    });
    expect(shapeDifferences(answer, sample('ewalletbind'))).toEqual([]);
    expect(answer).toMatchObject({ code: 'B200', msg: '執行成功' });
    expect(answer.url).toMatch(new RegExp(`^${sim.url}/ewallet/\\d+\\.html$`));
  });

  it("refundcancel: once the refund is uploaded (next Taiwan midnight), the sample's own refusal", async () => {
    const order = await openPaypageOrder(sim, 'RC1', 100);
    sim.control.pay(order.uid);
    await sendPaypage(sim, 'refund', { uid: String(order.uid), key: order.key, cost: 40 });
    clock.set('2026-12-06T00:00:00+08:00');
    const answer = await sendPaypage(sim, 'refundcancel', { uid: String(order.uid), key: order.key });
    const expected = sample('refundcancel');
    expect(shapeDifferences(answer, expected)).toEqual([]);
    expect(answer).toEqual({ ...expected, key: order.key, uid: String(order.uid) });
  });

  it('issueinvoice: B200 發票處理完成 with the invoice (state 2)', async () => {
    const order = await openPaypageOrder(sim, '1234567890', 10);
    sim.control.pay(order.uid);
    const answer = await sendPaypage(sim, 'issueinvoice', {
      uid: String(order.uid),
      key: order.key,
      invoice_input_type: 1,
      invoice_cloud_type: 2,
      invoice_mobile_code: '/NFVIAZP',
    });
    expect(shapeDifferences(answer, sample('issueinvoice'))).toEqual([]);
    expect(answer).toMatchObject({ code: 'B200', msg: '發票處理完成', state: 2, seller_ban: '28915188' });
    expect(Object.keys(answer)).toEqual(Object.keys(sample('issueinvoice')));
  });

  it('invoice: the invoice of a donated (love code) invoice, as the sample', async () => {
    const order = await openPaypageOrder(sim, 'I1', 1, {
      issue_invoice_state: 1,
      invoice_input_type: 2,
      invoice_love_code: '241',
    });
    sim.control.pay(order.uid);
    const answer = await sendPaypage(sim, 'invoice', { uid: String(order.uid), key: order.key });
    expect(shapeDifferences(answer, sample('invoice'))).toEqual([]);
    expect(answer).toMatchObject({ prc: '250', state: 2, input_type: 2, love_code: '241', cloud_type: '' });
    expect(Object.keys(answer)).toEqual(Object.keys(sample('invoice')));
  });

  it("paymentsupportpaymode: the sample's list of tools, in its order", async () => {
    const answer = await sendPaypage(sim, 'paymentsupportpaymode', { cost: '1000', currency: 'TWD' });
    expect(answer).toEqual(sample('paymentsupportpaymode'));
  });

  it('esvcrefund (seed 003, no sample answer): every field of 『電票退款』回傳欄位 and 『電票交易退款完成資訊』', async () => {
    const order = await openPaypageOrder(sim, 'E1', 100);
    sim.control.pay(order.uid);
    const answer = await sendPaypage(sim, 'esvcrefund', { uid: String(order.uid), key: order.key, cost: 30 });
    expect(Object.keys(answer).sort()).toEqual(['code', 'key', 'msg', 'row_data', 'uid']);
    expect(Object.keys(answer.row_data as object)).toEqual([
      'uid',
      'refund_uid',
      'key',
      'code',
      'msg',
      'finishtime',
      'order_id',
      'user_id',
      'cost',
      'currency',
      'actual_cost',
      'actual_currency',
      'pfn',
      'echo_0',
      'echo_1',
      'echo_2',
      'echo_3',
      'echo_4',
    ]);
    expect(answer).toMatchObject({ code: 'B200', row_data: { code: '230', cost: '30' } });
  });

  it('the comparison itself sees a missing field and a field of another type', () => {
    expect(shapeDifferences({ a: '1', b: [{ c: 1 }] }, { a: 1, b: [{ c: 1, d: '' }] })).toEqual([
      'a: number≠string',
      'b[0].d: missing',
    ]);
  });
});
