import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path, { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { encryptJson } from '@tixclear/crypto';
import {
  ensurePaypageSamplePartner,
  OperationEntity,
  PAYPAGE_SAMPLE_PARTNER,
  SAMPLE_PARTNER,
} from '@tixclear/db';
import { shapeDifferences } from '@tixclear/gateway-simulator';
import { paidPurchase } from './flows';
import {
  earlierStepLiterals,
  findRuntimes,
  LANGUAGES,
  type Language,
  prepareWorkshop,
  restorePythonIndentation,
  runSample,
  sampleAnswer,
  sampleText,
  startTlsFront,
  type Workshop,
} from './reference-clients';
import { callApi, eventually } from './stack';
import { stackForSuite } from './suite';

/*
 * Issue 14's acceptance: seed 001's reference clients in PHP, Python, Node.js and Java (fixtures/seed-001-clients,
 * verbatim), changed only in their URL and an earlier step's `order_id`, `uid` and `key`, against OUR /api/init
 * as seed 001's sample merchant 289151880002, registered as `npm start` registers it. Each language: the sample
 * order opens and is paid on the simulator's page, is queried, a 倚天劍模型 order is refunded in part and the
 * refund cancelled, the invoice issued and queried, the pay modes listed; each answer has every field of the
 * document's sample answer, with its JSON type, and the step's codes. esvcrefund (seed 003) has no sample client:
 * it is sent by our own client, checked against seed 003's field tables. `api/open` (client mode) and `api/agent`
 * (the dealer ewalletbind sample's URL) are not served (docs/protocol.md §3). How the samples are run (HTTPS front,
 * Debian's libraries, Python's indentation): ./reference-clients.ts.
 */

const MERCHANT = { uid: PAYPAGE_SAMPLE_PARTNER.partnerUid, key: PAYPAGE_SAMPLE_PARTNER.key };

describe("seed 001's reference clients in four languages against /api/init", () => {
  const stack = stackForSuite();
  let dir: string;
  let workshop: Workshop;
  let front: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    expect(await ensurePaypageSamplePartner(stack.registry)).toBe(true);
    dir = mkdtempSync(path.join(tmpdir(), 'seed-001-reference-clients-'));
    // A missing php, python3 or java fails here, naming what to install.
    workshop = await prepareWorkshop(dir);
    front = await startTlsFront(workshop, stack.apiUrl);
  }, 120_000);
  afterAll(async () => {
    await front?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const operation = (orderId: string, kind?: OperationEntity['kind']) =>
    stack.db.dataSource.getRepository(OperationEntity).findOneBy(kind ? { orderId, kind } : { orderId });
  const paid = (orderId: string) =>
    eventually(async () => ((await operation(orderId, 'payment'))?.state === 'paid' ? true : undefined));
  const url = () => `${front.url}/api/init`;

  /** The sample of `command` with the earlier step's order named in place of the document's. */
  const runWithOrder = async (language: Language, command: string, order: { uid: string; key: string }) => {
    const literals = earlierStepLiterals(sampleText(language, command).text);
    return runSample(workshop, language, command, url(), [
      [literals.uid, `"${order.uid}"`],
      [literals.key, `"${order.key}"`],
    ]);
  };

  describe.each(LANGUAGES)('%s', (language) => {
    const orderId = `1234567890${LANGUAGES.indexOf(language)}`;
    let order: { uid: string; key: string };

    it('orders: 200 資料正確 with a payment page, paid there', async () => {
      const answer = await runSample(workshop, language, 'orders', url(), [['"1234567890"', `"${orderId}"`]]);
      expect(shapeDifferences(answer, sampleAnswer('orders'))).toEqual([]);
      expect(answer).toMatchObject({ code: '200', msg: '資料正確' });
      order = { uid: String(answer.uid), key: String(answer.key) };
      expect((await fetch(String(answer.url), { method: 'POST' })).status).toBe(200);
      await paid(orderId);
    }, 90_000);

    it('queryorder: 250 付款完成 under the order_id sent', async () => {
      const answer = await runWithOrder(language, 'queryorder', order);
      expect(shapeDifferences(answer, sampleAnswer('queryorder'))).toEqual([]);
      expect(answer).toMatchObject({ prc: '250', retmsg: '付款完成', order_id: orderId, cost: 10 });
      expect(String(answer.uid)).toBe(order.uid);
    }, 60_000);

    it('refund then refundcancel: 100 of a paid 倚天劍模型 order refunded (B200 230), then cancelled (B200 220)', async () => {
      const refundOrderId = `SEED001-R-${language}`;
      const opened = await callApi(
        stack.apiUrl,
        'orders',
        {
          store_uid: MERCHANT.uid,
          user_id: 'phper',
          cost: 250,
          order_id: refundOrderId,
          ip: '127.0.0.1',
          items: [{ id: '1', name: '倚天劍模型', cost: 250, amount: 1, total: 250 }],
        },
        false,
        MERCHANT,
      );
      expect(opened.body).toMatchObject({ code: '200' });
      expect((await fetch(String(opened.body.url), { method: 'POST' })).status).toBe(200);
      await paid(refundOrderId);
      const paidOrder = { uid: String(opened.body.uid), key: String(opened.body.key) };

      const refund = await runWithOrder(language, 'refund', paidOrder);
      expect(shapeDifferences(refund, sampleAnswer('refund'))).toEqual([]);
      expect(refund).toMatchObject({
        code: 'B200',
        msg: '執行成功',
        uid: paidOrder.uid,
        row_data: { prc: '230', retmsg: '退款完成', cost: 100, order_id: refundOrderId },
      });

      // The document's refundcancel answer is its refusal (row_data null); a cancel that succeeds carries the
      // same top-level fields and the refund's row, 220 取消成功.
      const cancel = await runWithOrder(language, 'refundcancel', paidOrder);
      const { row_data: _refused, ...topLevel } = sampleAnswer('refundcancel');
      expect(shapeDifferences(cancel, topLevel)).toEqual([]);
      expect(cancel).toMatchObject({
        code: 'B200',
        uid: paidOrder.uid,
        row_data: { prc: '220', retmsg: '取消成功', cost: 100 },
      });
    }, 120_000);

    it('issueinvoice and invoice: B200 發票處理完成, then the same invoice number queried', async () => {
      const issued = await runWithOrder(language, 'issueinvoice', order);
      expect(shapeDifferences(issued, sampleAnswer('issueinvoice'))).toEqual([]);
      expect(issued).toMatchObject({ code: 'B200', msg: '發票處理完成', order_id: orderId, state: 2 });
      const queried = await runWithOrder(language, 'invoice', order);
      expect(shapeDifferences(queried, sampleAnswer('invoice'))).toEqual([]);
      expect(queried).toMatchObject({ prc: '250', state: 2, number: issued.number, order_id: orderId });
    }, 60_000);

    it("paymentsupportpaymode: the document's own answer", async () => {
      const answer = await runSample(workshop, language, 'paymentsupportpaymode', url());
      expect(answer).toEqual(sampleAnswer('paymentsupportpaymode'));
    }, 60_000);
  });

  it('esvcrefund (seed 003, no sample client): part of a paid e-ticket purchase, every field of its tables', async () => {
    const purchase = await paidPurchase(stack, { amount: 2 });
    const recorded = await operation(purchase.orderId);
    const request = {
      store_uid: SAMPLE_PARTNER.partnerUid,
      device_id: 'POS01',
      uid: String(recorded?.gatewayUid),
      key: String(recorded?.gatewayKey),
      cost: 30,
    };
    const answer = await stack.call('esvcrefund', request);
    expect(Object.keys(answer.body).sort()).toEqual(['code', 'key', 'msg', 'row_data', 'uid']);
    // 『電票交易退款完成資訊』: every field a string.
    const row = answer.body.row_data as Record<string, unknown>;
    expect(Object.keys(row).sort()).toEqual(
      [
        'uid', 'refund_uid', 'key', 'code', 'msg', 'finishtime', 'order_id', 'user_id', 'cost', 'currency',
        'actual_cost', 'actual_currency', 'pfn', 'echo_0', 'echo_1', 'echo_2', 'echo_3', 'echo_4',
      ].sort(), // prettier-ignore
    );
    expect(Object.values(row).filter((value) => typeof value !== 'string')).toEqual([]);
    expect(answer.body).toMatchObject({
      code: 'B200',
      uid: request.uid,
      row_data: { code: '230', cost: '30', order_id: purchase.orderId },
    });
  }, 60_000);

  it.each(['open', 'agent'])(
    'api/%s (client mode; the dealer ewalletbind sample) is not served: 404 NOT_FOUND, nothing recorded',
    async (endpoint) => {
      const count = () => stack.db.dataSource.getRepository(OperationEntity).count();
      const before = await count();
      const fields = {
        store_uid: MERCHANT.uid,
        service: encryptJson({ service_name: 'api', cmd: 'api/ewalletbind' }, MERCHANT.key),
        encry_data: encryptJson({ store_uid: MERCHANT.uid, user_id: 'phper', ip: '127.0.0.1' }, MERCHANT.key),
      };
      const answer = await fetch(`${stack.apiUrl}/api/${endpoint}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
      expect(answer.status).toBe(404);
      expect(await answer.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
      expect(await count()).toBe(before);
    },
  );

  it('a missing runtime fails the suite, naming what to install (never a silent skip)', () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-runtimes-'));
    try {
      const without = () => findRuntimes(empty, { ...process.env, PATH: empty });
      expect(without).toThrow(/apt-get install php-cli php-curl/);
      expect(without).toThrow(/apt-get install default-jdk-headless/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('the Python repair restores indentation only: the same lines once stripped, which the seed text lost', () => {
    for (const command of ['orders', 'queryorder', 'refund', 'refundcancel', 'issueinvoice', 'invoice']) {
      const { text } = sampleText('python', command);
      const restored = restorePythonIndentation(text);
      expect(restored.split('\n').map((line) => line.trimStart())).toEqual(
        text.split('\n').map((line) => line.trimStart()),
      );
      expect(restored).not.toEqual(text);
    }
  });
});
