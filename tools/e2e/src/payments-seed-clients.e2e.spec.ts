import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { OperationEntity, SAMPLE_PARTNER } from '@tixclear/db';
import { callApi, eventually } from './stack';
import { stackForSuite } from './suite';

/*
 * Seed 001's Node.js reference clients (fixtures/seed-001-clients/node, verbatim) against OUR /api/init, changed
 * only in their URL and in the values an earlier step handed out (uid, key): each gets the answer the document
 * shows for its step. The partner is seed 001's sample merchant (289151880002, its sample key), speaking upstream
 * as the simulator's merchant of the same uid. The one shim: the samples post with `require('https')`, the API
 * speaks HTTP, so a preloaded module sends `https.request` for an `http:` URL through `http.request`.
 */

const run = promisify(execFile);
const SEED_URL = 'https://pay.usecase.cc/api/init';
const MERCHANT = { uid: '289151880002', key: 'KYTjd9ACcjGaTK6V3zWmMkyrQS08Ndcx' };

describe("seed 001's Node.js reference clients against /api/init", () => {
  const stack = stackForSuite();
  let dir: string;
  let shim: string;

  beforeAll(async () => {
    await stack.registry.add({
      partnerUid: MERCHANT.uid,
      mode: 'store',
      name: 'seed 001 sample merchant',
      notifyUrl: null,
      issuerId: SAMPLE_PARTNER.issuerId,
      key: MERCHANT.key,
      upstream: { mode: 'store', uid: MERCHANT.uid, key: MERCHANT.key },
      validFrom: new Date(Date.now() - 86_400_000),
    });
    dir = mkdtempSync(path.join(tmpdir(), 'seed-001-api-'));
    shim = path.join(dir, 'http-for-https.cjs');
    writeFileSync(
      shim,
      `const http = require('http');
const https = require('https');
const tls = https.request;
https.request = function (url, options, callback) {
  return String(url).startsWith('http:') ? http.request(url, options, callback) : tls.apply(this, arguments);
};
`,
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the sample of `command` with our URL and the given literal values replaced; parses what it prints. */
  async function runSample(command: string, replacements: Readonly<Record<string, string>> = {}) {
    let text = readFileSync(
      new URL(`../../../fixtures/seed-001-clients/node/${command}.js`, import.meta.url),
      'utf8',
    );
    expect(text).toContain(SEED_URL);
    text = text.replace(SEED_URL, `${stack.apiUrl}/api/init`);
    for (const [from, to] of Object.entries(replacements)) {
      expect(text).toContain(from);
      text = text.replace(from, to);
    }
    const file = path.join(dir, `${command}.js`);
    writeFileSync(file, text);
    const { stdout } = await run(process.execPath, ['-r', shim, file], { timeout: 20_000 });
    return JSON.parse(stdout) as Record<string, unknown>;
  }

  const paid = (orderId: string) =>
    eventually(async () => {
      const operation = await stack.db.dataSource
        .getRepository(OperationEntity)
        .findOneBy({ orderId, kind: 'payment' });
      return operation?.state === 'paid' ? operation : undefined;
    });

  let order: { uid: string; key: string };

  it('orders: the sample order opens (200, a payment URL); the buyer pays it on the page', async () => {
    const answer = await runSample('orders');
    expect(answer).toMatchObject({ code: '200', msg: '資料正確', url: expect.any(String) });
    order = { uid: String(answer.uid), key: String(answer.key) };
    expect((await fetch(String(answer.url), { method: 'POST' })).status).toBe(200);
    await paid('1234567890');
  });

  it('queryorder: paid (250, 付款完成) under the sample’s own order_id', async () => {
    const answer = await runSample('queryorder', {
      '"34799"': `"${order.uid}"`,
      c23dd140aa9536eb4c09ef053171110f: order.key,
    });
    expect(answer).toMatchObject({ prc: '250', retmsg: '付款完成', order_id: '1234567890', cost: 10 });
    expect(String(answer.uid)).toBe(order.uid);
  });

  it('refund then refundcancel: 100 of a paid 倚天劍模型 order refunded (B200 230), then taken back (B200 220)', async () => {
    const opened = await callApi(
      stack.apiUrl,
      'orders',
      {
        store_uid: MERCHANT.uid,
        user_id: 'phper',
        cost: 250,
        order_id: 'SEED-R-250',
        ip: '127.0.0.1',
        items: [{ id: '1', name: '倚天劍模型', cost: 250, amount: 1, total: 250 }],
      },
      false,
      MERCHANT,
    );
    expect(opened.body).toMatchObject({ code: '200' });
    expect((await fetch(String(opened.body.url), { method: 'POST' })).status).toBe(200);
    await paid('SEED-R-250');
    const refunded = { uid: String(opened.body.uid), key: String(opened.body.key) };
    const refund = await runSample('refund', {
      '"88833"': `"${refunded.uid}"`,
      '1c943777706d68f757afdb9034213001': refunded.key,
    });
    expect(refund).toMatchObject({
      code: 'B200',
      row_data: { prc: '230', cost: 100, order_id: 'SEED-R-250' },
    });
    expect(String(refund.uid)).toBe(refunded.uid);
    const cancel = await runSample('refundcancel', {
      '"30587"': `"${refunded.uid}"`,
      '2b848830072c0db6273d5637ad4b8337': refunded.key,
    });
    expect(cancel).toMatchObject({ code: 'B200', row_data: { prc: '220', retmsg: '取消成功', cost: 100 } });
  });

  it('issueinvoice and invoice: the paid sample order gets its invoice, which the query shows', async () => {
    const issued = await runSample('issueinvoice', {
      '"58793"': `"${order.uid}"`,
      ab106dd223c66fd9258454c26e188f01: order.key,
    });
    expect(issued).toMatchObject({ code: 'B200', msg: '發票處理完成', order_id: '1234567890' });
    const queried = await runSample('invoice', {
      '"59665"': `"${order.uid}"`,
      c011e403fa73b088ca3d50aacfa9c43a: order.key,
    });
    expect(queried).toMatchObject({ prc: '250', number: issued.number, order_id: '1234567890' });
  });

  it("paymentsupportpaymode: the merchant's tools", async () => {
    const answer = await runSample('paymentsupportpaymode');
    expect(answer).toMatchObject({ code: 'B200', msg: '執行成功' });
    expect(answer.content).toContain('CREDITCARD');
  });
});
