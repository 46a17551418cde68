import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { encryptEnvelope, encryptJson } from '@tixclear/crypto';
import type { RunningSimulator } from './index';
import { SAMPLE_STORE_KEY, SAMPLE_STORE_UID } from './merchants';
import { phpJsonEncode, phpPostBody, postForm } from './testing/php';
import { startTestSimulator } from './testing/harness';

/*
 * The reference sample clients of seed 000, byte for byte where it matters: the PHP getRawData() arrays sent as
 * PHP sends them (json_encode, the envelope, http_build_query), the Node.js sample's JSON body and the C#
 * sample's shared IV and hand-made URL encoding. The simulator must accept them and answer as the samples show.
 */

/** StoreVoucher::getRawData() of the PHP purchase sample (the declaration text as in the C#/Node.js samples). */
const purchaseRawData = {
  store_uid: '289151880142',
  user_data: { user_id: 'phper', user_name: '金城武', user_real_name: '金城武', ip: '127.0.0.1' },
  order_id: 'VS20210917113800',
  pfn: '0',
  cost: 100,
  currency: 'TWD',
  items: [
    {
      id: 'H01',
      name: '用餐券',
      amount: 2,
      price: 50,
      cost: 50,
      total_price: 100,
      total_cost: 100,
      gift_number: 0,
      trust_start_date: '20210917',
      trust_end_date: '20220916',
      is_custom_serial: 1,
      serial_numbers: '["A00049","A00050"]',
      gift_serial_numbers: '[]',
      sharing: { headquarters: '0.15', sales: '0.1', reimbursement: '0.75' },
    },
  ],
  declarations: [
    {
      name: '用餐券',
      content:
        '<h6>使用需知</h6>\r\n                                <ul>\r\n                                <li>本行程入住花蓮藍天麗池飯店或同等級。</li>\r\n                                <li>本行程為套裝行程,旅客須完成住宿登記並於線上付款或當天於易遊網門市、ATM 付款完畢後,座位始予保留。</li>\r\n                                <li>票價以套裝行程發售,價格依房型而異(發售指定區間乘車票,旅客可擇當次車指定上下車站上下車,不需另補差額,餘程亦不退費)。\r\n                                </li>\r\n                                <li>成人票:4,999 元/人起,孩童及敬老票另有優惠。</li>\r\n                                <li>套票價格及詳細資訊請參閱易遊網郵輪式列車網頁(請點檢視行程)。</li></ul>',
    },
  ],
};

/** StoreVoucherTransaction::getRawData() of the PHP redemption sample. */
const redemptionRawData = {
  store_uid: '289151880142',
  order_id: 'VT20210917114023',
  user_id: 'phper',
  ip: '127.0.0.1',
  items: [
    { id: 'H01', serial_number: 'A00021' },
    { id: 'H01', serial_number: 'A00022' },
  ],
  echo_0: '',
  echo_1: '',
  echo_2: '',
  echo_3: '',
  echo_4: '',
};

/** The split of each voucher in the seed's sample redemption answer. */
const sampleItem = (serial: string) => ({
  id: 'H01',
  serial_number: serial,
  is_paid: 1,
  sharing: { headquarters: 0.15, sales: 0.1, reimbursement: 0.75 },
  fee: {
    cost: 50,
    gateway_fee: 1,
    escrow_fee: 1,
    issuance_layer: 2,
    issuance_fee: 1,
    headquarters: 7,
    sales: 5,
    reimbursement: 35,
  },
});

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startTestSimulator();
});

afterAll(async () => {
  await sim.close();
});

beforeEach(() => sim.control.reset());

