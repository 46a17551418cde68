import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OperatorAccounts, PartnerEntity, PartnerNotificationEntity, SAMPLE_PARTNER } from '@tixclear/db';
import { sampleMerchant } from '@tixclear/gateway-simulator';
import { gatewayPort } from '@tixclear/operations';
import { createSettlement, writeSyntheticDay } from '@tixclear/settlement';
import { type Browser, chromium, type Page } from 'playwright-core';
import { chromiumPath } from './console-pages-chromium';
import { operationOf, paidPurchase, voucherOf } from './flows';
import { purchaseRequest, redeemRequest } from './requests';
import { eventually } from './stack';
import { stackForSuite } from './suite';
import { signInWithPassword } from './console-browser';

/*
 * The exception queue's page in a real Chromium, against exceptions made by our own components and the gateway
 * simulator's faults: a held voucher (a redemption point without a payout account), a pay-off item the gateway
 * refused, a purchase paid with a mismatch (290), a redemption the gateway answered with a voucher we did not
 * hold, a redemption whose answer was lost (unknown outcome), a partner report that could not be sent. Each
 * kind's action is run from the page (confirm dialog, note, CSRF) and found in the audit trail with the note.
 */

const PASSWORD = 'a long enough password';
const DAY = '2026-09-17';
const CLI = { actor: 'spec', actorRole: null };
const SHOTS = path.resolve(import.meta.dirname, '../../../tmp');

