import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { taiwanBusinessDate } from '@tixclear/domain';
import { OperatorItemEntity, SAMPLE_PARTNER, VoucherEntity } from '@tixclear/db';
import { linesOf, operationOf, simRequests, simVoucherOf, voucherOf, restCall } from './flows';
import { gatewayPort } from '@tixclear/operations';
import { createSettlement } from '@tixclear/settlement';
import { offlineRequest, purchaseRequest, redeemRequest, refundRequest } from './requests';
import { eventually } from './stack';
import { stackForSuite } from './suite';

/*
 * A voucher's dates at redemption (docs/protocol.md §7), through both doors: past its validity or before its
 * trust period it is refused before the gateway is asked (B500 / 409 VOUCHER_UNAVAILABLE naming the voucher),
 * and nothing is recorded or held; on its last Taiwan day it is redeemed. Dates are Taiwan days, so "today"
 * is the Taiwan date of now (UTC+8), not the host's.
 */

const STORE = SAMPLE_PARTNER.partnerUid;
const DAY_MS = 86_400_000;
/** The Taiwan day `days` from now, as the protocol writes it (`YYYYMMDD`). */
const taiwanDay = (days: number) =>
  taiwanBusinessDate(new Date(Date.now() + days * DAY_MS)).replaceAll('-', '');

interface Dates {
  trust_start_date: string;
  trust_end_date: string;
  validity_end_date: string;
}
/** Valid through yesterday, in a trust period that started a year ago and has half a year to run. */
const EXPIRED: Dates = {
  trust_start_date: taiwanDay(-200),
  trust_end_date: taiwanDay(200),
  validity_end_date: taiwanDay(-1),
};
const LAST_DAY: Dates = { ...EXPIRED, validity_end_date: taiwanDay(0) };
const NOT_STARTED: Dates = {
  trust_start_date: taiwanDay(1),
  trust_end_date: taiwanDay(400),
  validity_end_date: taiwanDay(400),
};

function withoutStore<T extends { store_uid: string }>(request: T): Omit<T, 'store_uid'> {
  const { store_uid: _store, ...rest } = request;
  return rest;
}

