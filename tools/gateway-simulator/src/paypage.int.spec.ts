import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { twd } from '@tixclear/domain';
import type { RunningSimulator } from './index';
import { ManualClock } from './ports';
import {
  clientFor,
  openPaypageOrder,
  PAYPAGE,
  sendPaypage,
  sendRaw,
  startTestSimulator,
} from './testing/harness';
import { startReportReceiver, type ReportReceiver } from './testing/receiver';

/*
 * The PayPage commands of seed 001 as a partner lives them, on the seed's sample merchant: deferred payments
 * (附錄二 260/270/280 and their ends), card authorisation then capture or cancel, recurring charges and their
 * stop, partial refunds and their cancellation before the upload, invoices issued, voided and allowed, e-wallet
 * binding, pay modes, and the seeded faults on these commands. Reports are received over real HTTP.
 */

const clock = new ManualClock('2026-12-05T10:00:00+08:00');
let sim: RunningSimulator;
let receiver: ReportReceiver;

beforeAll(async () => {
  receiver = await startReportReceiver();
  sim = await startTestSimulator({ clock, notifyUrl: receiver.url });
});

afterAll(async () => {
  await sim.close();
  await receiver.close();
});

beforeEach(() => {
  sim.control.reset();
  clock.set('2026-12-05T10:00:00+08:00');
});

const query = async (order: { uid: number; key: string }) =>
  sendPaypage(sim, 'queryorder', { uid: String(order.uid), key: order.key });
const refund = (order: { uid: number; key: string }, cost: number, extra: Record<string, unknown> = {}) =>
  sendPaypage(sim, 'refund', { uid: String(order.uid), key: order.key, cost, ...extra });
const held = () => sim.control.holdings(PAYPAGE.uid).total;

/** The reports of the PayPage merchant for order `uid`, in the order they were enqueued. */
async function reportsOf(uid: number): Promise<Record<string, unknown>[]> {
  const all = await sim.control.notificationsSettled();
  return all.filter((n) => n.merchantUid === PAYPAGE.uid && n.payload.uid === uid).map((n) => n.payload);
}

