import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { OperatorAccounts, SAMPLE_FEE_SCHEDULE, SAMPLE_PARTNER } from '@tixclear/db';
import { FeeScheduleBook } from '@tixclear/fee-engine';
import { clearAll, Clearing, pointParty, writeSyntheticDay } from '@tixclear/settlement';
import { type Browser, chromium, type Page } from 'playwright-core';
import { chromiumPath } from './console-pages-chromium';
import { operatorsCli } from './console-http';
import { stackForSuite } from './suite';
import { openLoginLink } from './console-browser';

/*
 * The console's pages in a real Chromium (Debian's, driven by playwright-core; missing, the spec fails saying
 * how to install it): sign-in by link and by password, a day's figures equal to its clearings' sums, an
 * exception action run from its page and audited, a viewer who sees no action and whose call is refused, and a
 * signed-out browser refused. Screenshots of the pages go to tmp/.
 */

const PASSWORD = 'a long enough password';
const DAY = '2026-09-16';
const CLI = { actor: 'spec', actorRole: null };
const SHOTS = path.resolve(import.meta.dirname, '../../../tmp');
const ntd = (amount: string) => `NT$${BigInt(amount).toLocaleString('en-US')}`;

describe('console pages in a browser', () => {
  const stack = stackForSuite();
  let browser: Browser;
  let heldLine: string;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
    mkdirSync(SHOTS, { recursive: true });
    const accounts = new OperatorAccounts(stack.db.dataSource);
    await accounts.add({ name: 'fiona', role: 'finance', password: PASSWORD }, CLI);
    await accounts.add({ name: 'vera', role: 'viewer', password: PASSWORD }, CLI);
    // A day of 6 redemptions: 5 cleared, 1 held (its redemption point has no payout account).
    const partnerId = (await stack.registry.findByUid(SAMPLE_PARTNER.partnerUid))!.id;
    await writeSyntheticDay(stack.db.dataSource, {
      partnerId,
      businessDate: DAY,
      vouchers: 6,
      prefix: 'PGS',
    });
    await stack.db.dataSource.query(
      `UPDATE redemption_lines SET redemption_point = 'store:990' WHERE serial_number = 'PGS1'`,
    );
    const [run] = await stack.db.dataSource.query<[{ id: string }]>(
      `INSERT INTO settlement_runs (period_start, period_end, state, summary) VALUES ($1, $1, 'clearing', '{}') RETURNING id`,
      [DAY],
    );
    const payees = new Map([
      [pointParty(SAMPLE_PARTNER.partnerUid, `store:${SAMPLE_PARTNER.partnerUid}`), 'payee-1'],
    ]);
    const clearing = new Clearing(stack.db.dataSource, new FeeScheduleBook([SAMPLE_FEE_SCHEDULE]), payees);
    const cleared = await clearAll(clearing, run.id, DAY, { chunkSize: 10 });
    expect(cleared.held).toBe(1);
    expect(cleared.cleared).toBeGreaterThan(0);
    const [line] = await stack.db.dataSource.query<{ id: string }[]>(
      `SELECT id FROM redemption_lines WHERE serial_number = 'PGS1'`,
    );
    heldLine = line!.id;
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
  });

  async function signInWithPassword(page: Page, name: string): Promise<void> {
    await page.goto(`${stack.apiUrl}/console`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    await page.getByLabel('帳號').fill(name);
    await page.getByLabel('密碼').fill(PASSWORD);
    await page.getByRole('button', { name: '登入' }).click();
    await page.waitForURL(`${stack.apiUrl}/console`);
  }

  it('signs in with a one-time link and shows the day as its clearings sum it, in NT$, with the 90-day chart', async () => {
    const made = await operatorsCli(
      { DATABASE_URL: stack.db.url, LOG_LEVEL: 'silent', API_PUBLIC_URL: stack.apiUrl },
      ['login-link', '--name', 'fiona'],
    );
    expect(made.code).toBe(0);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await openLoginLink(page, made.out.trim());
    await expect(page.locator('#who').textContent()).resolves.toBe('fiona');

    await page.goto(`${stack.apiUrl}/console?date=${DAY}`);
    const [sums] = await stack.db.dataSource.query<Record<string, string>[]>(
      `SELECT count(*)::text AS vouchers_cleared, sum(cost)::text AS gross, sum(escrow_fee)::text AS escrow,
              sum(gateway_fee)::text AS gateway, sum(issuance_fee)::text AS issuance,
              sum(headquarters)::text AS headquarters, sum(sales)::text AS sales,
              sum(reimbursement)::text AS reimbursement
         FROM clearings WHERE business_date = $1`,
      [DAY],
    );
    const shown = await page
      .locator('[data-figure]')
      .evaluateAll((cells: { getAttribute(name: string): string | null; textContent: string | null }[]) =>
        Object.fromEntries(
          cells.map((c): [string, string | null] => [c.getAttribute('data-figure') ?? '', c.textContent]),
        ),
      );
    const { vouchers_cleared, ...money } = sums!;
    // The day's 6 redemptions were online; nothing of it was posted as a sale or refund (no posting step ran).
    expect(shown).toEqual({
      vouchers_sold: '0',
      redeemed_online: '6',
      redeemed_offline: '0',
      vouchers_refunded: '0',
      vouchers_cleared,
      ...Object.fromEntries(Object.entries(money).map(([k, v]) => [k, ntd(v)])),
    });
    expect(Number(sums!.gross)).toBe(
      Number(sums!.headquarters) +
        Number(sums!.sales) +
        Number(sums!.reimbursement) +
        Number(sums!.escrow) +
        Number(sums!.gateway) +
        Number(sums!.issuance),
    );
    // The operator API's read route answers the same figures; the chart is drawn from its 90-day series.
    const api = await page.request.get(`${stack.apiUrl}/console/api/days/${DAY}`);
    expect(api.status()).toBe(200);
    expect(((await api.json()) as { data: { gross: string } }).data.gross).toBe(sums!.gross);
    const series = await page.request.get(`${stack.apiUrl}/console/api/days/${DAY}/series`);
    const points = ((await series.json()) as { data: { date: string; gross: string }[] }).data;
    expect(points).toHaveLength(90);
    expect(points.at(-1)).toMatchObject({ date: DAY, gross: sums!.gross });
    await page.locator('#chart canvas').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'console-day-synthetic.png'), fullPage: true });
    expect((await page.request.get(`${stack.apiUrl}/console/api/days/2026-02-30`)).status()).toBe(400);

    // English on request, remembered by its cookie.
    await page.goto(`${stack.apiUrl}/console?date=${DAY}&lang=en`);
    await expect(page.locator('h1').textContent()).resolves.toBe(`Day ${DAY}`);
    await page.goto(`${stack.apiUrl}/console?date=${DAY}`);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await context.close();
  });

  it('runs an exception action from its page (confirm, note, CSRF), shows the result, and audits it', async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const page = await context.newPage();
    await signInWithPassword(page, 'fiona');
    await page.goto(`${stack.apiUrl}/console/exceptions`);
    const row = page.locator('tr', { has: page.locator('code', { hasText: heldLine }) });
    await page.screenshot({ path: path.join(SHOTS, 'console-exceptions-holds.png'), fullPage: true });
    await row.getByRole('button', { name: '於清分外結清' }).click();
    await page.locator('dialog textarea').fill('paid by hand, slip 42');
    await page.locator('#confirm-ok').click();
    await page.locator('#result.ok').waitFor();
    await expect(page.locator('#result').textContent()).resolves.toContain('已完成');
    const audit = await stack.db.dataSource.query<{ actor: string; outcome: string; target: string }[]>(
      `SELECT actor, result AS outcome, target FROM operator_audit WHERE action = 'hold.settle_outside'`,
    );
    expect(audit).toEqual([{ actor: 'fiona', outcome: 'ok', target: heldLine }]);
    const [item] = await stack.db.dataSource.query<{ state: string }[]>(
      `SELECT state FROM operator_items WHERE kind = 'settlement_hold' AND reference = $1`,
      [heldLine],
    );
    expect(item?.state).not.toBe('open');

    await page.getByRole('link', { name: '稽核紀錄' }).click();
    await expect(page.locator('tbody tr').first().textContent()).resolves.toContain('hold.settle_outside');
    await page.screenshot({ path: path.join(SHOTS, 'console-audit.png'), fullPage: true });

    await page.getByRole('button', { name: '登出' }).click();
    await page.waitForURL(`${stack.apiUrl}/console/sign-in`);
    expect((await page.request.get(`${stack.apiUrl}/console/api/me`)).status()).toBe(401);
    await context.close();
  });

  it('shows a viewer no action button, and the API refuses the viewer the action', async () => {
    // A hostile reference (an exception's text comes from outside) renders as text, never as markup.
    const hostile = `<img src=x onerror="document.title='owned'">`;
    await stack.db.dataSource.query(
      `INSERT INTO operator_items (kind, reference, state, details) VALUES ('late_outcome', $1, 'open', '{}')`,
      [hostile],
    );
    // A tablet, held upright.
    const context = await browser.newContext({ viewport: { width: 768, height: 1024 } });
    const page = await context.newPage();
    await signInWithPassword(page, 'vera');
    await page.goto(`${stack.apiUrl}/console/exceptions`);
    await expect(page.locator('button[data-action]').count()).resolves.toBe(0);
    await expect(page.locator('code', { hasText: hostile }).count()).resolves.toBe(1);
    await expect(page.locator('main img').count()).resolves.toBe(0);
    expect(await page.title()).not.toBe('owned');
    await page.screenshot({ path: path.join(SHOTS, 'console-exceptions-viewer-tablet.png'), fullPage: true });
    // Keyboard: the first Tab stops are the navigation's real links.
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement.textContent')).resolves.toBe('每日總覽');
    const csrf = await page.locator('meta[name="csrf-token"]').getAttribute('content');
    const refused = await page.request.post(`${stack.apiUrl}/console/api/holds/${heldLine}/reclear`, {
      headers: { origin: stack.apiUrl, 'x-csrf-token': csrf ?? '' },
      data: { note: 'a viewer tries' },
    });
    expect(refused.status()).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'ROLE_FORBIDDEN' } });
    await context.close();
  });

  it('refuses a signed-out browser: pages go to sign-in, the API answers 401, a wrong password shows an error', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    for (const at of ['/console', '/console/exceptions', '/console/audit']) {
      await page.goto(`${stack.apiUrl}${at}`);
      expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    }
    expect((await page.request.get(`${stack.apiUrl}/console/api/days/${DAY}`)).status()).toBe(401);
    await page.getByLabel('帳號').fill('vera');
    await page.getByLabel('密碼').fill('not the password at all');
    await page.getByRole('button', { name: '登入' }).click();
    await page.locator('#sign-in-error').waitFor({ state: 'visible' });
    await page.screenshot({ path: path.join(SHOTS, 'console-sign-in.png') });
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    await context.close();
  });
});
