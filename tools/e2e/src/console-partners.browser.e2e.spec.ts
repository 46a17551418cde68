import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { hashApiKey, OperatorAccounts, SAMPLE_PARTNER } from '@tixclear/db';
import { type Browser, chromium, type Page } from 'playwright-core';
import { chromiumPath } from './console-pages-chromium';
import { stackForSuite } from './suite';
import { signInByCliLink } from './console-browser';

/*
 * The partners pages in a real Chromium: the list and a partner's page show what the database holds (points,
 * fee schedules, keys, the gateway's expiry notice); an admin issues, rotates and revokes an API key from the
 * page (the secret shown once, gone after a reload, working on /v1, audited without it); a viewer sees no
 * action and is refused by the API; a signed-out browser is sent to sign in. Screenshots go to tmp/.
 */

const PASSWORD = 'a long enough password';
const CLI = { actor: 'spec', actorRole: null };
const SHOTS = path.resolve(import.meta.dirname, '../../../tmp');
const UID = SAMPLE_PARTNER.partnerUid;

describe('console partners pages in a browser', () => {
  const stack = stackForSuite();
  let browser: Browser;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
    mkdirSync(SHOTS, { recursive: true });
    const accounts = new OperatorAccounts(stack.db.dataSource);
    await accounts.add({ name: 'ada', role: 'admin', password: null }, CLI);
    await accounts.add({ name: 'vera', role: 'viewer', password: PASSWORD }, CLI);
    await stack.registry.setPoint(UID, {
      kind: 'dealer',
      pointRef: 'D-7',
      name: '信義門市',
      payoutAccount: null,
    });
    // A second fee schedule: the first held until the day before it.
    await stack.registry.addFeeSchedule({
      issuerId: SAMPLE_PARTNER.issuerId,
      effectiveFrom: '2026-07-01',
      escrowRate: '0.018',
      gatewayRate: '0.012',
      issuanceFee: 2,
      issuanceLayer: 2,
    });
    // The inbound merchant key ends in 19½ days: the gateway's 20-day notice, no successor yet.
    await stack.db.dataSource.query(
      `UPDATE partner_keys k SET valid_until = now() + interval '19 days 12 hours'
         FROM partners p WHERE p.id = k.partner_id AND p.partner_uid = $1 AND k.purpose = 'inbound'`,
      [UID],
    );
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  const signInByLink = (page: Page, name: string) =>
    signInByCliLink(page, { apiUrl: stack.apiUrl, databaseUrl: stack.db.url }, name);
  const v1 = async (key: string) =>
    (
      await fetch(`${stack.apiUrl}/v1/payments/NO-SUCH-ORDER`, {
        headers: { authorization: `Bearer ${key}` },
      })
    ).status;
  const confirm = async (page: Page) => {
    await page.locator('#admin-confirm-ok').click();
  };

  it('shows the partners and a partner as the database holds them, with the 20-day key notice', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signInByLink(page, 'ada');
    await page.getByRole('link', { name: '特約商' }).click();
    await page.waitForURL(`${stack.apiUrl}/console/partners`);
    const row = page.locator(`tr[data-partner="${UID}"]`);
    const [db] = await stack.db.dataSource.query<{ points: string }[]>(
      `SELECT count(*)::text AS points FROM partner_points pp JOIN partners p ON p.id = pp.partner_id
        WHERE p.partner_uid = $1`,
      [UID],
    );
    await expect(row.locator('[data-figure="points"]').textContent()).resolves.toBe(db!.points);
    await expect(row.locator('.key-notice').getAttribute('data-window')).resolves.toBe('20');
    await page.screenshot({ path: path.join(SHOTS, 'console-partners.png'), fullPage: true });

    await row.getByRole('link', { name: UID }).click();
    await page.waitForURL(`${stack.apiUrl}/console/partners/${UID}`);
    await expect(page.locator('tr[data-point="dealer:D-7"]').textContent()).resolves.toContain('信義門市');
    // The schedule history: the new one in force, the old one held until the day before.
    await expect(page.locator('tr.in-force').getAttribute('data-schedule')).resolves.toBe('2026-07-01');
    await expect(page.locator('tr[data-schedule="2020-01-01"] td').nth(1).textContent()).resolves.toBe(
      '2026-06-30',
    );
    const inbound = page.locator('tr[data-merchant-key^="inbound:"]');
    await expect(inbound.locator('.key-notice.urgent').getAttribute('data-window')).resolves.toBe('20');
    await expect(page.content()).resolves.not.toContain(SAMPLE_PARTNER.key);
    await context.close();
  });

  it('issues, rotates and revokes an API key from the page: the secret shown once, audited without it', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signInByLink(page, 'ada');
    await page.goto(`${stack.apiUrl}/console/partners/${UID}`);
    await page.getByRole('button', { name: '發行新金鑰' }).click();
    await confirm(page);
    await page.locator('#revealed').waitFor({ state: 'visible' });
    const secret = (await page.locator('#revealed-value').textContent()) ?? '';
    expect(secret).toMatch(/^tix_/);
    expect(await v1(secret)).toBe(404);
    const [stored] = await stack.db.dataSource.query<{ id: string; key_hash: string }[]>(
      'SELECT id, key_hash FROM partner_api_keys',
    );
    expect(stored?.key_hash).toBe(hashApiKey(secret));
    await page.screenshot({ path: path.join(SHOTS, 'console-partner-key-issued.png'), fullPage: true });
    // Never again: not after a reload, not in the audit.
    await page.reload();
    await expect(page.content()).resolves.not.toContain(secret);
    const key = page.locator(`tr[data-api-key="${stored!.id}"]`);
    await expect(key.getAttribute('data-state')).resolves.toBe('active');

    // Rotate with no overlap: the old key is refused at once, the new one (revealed) works.
    await key.getByLabel('舊金鑰保留（小時）').fill('0');
    await key.getByRole('button', { name: '輪替' }).click();
    await confirm(page);
    await page.locator('#revealed').waitFor({ state: 'visible' });
    const successor = (await page.locator('#revealed-value').textContent()) ?? '';
    expect(successor).not.toBe(secret);
    expect(await v1(successor)).toBe(404);
    expect(await v1(secret)).toBe(401);

    await page.reload();
    const live = page.locator('tr[data-api-key][data-state="active"]');
    await expect(live.count()).resolves.toBe(1);
    await live.getByRole('button', { name: '撤銷' }).click();
    // Done, the page reloads to show the key's new state.
    const reloaded = page.waitForEvent('load');
    await confirm(page);
    await reloaded;
    await expect(page.locator('tr[data-api-key][data-state="active"]').count()).resolves.toBe(0);
    expect(await v1(successor)).toBe(401);
    await page.screenshot({ path: path.join(SHOTS, 'console-partner.png'), fullPage: true });

    const audit = await stack.db.dataSource.query<{ action: string; actor: string; outcome: string }[]>(
      `SELECT action, actor, result AS outcome FROM operator_audit WHERE target = $1 ORDER BY id`,
      [`partner:${UID}`],
    );
    expect(audit).toEqual([
      { action: 'partner.api_key_issue', actor: 'ada', outcome: 'ok' },
      { action: 'partner.api_key_rotate', actor: 'ada', outcome: 'ok' },
      { action: 'partner.api_key_revoke', actor: 'ada', outcome: 'ok' },
    ]);
    const all = JSON.stringify(await stack.db.dataSource.query('SELECT * FROM operator_audit'));
    expect(all).not.toContain(secret);
    expect(all).not.toContain(successor);
    await page.getByRole('link', { name: '稽核紀錄' }).click();
    await expect(page.locator('tbody tr').first().textContent()).resolves.toContain('partner.api_key_revoke');
    await context.close();
  });

  it('shows a viewer no key action on a tablet, and the API refuses the viewer (403)', async () => {
    const context = await browser.newContext({ viewport: { width: 768, height: 1024 } });
    const page = await context.newPage();
    await page.goto(`${stack.apiUrl}/console/partners`);
    await page.getByLabel('帳號').fill('vera');
    await page.getByLabel('密碼').fill(PASSWORD);
    await page.getByRole('button', { name: '登入' }).click();
    await page.waitForURL(`${stack.apiUrl}/console`);
    await page.goto(`${stack.apiUrl}/console/partners/${UID}`);
    await expect(page.locator('form[data-call]').count()).resolves.toBe(0);
    await expect(page.locator('tr[data-api-key]').count()).resolves.toBe(2);
    await page.screenshot({ path: path.join(SHOTS, 'console-partner-tablet.png'), fullPage: true });
    const csrf = await page.locator('meta[name="csrf-token"]').getAttribute('content');
    const refused = await page.request.post(`${stack.apiUrl}/console/api/partners/${UID}/api-keys`, {
      headers: { origin: stack.apiUrl, 'x-csrf-token': csrf ?? '' },
    });
    expect(refused.status()).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'ROLE_FORBIDDEN' } });
    await context.close();
  });

  it('sends a signed-out browser to sign in, and the API answers 401', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    for (const at of ['/console/partners', `/console/partners/${UID}`]) {
      await page.goto(`${stack.apiUrl}${at}`);
      expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    }
    expect((await page.request.get(`${stack.apiUrl}/console/api/partners`)).status()).toBe(401);
    await context.close();
  });
});
