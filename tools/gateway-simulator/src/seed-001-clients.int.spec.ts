import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningSimulator } from './index';
import { openPaypageOrder, sendPaypage, startTestSimulator } from './testing/harness';

/*
 * Seed 001's Node.js reference clients (fixtures/seed-001-clients/node, verbatim) run as programs against the
 * simulator, changed only in their URL and in the values an earlier step handed out (uid, key): each prints the
 * answer the document shows for its step. The one shim: the samples post with `require('https')` and the
 * simulator speaks HTTP, so a preloaded module sends `https.request` for an `http:` URL through `http.request`
 * (the samples already turn certificate checks off). Seed 003 has no sample client: esvcrefund is sent raw.
 */

const run = promisify(execFile);
const SEED_URL = 'https://pay.usecase.cc/api/init';
let sim: RunningSimulator;
let dir: string;
let shim: string;

beforeAll(async () => {
  sim = await startTestSimulator();
  dir = mkdtempSync(path.join(tmpdir(), 'seed-001-clients-'));
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

afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the sample of `command` with its URL and the given literal values replaced; parses what it prints. */
async function runSample(
  command: string,
  replacements: Readonly<Record<string, string>> = {},
): Promise<Record<string, unknown>> {
  let text = readFileSync(
    new URL(`../../../fixtures/seed-001-clients/node/${command}.js`, import.meta.url),
    'utf8',
  );
  expect(text).toContain(SEED_URL);
  text = text.replace(SEED_URL, sim.baseUrl);
  for (const [from, to] of Object.entries(replacements)) {
    expect(text).toContain(from);
    text = text.replace(from, to);
  }
  const file = path.join(dir, `${command}.js`);
  writeFileSync(file, text);
  const { stdout } = await run(process.execPath, ['-r', shim, file], { timeout: 20_000 });
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe("seed 001's Node.js sample clients against the simulator", () => {
  let order: { uid: number; key: string };

  it('orders: opens the sample order (200, a payment URL), which the buyer pays on the page', async () => {
    const answer = await runSample('orders');
    expect(answer).toMatchObject({ code: '200', msg: '資料正確' });
    order = { uid: answer.uid as number, key: answer.key as string };
    const paid = await fetch(answer.url as string, {
      method: 'POST',
      headers: { accept: 'application/json' },
    });
    expect(await paid.json()).toEqual({ uid: order.uid, code: '250', moved: true });
  });

  it('queryorder: the order is paid (250, 付款完成)', async () => {
    const answer = await runSample('queryorder', {
      '"34799"': `"${order.uid}"`,
      c23dd140aa9536eb4c09ef053171110f: order.key,
    });
    expect(answer).toMatchObject({
      uid: order.uid,
      prc: '250',
      retmsg: '付款完成',
      order_id: '1234567890',
      cost: 10,
    });
  });

  let refunded: { uid: number; key: string };

  it('refund: refunds 100 of a paid 250 order of 倚天劍模型 (the sample refunds that product), B200 230', async () => {
    refunded = await openPaypageOrder(sim, 'R-250', 250);
    sim.control.pay(refunded.uid);
    const answer = await runSample('refund', {
      '"88833"': `"${refunded.uid}"`,
      '1c943777706d68f757afdb9034213001': refunded.key,
    });
    expect(answer).toMatchObject({
      code: 'B200',
      uid: String(refunded.uid),
      row_data: { prc: '230', cost: 100, retmsg: '退款完成' },
    });
    const state = await sendPaypage(sim, 'queryorder', { uid: String(refunded.uid), key: refunded.key });
    expect(state).toMatchObject({ prc: '250', actual_cost: 250 });
    expect(state.refund_order).toEqual([expect.objectContaining({ prc: '230', cost: 100 })]);
  });

  it('refundcancel: takes the refund back before its upload (B200 取消成功), then refuses as the sample shows', async () => {
    const replacements = {
      '"30587"': `"${refunded.uid}"`,
      '2b848830072c0db6273d5637ad4b8337': refunded.key,
    };
    const answer = await runSample('refundcancel', replacements);
    expect(answer).toMatchObject({ code: 'B200', row_data: { prc: '220', retmsg: '取消成功', cost: 100 } });
    // A second cancel finds nothing pending: the sample's own answer.
    expect(await runSample('refundcancel', replacements)).toEqual({
      key: refunded.key,
      uid: String(refunded.uid),
      code: 'B500',
      msg: '無法取消此筆退款,原因為目前此筆狀態不是申請中。',
      row_data: null,
    });
  });

  it('issueinvoice and invoice: the paid sample order gets its invoice, which the query shows', async () => {
    const issued = await runSample('issueinvoice', {
      '"58793"': `"${order.uid}"`,
      ab106dd223c66fd9258454c26e188f01: order.key,
    });
    expect(issued).toMatchObject({ code: 'B200', msg: '發票處理完成', state: 2, input_type: 1 });
    const queried = await runSample('invoice', {
      '"59665"': `"${order.uid}"`,
      c011e403fa73b088ca3d50aacfa9c43a: order.key,
    });
    expect(queried).toMatchObject({
      uid: order.uid,
      prc: '250',
      state: 2,
      number: issued.number,
      mobile_code: '/NFVIAZP',
    });
  });

  it("paymentsupportpaymode: the merchant's tools", async () => {
    const answer = await runSample('paymentsupportpaymode');
    expect(answer).toMatchObject({ code: 'B200', msg: '執行成功' });
    expect(answer.content).toContain('CREDITCARD');
  });

  it('esvcrefund: refunds part of a paid e-ticket (voucher) purchase, never more than is left', async () => {
    const purchase = await sendPaypage(sim, 'voucherservicepurchase', {
      user_data: { user_id: 'phper', ip: '127.0.0.1' },
      order_id: 'ET-1',
      pfn: '0',
      cost: 100,
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
          trust_start_date: '20261201',
          trust_end_date: '20271231',
          is_custom_serial: 0,
          sharing: { headquarters: '0.15', sales: '0.1', reimbursement: '0.75' },
        },
      ],
      declarations: [{ name: '用餐券', content: '<h6>使用需知</h6>' }],
    });
    expect(purchase.code).toBe('200');
    sim.control.pay(Number(purchase.uid));
    const refund = (cost: number) =>
      sendPaypage(sim, 'esvcrefund', { uid: purchase.uid, key: purchase.key, cost });
    expect(await refund(60)).toMatchObject({ code: 'B200', row_data: { code: '230', cost: '60' } });
    expect(await refund(41)).toMatchObject({ code: 'B500' });
    expect(await refund(40)).toMatchObject({ code: 'B200', row_data: { cost: '40' } });
  });
});