describe('deferred payments (附錄二 260/270/280)', () => {
  it('a virtual account answers 270 with its codes, reported; the money arriving later makes it 250', async () => {
    const order = await openPaypageOrder(sim, 'ATM1', 500, { pfn: '6', limit_pay_days: 3 });
    expect(sim.control.pay(order.uid)).toMatchObject({ code: '270', moved: true });
    const waiting = await query(order);
    expect(waiting).toMatchObject({
      prc: '270',
      retmsg: '交易成功 尚未付款完成',
      pfn: 'E_COLLECTION',
      bank_id: '004',
      result_content_type: 'E_COLLECTION',
      expired_date: '20261208100000',
      actual_cost: 0,
    });
    expect(JSON.parse(waiting.result_content as string)).toEqual({
      PinCode: expect.stringMatching(/^\d{13}$/),
      LimitDate: '20261208100000',
      BankCode: '004',
    });
    expect(held()).toBe(0);
    // The buyer's page still offers Pay: paying now is the transfer arriving.
    expect(await (await fetch(order.url)).text()).toContain('<button type="submit">Pay</button>');
    const paid = await fetch(order.url, { method: 'POST', headers: { accept: 'application/json' } });
    expect(await paid.json()).toEqual({ uid: order.uid, code: '250', moved: true });
    expect(await query(order)).toMatchObject({ prc: '250', actual_cost: 500 });
    expect(held()).toBe(500);
    expect((await reportsOf(order.uid)).map((r) => r.prc)).toEqual(['270', '250']);
  });

  it('a convenience-store code (260) expires into 380 and can no longer be paid', async () => {
    const order = await openPaypageOrder(sim, 'CVS1', 300, { pfn: 'CSTORECODE' });
    expect(sim.control.pay(order.uid).code).toBe('260');
    expect(JSON.parse((await query(order)).result_content as string)).toMatchObject({
      PinCode: expect.stringMatching(/^SIM\d{11}$/),
      BarCode1: expect.any(String),
    });
    expect(sim.control.endDeferred(order.uid, 'expire')).toMatchObject({ code: '380', moved: true });
    expect(sim.control.pay(order.uid)).toMatchObject({ code: '380', moved: false });
    expect(sim.control.cancel(order.uid).moved).toBe(false);
    expect(held()).toBe(0);
    expect((await reportsOf(order.uid)).map((r) => r.prc)).toEqual(['260', '380']);
  });

  it('a late payment of the wrong amount is 290 (paid), WEBATM (280) may fail, a waiting code cannot be abandoned', async () => {
    const atm = await openPaypageOrder(sim, 'ATM2', 200, { pfn: 'E_COLLECTION' });
    sim.control.pay(atm.uid);
    expect(sim.control.cancel(atm.uid).moved).toBe(false);
    expect(sim.control.endDeferred(atm.uid, 'mismatch')).toMatchObject({ code: '290', moved: true });
    expect(held()).toBe(200);
    const web = await openPaypageOrder(sim, 'WEB1', 100, { pfn: 'WEBATM' });
    expect(sim.control.pay(web.uid).code).toBe('280');
    expect(sim.control.settle(web.uid, 'fail')).toMatchObject({ code: '300', moved: true });
  });

  it('a voucher purchase paid by convenience store waits (260) with no vouchers, and issues them when paid', async () => {
    const purchase = await sendRaw(
      sim,
      'api/voucherservicepurchase',
      {
        store_uid: PAYPAGE.uid,
        user_data: { user_id: 'phper', ip: '127.0.0.1' },
        order_id: 'VCVS',
        pfn: 'CSTORECODE',
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
            gift_number: 1,
            trust_start_date: '20261201',
            trust_end_date: '20271231',
            is_custom_serial: 0,
            sharing: { headquarters: '0.15', sales: '0.1', reimbursement: '0.75' },
          },
        ],
        declarations: [{ name: '用餐券', content: '<h6>使用需知</h6>' }],
      },
      PAYPAGE,
    );
    const uid = Number(purchase.uid);
    expect(sim.control.pay(uid).code).toBe('260');
    const queried = () => sendPaypage(sim, 'voucherservicequery', { order_id: 'VCVS' });
    expect((await queried()).content).toMatchObject({ code: '260', result_content_type: 'IBON' });
    expect(sim.state.vouchers.filter((v) => v.purchaseUid === uid)).toHaveLength(0);
    expect(sim.control.pay(uid).code).toBe('250');
    // General customer: the gateway numbers the vouchers, unique [A-Za-z0-9] serials, listed in the query.
    const content = (await queried()).content as Record<string, { serial_number: string; cost: number }[]>;
    const serials = [...content.voucher_paid!, ...content.voucher_free!].map((v) => v.serial_number);
    expect(content.voucher_paid).toHaveLength(2);
    expect(content.voucher_free).toHaveLength(1);
    expect(new Set(serials).size).toBe(3);
    for (const serial of serials) expect(serial).toMatch(/^[A-Za-z0-9]{1,32}$/);
    expect(held()).toBe(100);
    // ... and they redeem by them (一般客戶 redeem by MYTIX serials).
    const redeemed = await sendPaypage(sim, 'vouchertransaction', {
      order_id: 'VT-G',
      user_id: 'phper',
      ip: '127.0.0.1',
      items: [{ id: 'H01', serial_number: content.voucher_paid![0]!.serial_number }],
    });
    expect(redeemed).toMatchObject({ code: '250' });
    // The purchase's reports list the serials too.
    const reports = (await sim.control.notificationsSettled()).filter(
      (n) => n.command === 'voucherservicepurchase',
    );
    expect(reports.map((r) => r.payload.code)).toEqual(['260', '250']);
    expect(reports[1]?.payload.voucher_paid).toEqual(content.voucher_paid);
  });
});