describe('the PHP purchase sample (seed 000 購買票券交易)', () => {
  it('is accepted exactly as the sample answer shows: 200, 資料正確, uid, key and a payment URL', async () => {
    const body = phpPostBody(
      SAMPLE_STORE_UID,
      SAMPLE_STORE_KEY,
      'api/voucherservicepurchase',
      purchaseRawData,
    );
    const { status, text } = await postForm(sim.baseUrl, body);
    expect(status).toBe(200);
    const answer = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(answer)).toEqual(['code', 'msg', 'uid', 'key', 'url']);
    expect(answer).toMatchObject({ code: '200', msg: '資料正確' });
    expect(answer.uid).toMatch(/^\d+$/);
    expect(answer.key).toMatch(/^[0-9a-f]{40}$/);
    expect(answer.url).toBe(`${sim.url}/voucher/${String(answer.uid)}.html`);
    // json_encode's escapes, as in the sample's "https:\/\/pay.usecase.cc\/voucher\/93.html".
    expect(text).toContain(`"url":"${sim.url.replace(/\//g, '\\/')}\\/voucher\\/${String(answer.uid)}.html"`);
    // The one-year trust period is read inclusively: 20210917..20220916 passes.
    expect(sim.state.purchases.get(Number(answer.uid))?.items[0]?.trustEndDate).toBe('20220916');
  });

  it('is accepted from the Node.js sample too (JSON body, compact JSON inside)', async () => {
    const response = await fetch(sim.baseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        store_uid: SAMPLE_STORE_UID,
        service: encryptJson({ service_name: 'api', cmd: 'api/voucherservicepurchase' }, SAMPLE_STORE_KEY),
        encry_data: encryptJson(purchaseRawData, SAMPLE_STORE_KEY),
      }),
    });
    expect(await response.json()).toMatchObject({ code: '200' });
  });

  it('is accepted from the C# sample too (one IV for both fields, values URL-encoded by hand)', async () => {
    const iv = randomBytes(16);
    const service = encryptEnvelope(
      JSON.stringify({ service_name: 'api', cmd: 'api/voucherservicepurchase' }),
      SAMPLE_STORE_KEY,
      iv,
    );
    const data = encryptEnvelope(JSON.stringify(purchaseRawData), SAMPLE_STORE_KEY, iv);
    const body = `store_uid=${SAMPLE_STORE_UID}&service=${encodeURIComponent(service)}&encry_data=${encodeURIComponent(data)}`;
    const { text } = await postForm(sim.baseUrl, body);
    expect(JSON.parse(text)).toMatchObject({ code: '200' });
  });

  it('is refused with 100 when sent a second time (order_id is unique)', async () => {
    const send = () =>
      postForm(
        sim.baseUrl,
        phpPostBody(SAMPLE_STORE_UID, SAMPLE_STORE_KEY, 'api/voucherservicepurchase', purchaseRawData),
      );
    expect(JSON.parse((await send()).text)).toMatchObject({ code: '200' });
    expect(JSON.parse((await send()).text)).toMatchObject({ code: '100' });
    expect(sim.state.purchases.size).toBe(1);
  });
});

describe('the PHP redemption sample (seed 000 票券核銷交易)', () => {
  it("answers 250 with the sample's per-voucher sharing and fee objects", async () => {
    const purchase = {
      ...purchaseRawData,
      order_id: 'VS20210917000001',
      items: [{ ...purchaseRawData.items[0], serial_numbers: '["A00021","A00022"]' }],
    };
    const opened = JSON.parse(
      (
        await postForm(
          sim.baseUrl,
          phpPostBody(SAMPLE_STORE_UID, SAMPLE_STORE_KEY, 'api/voucherservicepurchase', purchase),
        )
      ).text,
    ) as { uid: string };
    expect(sim.control.pay(Number(opened.uid)).code).toBe('250');

    const { text } = await postForm(
      sim.baseUrl,
      phpPostBody(SAMPLE_STORE_UID, SAMPLE_STORE_KEY, 'api/vouchertransaction', redemptionRawData),
    );
    const answer = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(answer)).toEqual([
      'code',
      'msg',
      'uid',
      'key',
      'order_id',
      'reimbursement_date',
      'items',
      'echo_0',
      'echo_1',
      'echo_2',
      'echo_3',
      'echo_4',
    ]);
    expect(answer).toMatchObject({ code: '250', msg: '核銷成功', order_id: 'VT20210917114023', echo_0: '' });
    expect(answer.reimbursement_date).toMatch(/^\d{14}$/);
    expect(answer.items).toEqual([sampleItem('A00021'), sampleItem('A00022')]);
  });
});

describe('PHP json_encode output', () => {
  it('is emulated as PHP writes it (escaped slashes and \\u escapes), which the cases above send', () => {
    expect(phpJsonEncode({ url: 'https://x', name: '票券' })).toBe(
      '{"url":"https:\\/\\/x","name":"\\u7968\\u5238"}',
    );
  });
});