interface AuditRow {
  actor: string;
  target: string;
  outcome: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

describe('the exception queue in a browser: every kind acted on from its page, audited', () => {
  const stack = stackForSuite();
  let browser: Browser;

  const audit = (action: string) =>
    stack.db.dataSource.query<AuditRow[]>(
      `SELECT actor, target, result AS outcome, before, after FROM operator_audit WHERE action = $1 ORDER BY id`,
      [action],
    );
  const openItem = (kind: string, reference: string) =>
    stack.db.dataSource
      .query<{ state: string }[]>(`SELECT state FROM operator_items WHERE kind = $1 AND reference = $2`, [
        kind,
        reference,
      ])
      .then((rows) => rows[0]?.state);

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
    mkdirSync(SHOTS, { recursive: true });
    const accounts = new OperatorAccounts(stack.db.dataSource);
    await accounts.add({ name: 'ada', role: 'admin', password: PASSWORD }, CLI);
    await accounts.add({ name: 'vera', role: 'viewer', password: PASSWORD }, CLI);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  async function signedIn(name: string, width = 1280): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 800 } });
    const page = await context.newPage();
    await signInWithPassword(page, stack.apiUrl, name, PASSWORD);
    return page;
  }

  /** Clicks `label` on the row showing `reference` in the kind's filtered queue, with a note; the page's answer. */
  async function act(page: Page, kind: string, reference: string, label: string, note: string) {
    await page.goto(`${stack.apiUrl}/console/exceptions?kind=${kind}`);
    const row = page.locator('tbody tr', { has: page.locator('code', { hasText: reference }) });
    await row.getByRole('button', { name: label }).click();
    await page.locator('dialog textarea').fill(note);
    await page.locator('#confirm-ok').click();
    await page.locator('#result.ok, #result.failed').waitFor();
    return {
      ok: (await page.locator('#result').getAttribute('class')) === 'ok',
      text: await page.locator('#result').textContent(),
    };
  }

  it('re-clears a held voucher and re-includes a refused pay-off item (asking the gateway first)', async () => {
    const { dataSource } = stack.db;
    const partnerId = (await stack.registry.findByUid(SAMPLE_PARTNER.partnerUid))!.id;
    // A day of 3 redemptions: one at a point without a payout account (held); the headquarters' share paid to
    // an account the gateway refuses at creation (its pay-off item becomes an exception).
    await writeSyntheticDay(dataSource, { partnerId, businessDate: DAY, vouchers: 3, prefix: 'EXQ' });
    await dataSource.query(
      `UPDATE redemption_lines SET redemption_point = 'store:990' WHERE serial_number = 'EXQ1'`,
    );
    await dataSource
      .getRepository(PartnerEntity)
      .update({ partnerUid: SAMPLE_PARTNER.partnerUid }, { headquartersPayoutAccount: 'refused-hq' });
    stack.sim.control.addFaults({
      command: 'payoffremittance',
      fault: 'refuse',
      code: '100',
      userId: 'refused-hq',
    });
    const settlement = createSettlement({
      dataSource,
      registry: stack.registry,
      gateway: gatewayPort({ baseUrl: stack.sim.baseUrl }),
      exportRoot: mkdtempSync(path.join(tmpdir(), 'tixclear-exports-')),
      payouts: { coveringBackoffMs: 0 },
    });
    expect(await settlement.runner.run(DAY, DAY, { payoutWaitMs: 0 })).not.toBe('busy');
    const [held] = await dataSource.query<{ id: string }[]>(
      `SELECT id FROM redemption_lines WHERE serial_number = 'EXQ1'`,
    );
    const [refused] = await dataSource.query<{ reference: string }[]>(
      `SELECT reference FROM operator_items WHERE kind = 'payout_item_refused' AND state = 'open'`,
    );
    expect(await openItem('settlement_hold', held!.id)).toBe('open');
    expect(refused).toBeDefined();

    const page = await signedIn('ada');
    await page.goto(`${stack.apiUrl}/console/exceptions`);
    await page.screenshot({ path: path.join(SHOTS, 'console-exceptions.png'), fullPage: true });
    // The filter lists only the kind asked for.
    await page.goto(`${stack.apiUrl}/console/exceptions?kind=settlement_hold`);
    const kinds = await page
      .locator('tbody tr')
      .evaluateAll((rows: { getAttribute(name: string): string | null }[]) =>
        rows.map((r) => r.getAttribute('data-kind')),
      );
    expect(kinds.length).toBeGreaterThan(0);
    expect(new Set(kinds)).toEqual(new Set(['settlement_hold']));

    // The point got its account: re-clear.
    await dataSource.query(
      `UPDATE redemption_lines SET redemption_point = 'store:' || $1 WHERE serial_number = 'EXQ1'`,
      [SAMPLE_PARTNER.partnerUid],
    );
    expect(
      await act(page, 'settlement_hold', held!.id, '重新清分', 'point account fixed, ticket 7'),
    ).toMatchObject({
      ok: true,
    });
    expect(await audit('hold.reclear')).toEqual([
      expect.objectContaining({ actor: 'ada', target: held!.id, outcome: 'ok' }),
    ]);
    expect(await openItem('settlement_hold', held!.id)).toBe('resolved');

    // The pay-off item: the account corrected, re-included; the gateway is asked whether it has the item first.
    await dataSource
      .getRepository(PartnerEntity)
      .update({ partnerUid: SAMPLE_PARTNER.partnerUid }, { headquartersPayoutAccount: 'hq-account' });
    const reincluded = await act(
      page,
      'payout_item_refused',
      refused!.reference,
      '重新納入（先詢問金流）',
      'account corrected by the partner',
    );
    const [line] = await audit('payout_exception.reinclude');
    expect(line).toMatchObject({ actor: 'ada', target: refused!.reference });
    expect(line!.before).toMatchObject({ note: 'account corrected by the partner' });
    expect(reincluded.ok).toBe(true);
    expect(line!.outcome).toBe('ok');
    expect(await openItem('payout_item_refused', refused!.reference)).toBe('resolved');
    await page.context().close();
  }, 120_000);

  it('accepts a purchase paid with a mismatch (290) from the page, the note in its audit line', async () => {
    stack.sim.control.addMerchant({
      ...sampleMerchant(`${stack.apiUrl}/gateway/notify`),
      customerType: 'general',
    });
    const purchase = purchaseRequest({ amount: 1, gifts: 0 });
    const { serial_numbers: _paid, gift_serial_numbers: _gift, ...item } = purchase.request.items[0]!;
    const answer = await stack.call('voucherservicepurchase', {
      ...purchase.request,
      items: [{ ...item, is_custom_serial: 0 }],
    });
    expect(answer.body).toMatchObject({ code: '200' });
    expect(stack.sim.control.endDeferred(Number(answer.body.uid), 'mismatch')).toMatchObject({ moved: true });
    const operation = await eventually(async () => {
      const found = await operationOf(stack, purchase.orderId);
      return found?.state === 'paid_mismatch' ? found : undefined;
    });
    const page = await signedIn('ada');
    expect(
      await act(page, 'paid_mismatch', operation.id, '接受', 'customer paid the difference'),
    ).toMatchObject({
      ok: true,
    });
    const [line] = await audit('paid_mismatch.accept');
    expect(line).toMatchObject({ actor: 'ada', target: operation.id, outcome: 'ok' });
    expect(line!.after).toMatchObject({ note: 'customer paid the difference', operation: { state: 'paid' } });
    await page.context().close();
  }, 60_000);

  it('acknowledges a redemption mismatch (the gateway named a voucher we did not hold)', async () => {
    const held = await paidPurchase(stack, { amount: 1 });
    const other = await paidPurchase(stack, { amount: 1 });
    stack.sim.control.addFaults({
      command: 'vouchertransaction',
      fault: 'items_extra',
      serial: other.serials[0]!,
      times: 1,
    });
    const request = redeemRequest(held.serials);
    expect((await stack.call('vouchertransaction', request)).body).toMatchObject({ code: '250' });
    const operation = (await operationOf(stack, request.order_id))!;
    expect(await openItem('redemption_mismatch', operation.id)).toBe('open');
    const page = await signedIn('ada');
    const answer = await act(
      page,
      'redemption_mismatch',
      operation.id,
      '確認已處理',
      'checked with the store',
    );
    const [line] = await audit('redemption_mismatch.acknowledge');
    expect(line).toMatchObject({ actor: 'ada', target: operation.id });
    expect(line!.before).toMatchObject({ note: 'checked with the store' });
    expect({ ok: answer.ok, outcome: line!.outcome }).toEqual({ ok: true, outcome: 'ok' });
    await page.context().close();
  }, 60_000);

  it('decides a voucher the gateway’s answer left out (not redeemed), from its button, audited', async () => {
    const purchase = await paidPurchase(stack, { amount: 2 });
    stack.sim.control.addFaults({ command: 'vouchertransaction', fault: 'items_missing', times: 1 });
    const request = redeemRequest(purchase.serials);
    await stack.call('vouchertransaction', request);
    const operation = (await operationOf(stack, request.order_id))!;
    const [item] = await stack.db.dataSource.query<{ details: { heldNotNamed: string[] } }[]>(
      `SELECT details FROM operator_items WHERE kind = 'redemption_mismatch' AND reference = $1 AND state = 'open'`,
      [operation.id],
    );
    const serial = item!.details.heldNotNamed[0]!;
    expect((await voucherOf(stack, serial)).state).toBe('redeem_unknown');
    const page = await signedIn('ada');
    // Before every voucher is decided, acknowledging is refused (and audited); the page says so.
    expect(await act(page, 'redemption_mismatch', operation.id, '確認已處理', 'too early')).toMatchObject({
      ok: false,
    });
    expect(
      await act(page, 'redemption_mismatch', operation.id, `未核銷 ${serial}`, 'the gateway has it unused'),
    ).toMatchObject({ ok: true });
    expect((await voucherOf(stack, serial)).state).toBe('issued');
    const [line] = await audit('redemption_mismatch.decide');
    expect(line).toMatchObject({ actor: 'ada', target: operation.id, outcome: 'ok' });
    expect(line!.before).toMatchObject({ note: 'the gateway has it unused' });
    await page.context().close();
  }, 60_000);

  it('lists an operation of unknown outcome with its age, and settles it by asking the gateway now', async () => {
    const purchase = await paidPurchase(stack, { amount: 1 });
    // The gateway applies the redemption, but its answer is lost and its report suppressed: unknown here.
    stack.sim.control.addFaults([
      { command: 'vouchertransaction', fault: 'commit_then_drop', times: 1 },
      { command: 'vouchertransaction', fault: 'notify_suppress', times: 1 },
    ]);
    const request = redeemRequest(purchase.serials);
    expect((await stack.call('vouchertransaction', request)).body).toMatchObject({ code: 'B200' });
    const unknown = (await operationOf(stack, request.order_id))!;
    expect(unknown.state).toBe('outcome_unknown');

    const page = await signedIn('ada');
    await page.goto(`${stack.apiUrl}/console/exceptions?kind=outcome_unknown`);
    const row = page.locator('tbody tr', { has: page.locator('code', { hasText: unknown.id }) });
    const age = Number(await row.locator('[data-age]').getAttribute('data-age'));
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(600);
    await page.screenshot({ path: path.join(SHOTS, 'console-exceptions-unknown.png'), fullPage: true });
    expect(await act(page, 'outcome_unknown', unknown.id, '立即向金流查詢', 'the store asks')).toMatchObject({
      ok: true,
    });
    expect((await operationOf(stack, request.order_id))?.state).toBe('succeeded');
    const [line] = await audit('operation.query');
    expect(line).toMatchObject({ actor: 'ada', target: unknown.id, outcome: 'ok' });
    expect(line!.before).toMatchObject({ note: 'the store asks', operation: { state: 'outcome_unknown' } });
    expect(line!.after).toMatchObject({ operation: { state: 'succeeded' } });
    // Settled: no longer listed, and asking again is refused (409), audited too.
    await page.goto(`${stack.apiUrl}/console/exceptions?kind=outcome_unknown`);
    await expect(page.locator('code', { hasText: unknown.id }).count()).resolves.toBe(0);
    const csrf = (await page.locator('meta[name="csrf-token"]').getAttribute('content')) ?? '';
    const again = await page.request.post(`${stack.apiUrl}/console/api/operations/${unknown.id}/query`, {
      headers: { origin: stack.apiUrl, 'x-csrf-token': csrf },
      data: { note: 'again' },
    });
    expect(again.status()).toBe(409);
    const noNote = await page.request.post(`${stack.apiUrl}/console/api/operations/${unknown.id}/query`, {
      headers: { origin: stack.apiUrl, 'x-csrf-token': csrf },
      data: {},
    });
    expect(noNote.status()).toBe(400);
    expect(await noNote.json()).toMatchObject({ error: { code: 'BODY_INVALID', field: 'note' } });
    expect((await audit('operation.query')).at(-1)).toMatchObject({ outcome: 'CONFLICT' });
    await page.context().close();
  }, 60_000);

  it('resends a failed partner report from the page', async () => {
    // A report URL that is not https (and not loopback): the worker flags the partner's reports at once, for an
    // operator, since no retry can mend it.
    await stack.db.dataSource
      .getRepository(PartnerEntity)
      .update(
        { partnerUid: SAMPLE_PARTNER.partnerUid },
        { notifyUrl: 'http://reports.example.invalid/notify' },
      );
    await stack.startWorker();
    await paidPurchase(stack, { amount: 1 });
    const flagged = await eventually(async () => {
      const [row] = await stack.db.dataSource.query<{ reference: string }[]>(
        `SELECT reference FROM operator_items WHERE kind = 'partner_report_flagged' AND state = 'open' LIMIT 1`,
      );
      return row;
    }, 30_000);
    const page = await signedIn('ada');
    expect(
      await act(page, 'partner_report_flagged', flagged.reference, '重新通知', 'URL fixed'),
    ).toMatchObject({
      ok: true,
    });
    const [line] = await audit('partner_report.resend');
    expect(line).toMatchObject({ actor: 'ada', outcome: 'ok' });
    expect(line!.before).toMatchObject({ note: 'URL fixed' });
    expect(await openItem('partner_report_flagged', flagged.reference)).toBe('resolved');
    const report = await stack.db.dataSource
      .getRepository(PartnerNotificationEntity)
      .findOneByOrFail({ id: flagged.reference });
    expect(line!.target).toContain(SAMPLE_PARTNER.partnerUid);
    expect(report.operationId).toBeDefined();

    // The audit page shows the actions taken.
    await page.goto(`${stack.apiUrl}/console/audit`);
    const shown = await page.locator('tbody').textContent();
    for (const action of ['hold.reclear', 'paid_mismatch.accept', 'operation.query', 'partner_report.resend'])
      expect(shown).toContain(action);
    await page.context().close();
  }, 60_000);

  it('pages the queue by keyset, and shows a viewer on a tablet no action; the API refuses the viewer', async () => {
    // 60 open items of one kind: two pages of 50.
    await stack.db.dataSource.query(
      `INSERT INTO operator_items (kind, reference, state, details)
       SELECT 'late_outcome', 'PAGED-' || lpad(g::text, 3, '0'), 'open', '{}' FROM generate_series(1, 60) g`,
    );
    const page = await signedIn('vera', 768);
    await page.goto(`${stack.apiUrl}/console/exceptions?kind=late_outcome`);
    const first = await page.locator('tbody code').allTextContents();
    expect(first).toHaveLength(50);
    await page.getByRole('link', { name: '下一頁' }).click();
    const second = await page.locator('tbody code').allTextContents();
    expect(second).toHaveLength(10);
    expect(new Set([...first, ...second]).size).toBe(60);
    await expect(page.getByRole('link', { name: '下一頁' }).count()).resolves.toBe(0);
    // The API pages the same way.
    const api = await page.request.get(`${stack.apiUrl}/console/api/exceptions?kind=late_outcome&limit=50`);
    const body = (await api.json()) as { data: { reference: string }[]; next: string };
    expect(body.data.map((r) => r.reference)).toEqual(first);
    const rest = await page.request.get(
      `${stack.apiUrl}/console/api/exceptions?kind=late_outcome&after=${encodeURIComponent(body.next)}`,
    );
    expect(((await rest.json()) as { data: { reference: string }[] }).data.map((r) => r.reference)).toEqual(
      second,
    );
    // A cursor we did not make is a 400 naming it, never a failed cast (500).
    for (const after of [
      'nonsense',
      '2026-02-30T00:00:00.000000Z_0190a1b2-0000-7000-8000-000000000000',
      '2026-02-01T00:00:00.000000Z_not-a-uuid',
      `${body.next.slice(0, -1)}'`,
    ]) {
      const bad = await page.request.get(
        `${stack.apiUrl}/console/api/exceptions?after=${encodeURIComponent(after)}`,
      );
      expect(bad.status()).toBe(400);
      expect(await bad.json()).toMatchObject({ error: { code: 'BODY_INVALID', field: 'after' } });
    }
    // The page shows the first page for a cursor it cannot read.
    await page.goto(`${stack.apiUrl}/console/exceptions?kind=late_outcome&after=2026-02-30T00:00:00Z_x`);
    await expect(page.locator('tbody code').allTextContents()).resolves.toEqual(first);

    for (const kind of ['', '?kind=outcome_unknown', '?kind=partner_report_flagged', '?kind=paid_mismatch']) {
      await page.goto(`${stack.apiUrl}/console/exceptions${kind}`);
      await expect(page.locator('button[data-action]').count()).resolves.toBe(0);
    }
    await page.screenshot({ path: path.join(SHOTS, 'console-exceptions-tablet.png'), fullPage: true });
    const csrf = (await page.locator('meta[name="csrf-token"]').getAttribute('content')) ?? '';
    const refused = await page.request.post(
      `${stack.apiUrl}/console/api/operations/00000000-0000-4000-8000-000000000000/query`,
      { headers: { origin: stack.apiUrl, 'x-csrf-token': csrf }, data: { note: 'a viewer tries' } },
    );
    expect(refused.status()).toBe(403);
    await page.context().close();

    // Signed out: the page goes to sign-in, the API answers 401.
    const context = await browser.newContext();
    const anonymous = await context.newPage();
    await anonymous.goto(`${stack.apiUrl}/console/exceptions?kind=outcome_unknown`);
    expect(new URL(anonymous.url()).pathname).toBe('/console/sign-in');
    expect((await anonymous.request.get(`${stack.apiUrl}/console/api/exceptions`)).status()).toBe(401);
    await context.close();
  }, 60_000);
});