describe('card authorisation (245), then capture (247 → 250) or cancel (300)', () => {
  const manual = { creditcard_is_automatic_payment: 0 };

  it('captures part of the authorisation once; refunds are limited to what was captured', async () => {
    const order = await openPaypageOrder(sim, 'AUTH1', 100, manual);
    expect(sim.control.pay(order.uid).code).toBe('245');
    expect(held()).toBe(0);
    expect(await refund(order, 10)).toMatchObject({ code: 'B500' });
    const capture = (cost: number) =>
      sendPaypage(sim, 'authorizedrequestpayment', { uid: String(order.uid), key: order.key, cost });
    expect(await capture(101)).toMatchObject({ code: 'B500' });
    expect(await capture(80)).toMatchObject({ code: 'B200', content: { prc: '247', actual_cost: 0 } });
    expect(await query(order)).toMatchObject({ prc: '250', actual_cost: 80 });
    expect(held()).toBe(80);
    expect(await capture(10)).toMatchObject({ code: 'B500' });
    expect(await refund(order, 81)).toMatchObject({ code: 'B500' });
    expect(await refund(order, 80)).toMatchObject({ code: 'B200' });
    expect(await query(order)).toMatchObject({ prc: '230' });
    expect((await reportsOf(order.uid)).map((r) => r.prc)).toEqual(['245', '250']);
  });

  it('cancels an authorisation: 300 with a cancel_order entry; then nothing can be captured', async () => {
    const order = await openPaypageOrder(sim, 'AUTH2', 100, manual);
    sim.control.pay(order.uid);
    const ref = { uid: String(order.uid), key: order.key };
    expect(await sendPaypage(sim, 'cancelauthorization', { ...ref, key: 'wrong' })).toMatchObject({
      code: 'B500',
    });
    const answer = await sendPaypage(sim, 'cancelauthorization', ref);
    expect(answer).toMatchObject({ code: 'B200', content: { prc: '300', cancel_order: [{ prc: '220' }] } });
    expect(await sendPaypage(sim, 'cancelauthorization', ref)).toMatchObject({ code: 'B500' });
    expect(await sendPaypage(sim, 'authorizedrequestpayment', { ...ref, cost: 100 })).toMatchObject({
      code: 'B500',
    });
    expect(held()).toBe(0);
  });

  it('an order captured automatically (the default) is paid at once and has no authorisation to cancel', async () => {
    const order = await openPaypageOrder(sim, 'AUTO1', 100);
    expect(sim.control.pay(order.uid).code).toBe('250');
    expect(
      await sendPaypage(sim, 'cancelauthorization', { uid: String(order.uid), key: order.key }),
    ).toMatchObject({ code: 'B500' });
  });
});