describe('voucher dates enforced at redemption, through /api/init and /v1', () => {
  const stack = stackForSuite();
  let apiKey: string;
  beforeAll(async () => {
    apiKey = await stack.registry.issueApiKey(STORE);
  });

  const post = (path: string, body: unknown) => restCall(stack, apiKey, 'POST', path, body);

  /** Buys one voucher with these dates through /api/init, pays it on the simulator, waits until issued. */
  async function paidVoucher(dates: Dates): Promise<string> {
    const purchase = purchaseRequest({ amount: 1 });
    const [item] = purchase.request.items;
    const request = { ...purchase.request, items: [{ ...item!, ...dates }] };
    const answer = await stack.call('voucherservicepurchase', request);
    expect(answer.body).toMatchObject({ code: '200' });
    expect((await fetch(String(answer.body.url), { method: 'POST' })).status).toBe(200);
    const serial = purchase.serials[0]!;
    await eventually(async () => ((await voucherOf(stack, serial)).state === 'issued' ? true : undefined));
    return serial;
  }

  /** The voucher is as the purchase left it: issued, held by no operation, with no line. */
  async function untouched(serial: string): Promise<void> {
    expect(await voucherOf(stack, serial)).toMatchObject({ state: 'issued', holderOperationId: null });
    expect(await linesOf(stack, { serialNumber: serial })).toHaveLength(0);
  }

  it('/api/init: refuses a voucher the day after its validity (B500 naming it), sends and records nothing', async () => {
    const serial = await paidVoucher(EXPIRED);
    expect((await voucherOf(stack, serial)).validityEndDate).toBe(
      `${EXPIRED.validity_end_date.slice(0, 4)}-${EXPIRED.validity_end_date.slice(4, 6)}-${EXPIRED.validity_end_date.slice(6)}`,
    );
    const sent = simRequests(stack, 'vouchertransaction');
    const request = redeemRequest([serial]);
    const answer = await stack.call('vouchertransaction', request);
    expect(answer.body).toMatchObject({
      code: 'B500',
      field: 'items[0].serial_number',
      error_code: 'VOUCHER_UNAVAILABLE',
    });
    expect(simRequests(stack, 'vouchertransaction')).toBe(sent);
    expect(await operationOf(stack, request.order_id)).toBeNull();
    await untouched(serial);
  });

  it('/api/init: refuses a voucher before its trust period starts', async () => {
    const serial = await paidVoucher(NOT_STARTED);
    const sent = simRequests(stack, 'vouchertransaction');
    const request = redeemRequest([serial]);
    const answer = await stack.call('vouchertransaction', request);
    expect(answer.body).toMatchObject({ code: 'B500', field: 'items[0].serial_number' });
    expect(simRequests(stack, 'vouchertransaction')).toBe(sent);
    expect(await operationOf(stack, request.order_id)).toBeNull();
    await untouched(serial);
  });

  it('/api/init: redeems a voucher on the last Taiwan day of its validity', async () => {
    const serial = await paidVoucher(LAST_DAY);
    const answer = await stack.call('vouchertransaction', redeemRequest([serial]));
    expect(answer.body).toMatchObject({ code: '250' });
    expect((await voucherOf(stack, serial)).state).toBe('redeemed');
    expect(await linesOf(stack, { serialNumber: serial })).toHaveLength(1);
  });

  it('/api/init offline: refuses physical serials past their validity (B500 naming pay_token[k]), sends nothing', async () => {
    const fresh = await paidVoucher(LAST_DAY);
    const expired = await paidVoucher(EXPIRED);
    const sent = simRequests(stack, 'voucheroffline');
    const request = offlineRequest({
      reimbursement_from_type: 2,
      reimbursement_dealer_no: 'SHOP0042',
      issuance_uid: STORE,
      pay_token: JSON.stringify([fresh, expired]),
    });
    const answer = await stack.call('voucheroffline', request);
    expect(answer.body).toMatchObject({
      code: 'B500',
      field: 'pay_token[1]',
      error_code: 'VOUCHER_UNAVAILABLE',
    });
    expect(simRequests(stack, 'voucheroffline')).toBe(sent);
    expect(await operationOf(stack, request.order_id)).toBeNull();
    await untouched(fresh);
    await untouched(expired);
  });

  it('offline, a gateway that redeems an expired voucher by digital token anyway: no line, an operator decides', async () => {
    const serial = await paidVoucher(EXPIRED);
    const request = offlineRequest({
      reimbursement_from_type: 1,
      reimbursement_store_uid: STORE,
      pay_token: simVoucherOf(stack, serial).payToken,
    });
    const answer = await stack.call('voucheroffline', request);
    expect(answer.body).toMatchObject({ code: 'B200', content: { code: '250' } });
    const operation = await operationOf(stack, request.order_id);
    expect(operation?.state).toBe('succeeded');
    await untouched(serial);
    const item = await stack.db.dataSource
      .getRepository(OperatorItemEntity)
      .findOneByOrFail({ kind: 'redemption_mismatch', reference: operation!.id });
    expect(item.state).toBe('open');
  });

  it('a trust period over: refused at redemption, then the day’s settlement expires it and releases its value', async () => {
    const serial = await paidVoucher({
      trust_start_date: taiwanDay(-400),
      trust_end_date: taiwanDay(-1),
      validity_end_date: taiwanDay(-1),
    });
    const refused = await stack.call('vouchertransaction', redeemRequest([serial]));
    expect(refused.body).toMatchObject({ code: 'B500', field: 'items[0].serial_number' });

    const { dataSource } = stack.db;
    const day = taiwanBusinessDate(new Date());
    const settlement = createSettlement({
      dataSource,
      registry: stack.registry,
      gateway: gatewayPort({ baseUrl: stack.sim.baseUrl }),
      exportRoot: mkdtempSync(path.join(tmpdir(), 'tixclear-exports-')),
      payouts: { coveringBackoffMs: 0 },
    });
    // Posting comes before pay-offs: whether the run then waits for a batch's approval or not, it has posted.
    expect(await settlement.runner.run(day, day, { payoutWaitMs: 0 })).not.toBe('busy');
    const voucher = await voucherOf(stack, serial);
    expect(voucher.state).toBe('expired');
    const lines = await dataSource.query<{ account: string; party: string | null; amount: number }[]>(
      `SELECT l.account, l.party, l.amount::int AS amount FROM journal_lines l
         JOIN journal_entries e ON e.id = l.entry_id
        WHERE e.kind = 'expiry' AND e.reference = $1 ORDER BY l.account`,
      [voucher.id],
    );
    expect(lines).toEqual([
      { account: 'gateway_receivable', party: `merchant:${STORE}`, amount: -50 },
      { account: 'trust_liability', party: null, amount: 50 },
    ]);
    // Once: the same day settled again books nothing more.
    expect(await settlement.runner.run(day, day, { payoutWaitMs: 0 })).not.toBe('busy');
    const [count] = await dataSource.query<[{ n: number }]>(
      `SELECT count(*)::int AS n FROM journal_entries WHERE kind = 'expiry' AND reference = $1`,
      [voucher.id],
    );
    expect(count.n).toBe(1);
    const refund = await stack.call('voucherrefund', refundRequest([serial]));
    expect(refund.body).toMatchObject({ code: 'B500', field: 'items[0].serial_number' });
  });

  it('/v1: 409 VOUCHER_UNAVAILABLE for an expired voucher online and at the till; 201 on its last day', async () => {
    const expired = await paidVoucher(EXPIRED);
    const online = redeemRequest([expired]);
    const refused = await post('/v1/redemptions', withoutStore(online));
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      error: { code: 'VOUCHER_UNAVAILABLE', field: 'items[0].serial_number' },
    });
    expect(await operationOf(stack, online.order_id)).toBeNull();

    const till = offlineRequest({
      reimbursement_from_type: 2,
      reimbursement_dealer_no: 'SHOP0042',
      issuance_uid: STORE,
      pay_token: JSON.stringify([expired]),
    });
    const tillRefused = await post('/v1/redemptions/offline', till);
    expect(tillRefused.status).toBe(409);
    expect(tillRefused.body).toMatchObject({ error: { code: 'VOUCHER_UNAVAILABLE', field: 'pay_token[0]' } });
    expect(await operationOf(stack, till.order_id)).toBeNull();
    await untouched(expired);

    const lastDay = await paidVoucher(LAST_DAY);
    const redeemed = await post('/v1/redemptions', withoutStore(redeemRequest([lastDay])));
    expect(redeemed.status).toBe(201);
    expect(redeemed.body).toMatchObject({ data: { code: '250' } });
    expect(
      (await stack.db.dataSource.getRepository(VoucherEntity).findOneByOrFail({ serialNumber: lastDay }))
        .state,
    ).toBe('redeemed');
  });
});
