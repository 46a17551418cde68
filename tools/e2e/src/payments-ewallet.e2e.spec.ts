import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SAMPLE_PARTNER } from '@tixclear/db';
import { restCall } from './flows';
import { eventually, startStack, type Stack } from './stack';

/*
 * E-wallet bindings (seed 001 MYPAY電子錢包綁定), end to end: a binding page opened through the API, the buyer binds
 * a card on the simulator, whose report (『電子錢包虛擬卡號回傳資訊』) reaches the API's /gateway/notify and is kept
 * for the partner that opened the page, once, without the virtual card number in clear; GET /v1/ewallet-bindings
 * lists it. A report naming a buyer no page of ours named is counted, not kept.
 */

describe('e-wallet bindings (API and simulator over HTTP)', () => {
  let stack: Stack;
  let apiKey: string;
  beforeAll(async () => {
    stack = await startStack();
    apiKey = await stack.registry.issueApiKey(SAMPLE_PARTNER.partnerUid);
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const q = <T>(sql: string, params: unknown[] = []) => stack.db.dataSource.query<T>(sql, params);

  it('keeps the card the gateway reports bound for the partner that opened the page, once, no secret in clear', async () => {
    const userId = `U${Date.now()}`;
    const opened = await stack.call('ewalletbind', {
      store_uid: SAMPLE_PARTNER.partnerUid,
      user_id: userId,
      ip: '127.0.0.1',
      pfn: 'CREDITCARD',
      user_cellphone_code: '886',
      user_cellphone: '0912345678',
    });
    expect(opened.body).toMatchObject({ code: 'B200' });
    const bindingUid = Number(/\/ewallet\/(\d+)\.html/.exec(String(opened.body.url))?.[1]);
    expect(stack.sim.control.bindEwallet(bindingUid, 'bind')).toMatchObject({ moved: true });
    const [row] = await eventually(async () => {
      const rows = await q<Record<string, unknown>[]>(`SELECT * FROM ewallet_bindings WHERE user_id = $1`, [
        userId,
      ]);
      return rows.length > 0 ? rows : undefined;
    });
    const report = (await stack.sim.control.notificationsSettled()).find((n) => n.payload.user_id === userId);
    const pan = String(report?.payload.virtual_pan);
    expect(row).toMatchObject({ pfn: 'CREDITCARD', cardno_masked: '493817******0003', enabled: true });
    expect(row?.virtual_pan_last4).toBe(pan.slice(-4));
    // Neither the virtual card number nor the buyer's mobile number is anywhere in the row.
    expect(JSON.stringify(row)).not.toContain(pan);
    expect(JSON.stringify(row)).not.toContain('0912345678');

    // The same report again: acknowledged, still one binding.
    const again = await fetch(`${stack.apiUrl}/gateway/notify`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: report!.body,
    });
    expect((await again.text()).trim()).toBe('8888');
    expect(await q(`SELECT 1 FROM ewallet_bindings WHERE user_id = $1`, [userId])).toHaveLength(1);

    // Read where payments are read: the partner's REST door.
    const listed = await restCall(stack, apiKey, 'GET', `/v1/ewallet-bindings?user_id=${userId}`);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({
      data: {
        bindings: [
          expect.objectContaining({
            user_id: userId,
            cardno: '493817******0003',
            virtual_pan_last4: pan.slice(-4),
            enabled: true,
          }),
        ],
      },
    });
    expect(
      (await restCall(stack, apiKey, 'GET', `/v1/ewallet-bindings?user_id=${'x'.repeat(65)}`)).status,
    ).toBe(400);
  }, 60_000);

  it('counts, and does not keep, a report of a buyer no binding page of ours named', async () => {
    const forged = new URLSearchParams({
      pfn: 'CREDITCARD',
      cardno: '493817******0003',
      user_id: 'nobody-we-know',
      cellphone_code: '886',
      cellphone: '0900000000',
      virtual_pan: 'VPFORGED000000',
      enable: '1',
    });
    const answer = await fetch(`${stack.apiUrl}/gateway/notify`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: forged.toString(),
    });
    expect((await answer.text()).trim()).toBe('8888');
    expect(await q(`SELECT 1 FROM ewallet_bindings WHERE user_id = 'nobody-we-know'`)).toEqual([]);
    const counted = await q<{ count: number }[]>(
      `SELECT count::int AS count FROM gateway_report_counts WHERE kind = 'ewallet' AND outcome = 'unknown_order'`,
    );
    expect(counted[0]?.count).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