describe('recurring (direct debit) orders', () => {
  it('charges period after period until stopped by disabledirectdebit from a later day', async () => {
    const order = await openPaypageOrder(sim, 'DD1', 300, {
      pfn: 'DIRECTDEBIT',
      regular: 'M',
      regular_total: '0',
    });
    sim.control.pay(order.uid);
    const first = await query(order);
    expect(first).toMatchObject({
      prc: '250',
      nois: '1',
      group_id: `D${String(order.uid).padStart(10, '0')}`,
    });
    expect(sim.control.charge(order.uid)).toMatchObject({ moved: true, nois: 2 });
    expect(held()).toBe(600);
    const stop = (group_id: string, stop_time: string) =>
      sendPaypage(sim, 'disabledirectdebit', { order_id: 'DD1', group_id, stop_time, stop_reason: 'test' });
    expect(await stop('D9999999999', '20261210')).toMatchObject({ code: 'B500' });
    expect(await stop(first.group_id as string, '20261205')).toMatchObject({
      code: 'B500',
      msg: '停扣日必須大於今日',
    });
    expect(await stop(first.group_id as string, '20261210')).toEqual({
      code: 'B200',
      msg: '執行成功',
      order_id: 'DD1',
      group_id: first.group_id,
    });
    clock.set('2026-12-09T23:59:59+08:00');
    expect(sim.control.charge(order.uid).moved).toBe(true);
    clock.set('2026-12-10T00:00:00+08:00');
    expect(sim.control.charge(order.uid)).toMatchObject({ moved: false, nois: 3 });
    expect(held()).toBe(900);
    const all = await sim.control.notificationsSettled();
    const reports = all.filter((n) => n.payload.order_id === 'DD1').map((n) => n.payload);
    expect(reports.map((r) => [r.nois, r.actual_cost])).toEqual([
      ['1', 300],
      ['2', 300],
      ['3', 300],
    ]);
    // Each charge is a transaction of its own uid (the first the order's), asked with the order's key.
    const uids = reports.map((r) => Number(r.uid));
    expect(uids[0]).toBe(order.uid);
    expect(new Set(uids).size).toBe(3);
    const second = await query({ uid: uids[1]!, key: order.key });
    expect(second).toMatchObject({ uid: uids[1], prc: '250', nois: '2', actual_cost: 300, order_id: 'DD1' });
    expect(second.refund_order).toEqual([]);
    expect(await query({ uid: uids[1]!, key: 'wrong' })).toMatchObject({ code: 'B500' });
    // The order's own uid still answers its first charge.
    expect(await query(order)).toMatchObject({ uid: order.uid, nois: '1' });
  });

  it('charges on its clock: each period after the first charge, never twice, never after the stop day', async () => {
    const order = await openPaypageOrder(sim, 'DD3', 200, { regular: 'W', regular_total: '0' });
    sim.control.pay(order.uid);
    expect(sim.control.chargeDue()).toEqual([]);
    clock.set('2026-12-12T09:59:59+08:00');
    expect(sim.control.chargeDue()).toEqual([]);
    clock.set('2026-12-12T10:00:00+08:00');
    expect(sim.control.chargeDue()).toEqual([expect.objectContaining({ uid: order.uid, nois: 2 })]);
    expect(sim.control.chargeDue()).toEqual([]);
    // Two periods passed at once: both charges.
    clock.set('2026-12-26T10:00:00+08:00');
    expect(sim.control.chargeDue().map((c) => c.nois)).toEqual([3, 4]);
    expect(
      await sendPaypage(sim, 'disabledirectdebit', {
        order_id: 'DD3',
        group_id: `D${String(order.uid).padStart(10, '0')}`,
        stop_time: '20261228',
        stop_reason: 'test',
      }),
    ).toMatchObject({ code: 'B200' });
    clock.set('2027-01-02T10:00:00+08:00');
    expect(sim.control.chargeDue()).toEqual([]);
    expect(held()).toBe(4 * 200);
  });

  it('stops by itself after regular_total charges; an unpaid or one-off order has nothing to charge', async () => {
    const order = await openPaypageOrder(sim, 'DD2', 100, { regular: 'W', regular_total: '2' });
    expect(sim.control.charge(order.uid).moved).toBe(false);
    sim.control.pay(order.uid);
    expect(sim.control.charge(order.uid).moved).toBe(true);
    expect(sim.control.charge(order.uid).moved).toBe(false);
    const once = await openPaypageOrder(sim, 'ONE', 100);
    sim.control.pay(once.uid);
    expect(sim.control.charge(once.uid).moved).toBe(false);
  });
});

describe('partial refunds and their cancellation before the upload', () => {
  it('refunds several parts, never more than paid; a cancelled refund gives the money back', async () => {
    const order = await openPaypageOrder(sim, 'RF1', 100);
    sim.control.pay(order.uid);
    const a = await refund(order, 30);
    const b = await refund(order, 50);
    expect([a.code, b.code]).toEqual(['B200', 'B200']);
    expect(await refund(order, 21)).toMatchObject({ code: 'B500' });
    expect(held()).toBe(20);
    const refundUid = (a.row_data as { refund_uid: number }).refund_uid;
    const cancelled = await sendPaypage(sim, 'refundcancel', { uid: String(refundUid), key: order.key });
    expect(cancelled).toMatchObject({ code: 'B200', row_data: { refund_uid: refundUid, prc: '220' } });
    expect(held()).toBe(50);
    expect(await refund(order, 50)).toMatchObject({ code: 'B200' });
    expect(await query(order)).toMatchObject({ prc: '230' });
    expect(((await query(order)).refund_order as { prc: string }[]).map((r) => r.prc)).toEqual([
      '220',
      '230',
      '230',
    ]);
    expect(held()).toBe(0);
  });

  it('the upload is the next Taiwan midnight: 23:59:59 still cancels, 00:00 does not', async () => {
    const order = await openPaypageOrder(sim, 'RF2', 100);
    sim.control.pay(order.uid);
    const first = await refund(order, 10);
    const second = await refund(order, 10);
    const cancel = (r: Record<string, unknown>) =>
      sendPaypage(sim, 'refundcancel', {
        uid: String((r.row_data as { refund_uid: number }).refund_uid),
        key: order.key,
      });
    clock.set('2026-12-05T23:59:59+08:00');
    expect(await cancel(first)).toMatchObject({ code: 'B200' });
    clock.set('2026-12-06T00:00:00+08:00');
    expect(await cancel(second)).toMatchObject({ code: 'B500', row_data: null });
    expect(held()).toBe(90);
  });

  it('several rows are all or nothing; a wrong key cancels nothing', async () => {
    const order = await openPaypageOrder(sim, 'RF3', 100);
    sim.control.pay(order.uid);
    const uids = [await refund(order, 10), await refund(order, 20)].map((r) =>
      String((r.row_data as { refund_uid: number }).refund_uid),
    );
    const refused = await sendPaypage(sim, 'refundcancel', {
      uid: uids[0],
      key: order.key,
      rows: [
        { uid: uids[0], key: order.key },
        { uid: uids[1], key: 'wrong' },
      ],
    });
    expect(refused).toMatchObject({ code: 'B500' });
    expect(held()).toBe(70);
    const both = await sendPaypage(sim, 'refundcancel', {
      uid: uids[0],
      key: order.key,
      rows: uids.map((uid) => ({ uid, key: order.key })),
    });
    expect(both).toMatchObject({ code: 'B200' });
    expect(held()).toBe(100);
  });
});

describe('invoices', () => {
  const cloud = { invoice_input_type: 1, invoice_cloud_type: 2, invoice_mobile_code: '/NFVIAZP' };
  const items = (cost: number) => [{ id: '1', name: '倚天劍模型', cost, amount: 1, total: cost }];
  const invoiceOf = (order: { uid: number; key: string }) =>
    sendPaypage(sim, 'invoice', { uid: String(order.uid), key: order.key });

  it('issued when paid with issue_invoice_state 1; issueinvoice then refuses a second; unpaid orders get none', async () => {
    const open = await openPaypageOrder(sim, 'IV0', 100);
    const issue = (o: { uid: number; key: string }) =>
      sendPaypage(sim, 'issueinvoice', { uid: String(o.uid), key: o.key, ...cloud });
    expect(await issue(open)).toMatchObject({ code: 'B500' });
    const order = await openPaypageOrder(sim, 'IV1', 100, { issue_invoice_state: 1, ...cloud });
    sim.control.pay(order.uid);
    expect(await invoiceOf(order)).toMatchObject({ state: 2, amount: '100', mobile_code: '/NFVIAZP' });
    expect(await issue(order)).toMatchObject({ code: 'B500' });
  });

  it('a refund with invoice_state 6 is an allowance; cancelling the refund removes it', async () => {
    const order = await openPaypageOrder(sim, 'IV2', 100, { issue_invoice_state: 1, ...cloud });
    sim.control.pay(order.uid);
    expect(await refund(order, 30)).toMatchObject({ code: 'B500' }); // items are required with an invoice
    const r = await refund(order, 30, { invoice_state: 6, items: items(30) });
    expect(r).toMatchObject({ code: 'B200' });
    const allowed = await invoiceOf(order);
    expect(allowed).toMatchObject({ state: 6, allowance: [{ amount: '30' }] });
    expect(await query(order)).toMatchObject({ invoice_state: 6 });
    await sendPaypage(sim, 'refundcancel', {
      uid: String((r.row_data as { refund_uid: number }).refund_uid),
      key: order.key,
    });
    expect(await invoiceOf(order)).toMatchObject({ state: 2, allowance: [] });
  });

  it('a refund with invoice_state 4 voids it (same month only); issueinvoice then issues what is left', async () => {
    const order = await openPaypageOrder(sim, 'IV3', 100, { issue_invoice_state: 1, ...cloud });
    sim.control.pay(order.uid);
    const first = (await invoiceOf(order)).number;
    expect(await refund(order, 40, { invoice_state: 4, items: items(40) })).toMatchObject({ code: 'B200' });
    expect(await invoiceOf(order)).toMatchObject({ state: 4 });
    const reissued = await sendPaypage(sim, 'issueinvoice', {
      uid: String(order.uid),
      key: order.key,
      ...cloud,
    });
    expect(reissued).toMatchObject({ code: 'B200', state: 2, sales_amount: '60' });
    expect(reissued.number).not.toBe(first);
    clock.set('2027-01-02T10:00:00+08:00');
    expect(await refund(order, 10, { invoice_state: 4, items: items(10) })).toMatchObject({ code: 'B500' });
    expect(await refund(order, 10, { invoice_state: 6, items: items(10) })).toMatchObject({ code: 'B200' });
  });

  it('an unknown order or a wrong key: B500 for issueinvoice and invoice', async () => {
    expect(await sendPaypage(sim, 'invoice', { uid: '999999', key: 'x' })).toMatchObject({ code: 'B500' });
    expect(await sendPaypage(sim, 'issueinvoice', { uid: '999999', key: 'x', ...cloud })).toMatchObject({
      code: 'B500',
    });
  });
});

describe('e-wallet binding and pay modes', () => {
  it('binds on the page: reported once with a virtual card number; a second decision is 409', async () => {
    const answer = await sendPaypage(sim, 'ewalletbind', {
      user_id: 'buyer1',
      user_cellphone_code: '886',
      user_cellphone: '918123123',
      ip: '127.0.0.1',
    });
    const url = answer.url as string;
    expect((await fetch(url)).status).toBe(200);
    const bound = await fetch(url, { method: 'POST', headers: { accept: 'application/json' } });
    expect(await bound.json()).toMatchObject({ status: 'bound', moved: true });
    expect((await fetch(url, { method: 'POST' })).status).toBe(409);
    const reports = (await sim.control.notificationsSettled()).filter((n) => n.command === 'ewalletbind');
    expect(reports.map((r) => r.payload)).toEqual([
      {
        pfn: 'CREDITCARD',
        cardno: '493817******0003',
        user_id: 'buyer1',
        cellphone_code: '886',
        cellphone: '918123123',
        virtual_pan: expect.stringMatching(/^VP[0-9A-F]{14}$/),
        enable: '1',
      },
    ]);
  });

  it("answers each merchant's own pay modes; a cost under 1 is refused with 100", async () => {
    sim.control.addMerchant({
      uid: 'PM1',
      key: 'k'.repeat(32),
      feeSchedules: [{ escrowRate: '0', gatewayRate: '0', issuanceFee: 0, issuanceLayer: 1 }],
      payModes: ['CREDITCARD', 'E_COLLECTION'],
    });
    const sender = { uid: 'PM1', key: 'k'.repeat(32) };
    expect(await sendRaw(sim, 'api/paymentsupportpaymode', { store_uid: 'PM1', cost: 100 }, sender)).toEqual({
      code: 'B200',
      msg: '執行成功',
      content: ['CREDITCARD', 'E_COLLECTION'],
    });
    expect(await sendPaypage(sim, 'paymentsupportpaymode', { cost: 0 })).toMatchObject({ code: '100' });
  });
});

describe('the seeded faults apply to the new commands too', () => {
  it('a refund whose answer is dropped after the commit is found by queryorder', async () => {
    const order = await openPaypageOrder(sim, 'F1', 100);
    sim.control.pay(order.uid);
    sim.control.addFaults({ command: 'refund', fault: 'commit_then_drop', times: 1 });
    await expect(refund(order, 40)).rejects.toThrow();
    expect(await query(order)).toMatchObject({ refund_order: [{ cost: 40, prc: '230' }] });
    expect(held()).toBe(60);
  });

  it('a 503 before the command changes nothing; an outer 400 after the commit hides a done capture', async () => {
    const order = await openPaypageOrder(sim, 'F2', 100, { creditcard_is_automatic_payment: 0 });
    sim.control.pay(order.uid);
    sim.control.addFaults([
      { command: 'api/authorizedrequestpayment', fault: 'http_status', status: 503, times: 1 },
      { command: 'authorizedrequestpayment', fault: 'commit_then_error', times: 1 },
    ]);
    const ref = { uid: String(order.uid), key: order.key, cost: 100 };
    await expect(sendPaypage(sim, 'authorizedrequestpayment', ref)).rejects.toThrow();
    expect(await query(order)).toMatchObject({ prc: '245' });
    expect(await sendPaypage(sim, 'authorizedrequestpayment', ref)).toMatchObject({ code: '400' });
    expect(await query(order)).toMatchObject({ prc: '250', actual_cost: 100 });
  });

  it('a duplicated payment report arrives twice, the same', async () => {
    sim.control.addFaults({ command: 'orders', fault: 'notify_duplicate', times: 1 });
    const order = await openPaypageOrder(sim, 'F3', 100);
    sim.control.pay(order.uid);
    const reports = await reportsOf(order.uid);
    expect(reports).toHaveLength(2);
    expect(reports[0]).toEqual(reports[1]);
  });
});

describe('the gateway client reads every PayPage answer of the simulator', () => {
  it('orders to paymentsupportpaymode, through @tixclear/gateway-client', async () => {
    const client = clientFor(sim, {}, { uid: PAYPAGE.uid, key: PAYPAGE.key });
    const item = (cost: number) => [
      { id: '1', name: '倚天劍模型', cost: twd(cost), amount: 1, total: twd(cost) },
    ];
    const base = { store_uid: PAYPAGE.uid, user_id: 'phper', ip: '127.0.0.1' };
    const opened = await client.orderCreate({
      ...base,
      order_id: 'C1',
      cost: twd(100),
      items: item(100),
      issue_invoice_state: 1,
      invoice_input_type: 1,
      invoice_cloud_type: 2,
      invoice_mobile_code: '/NFVIAZP',
    });
    sim.control.pay(Number(opened.uid));
    const ref = { uid: opened.uid, key: opened.key };
    expect(await client.orderQuery(ref)).toMatchObject({ prc: '250', invoice_state: '2' });
    const refunded = await client.orderRefund({
      store_uid: PAYPAGE.uid,
      ...ref,
      cost: twd(10),
      invoice_state: 6,
      items: item(10),
    });
    expect(refunded.row_data).toMatchObject({ prc: '230', cost: 10 });
    const cancelled = await client.orderRefundCancel({
      store_uid: PAYPAGE.uid,
      uid: String(refunded.row_data?.refund_uid),
      key: opened.key,
    });
    expect(cancelled).toMatchObject({ code: 'B200', row_data: { prc: '220' } });
    expect(await client.invoiceQuery(ref)).toMatchObject({ state: '2', amount: 100 });
    expect((await client.paymentToolsQuery({ store_uid: PAYPAGE.uid, cost: twd(1000) })).content).toContain(
      'CREDITCARD',
    );
    expect(await client.ewalletBind({ ...base })).toMatchObject({ code: 'B200' });

    const authorised = await client.orderCreate({
      ...base,
      order_id: 'C2',
      cost: twd(50),
      items: item(50),
      creditcard_is_automatic_payment: 0,
    });
    sim.control.pay(Number(authorised.uid));
    const captured = await client.cardAuthorizationCapture({
      store_uid: PAYPAGE.uid,
      uid: authorised.uid,
      key: authorised.key,
      cost: twd(50),
      items: item(50),
    });
    expect(captured.content).toMatchObject({ prc: '247' });
    const other = await client.orderCreate({
      ...base,
      order_id: 'C3',
      cost: twd(50),
      items: item(50),
      creditcard_is_automatic_payment: 0,
    });
    sim.control.pay(Number(other.uid));
    expect(
      (await client.cardAuthorizationCancel({ store_uid: PAYPAGE.uid, uid: other.uid, key: other.key }))
        .content,
    ).toMatchObject({ prc: '300' });
    const plain = await client.orderCreate({ ...base, order_id: 'C4', cost: twd(50), items: item(50) });
    sim.control.pay(Number(plain.uid));
    expect(
      await client.invoiceIssue({
        store_uid: PAYPAGE.uid,
        uid: plain.uid,
        key: plain.key,
        invoice_input_type: 2,
        invoice_love_code: '241',
      }),
    ).toMatchObject({ code: 'B200', state: '2' });
    const recurring = await client.orderCreate({
      ...base,
      order_id: 'C5',
      cost: twd(50),
      items: item(50),
      regular: 'M',
      group_id: 'D0000000520',
    });
    sim.control.pay(Number(recurring.uid));
    const stop = await client.directDebitDisable({
      store_uid: PAYPAGE.uid,
      order_id: 'C5',
      group_id: 'D0000000520',
      stop_time: '20261231',
    });
    expect(stop).toMatchObject({ code: 'B200', group_id: 'D0000000520' });
  });
});

describe('another merchant, or a wrong key, reaches nothing', () => {
  it("the seed-000 store cannot refund, cancel, capture, invoice or query the PayPage store's orders", async () => {
    const order = await openPaypageOrder(sim, 'X1', 100, { creditcard_is_automatic_payment: 0 });
    sim.control.pay(order.uid);
    const other = { uid: String(order.uid), key: order.key };
    const asOther = (command: string, payload: Record<string, unknown>) =>
      sendRaw(sim, `api/${command}`, { store_uid: '289151880142', ...payload });
    expect(await asOther('authorizedrequestpayment', { ...other, cost: 100 })).toMatchObject({
      code: 'B500',
    });
    expect(await asOther('cancelauthorization', other)).toMatchObject({ code: 'B500' });
    await sendPaypage(sim, 'authorizedrequestpayment', { ...other, cost: 100 });
    const mine = await sendPaypage(sim, 'refund', { ...other, cost: 10 });
    expect(mine.code).toBe('B200');
    const refundUid = String((mine.row_data as { refund_uid: number }).refund_uid);
    expect(await asOther('refund', { ...other, cost: 10 })).toMatchObject({ code: 'B500' });
    expect(await asOther('refundcancel', { uid: refundUid, key: order.key })).toMatchObject({ code: 'B500' });
    expect(
      await asOther('issueinvoice', { ...other, invoice_input_type: 2, invoice_love_code: '241' }),
    ).toMatchObject({ code: 'B500' });
    expect(await sendRaw(sim, 'api/queryorder', other)).toMatchObject({ code: 'B500' });
    expect(await sendRaw(sim, 'api/invoice', other)).toMatchObject({ code: 'B500' });
    // The owner with a wrong key: nothing either.
    expect(await sendPaypage(sim, 'refundcancel', { uid: refundUid, key: 'f'.repeat(32) })).toMatchObject({
      code: 'B500',
    });
    expect(await sendPaypage(sim, 'refund', { ...other, key: 'f'.repeat(32), cost: 10 })).toMatchObject({
      code: 'B500',
    });
    expect(sim.control.holdings('289151880142').total).toBe(0);
    expect(held()).toBe(90);
  });
});
