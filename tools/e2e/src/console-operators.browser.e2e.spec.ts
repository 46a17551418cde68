import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { OperatorAccounts } from '@tixclear/db';
import { type Browser, chromium, type Page } from 'playwright-core';
import { chromiumPath } from './console-pages-chromium';
import { stackForSuite } from './suite';
import { openLoginLink, signInByCliLink } from './console-browser';

/*
 * The operators page in a real Chromium: an admin adds an operator (no password typed: the one-time link is
 * shown once), the new operator signs in by it and sets their own password on the same page, the admin changes
 * the role and disables and enables the account, and is refused disabling themselves as the last admin; each
 * action in the audit trail. A non-admin sees only their own account and is refused the admin routes.
 */

const CLI = { actor: 'spec', actorRole: null };
const SHOTS = path.resolve(import.meta.dirname, '../../../tmp');
const OLGA_PASSWORD = 'olga’s own long password';

describe('console operators page in a browser', () => {
  const stack = stackForSuite();
  let browser: Browser;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
    mkdirSync(SHOTS, { recursive: true });
    await new OperatorAccounts(stack.db.dataSource).add({ name: 'ada', role: 'admin', password: null }, CLI);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  const signInByLink = (page: Page, name: string) =>
    signInByCliLink(page, { apiUrl: stack.apiUrl, databaseUrl: stack.db.url }, name);
  const operator = async (name: string) =>
    (
      await stack.db.dataSource.query<{ role: string; disabled: boolean; has_password: boolean }[]>(
        `SELECT role, disabled_at IS NOT NULL AS disabled, password_hash IS NOT NULL AS has_password
           FROM operators WHERE name = $1`,
        [name],
      )
    )[0];
  /** Confirms the open dialog and waits for the reload that shows the new state. */
  const confirmAndReload = async (page: Page) => {
    const reloaded = page.waitForEvent('load');
    await page.locator('#admin-confirm-ok').click();
    await reloaded;
  };

  it('adds an operator with a link shown once; they sign in by it and set their own password', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signInByLink(page, 'ada');
    await page.getByRole('link', { name: '操作人員' }).click();
    await page.waitForURL(`${stack.apiUrl}/console/operators`);
    const add = page.locator('form[data-call="/console/api/operators"]');
    await add.getByLabel('帳號').fill('olga');
    await add.getByLabel('角色').selectOption('operator');
    await add.getByRole('button', { name: '新增' }).click();
    await page.locator('#admin-confirm-ok').click();
    await page.locator('#revealed').waitFor({ state: 'visible' });
    const link = (await page.locator('#revealed-value').textContent()) ?? '';
    expect(link).toMatch(new RegExp(`^${stack.apiUrl}/console/login/[A-Za-z0-9_-]{43}$`));
    expect(await operator('olga')).toEqual({ role: 'operator', disabled: false, has_password: false });
    await page.screenshot({ path: path.join(SHOTS, 'console-operators-added.png'), fullPage: true });
    await page.reload();
    await expect(page.content()).resolves.not.toContain(link);

    const olgaContext = await browser.newContext({ viewport: { width: 768, height: 1024 } });
    const olga = await olgaContext.newPage();
    await openLoginLink(olga, link);
    await olga.goto(`${stack.apiUrl}/console/operators`);
    // Not an admin: her own account only, and no current password asked before the first.
    await expect(olga.locator('table.operators').count()).resolves.toBe(0);
    await expect(olga.locator('input[name="current_password"]').count()).resolves.toBe(0);
    await olga.screenshot({ path: path.join(SHOTS, 'console-operators-own-tablet.png'), fullPage: true });
    await olga.getByLabel('新密碼（12–256 字元）').fill(OLGA_PASSWORD);
    await olga.getByRole('button', { name: '設定密碼' }).click();
    await olga.locator('#admin-confirm-ok').click();
    await olga.waitForURL(`${stack.apiUrl}/console/sign-in`);
    await olga.getByLabel('帳號').fill('olga');
    await olga.getByLabel('密碼').fill(OLGA_PASSWORD);
    await olga.getByRole('button', { name: '登入' }).click();
    await olga.waitForURL(`${stack.apiUrl}/console`);
    expect((await operator('olga'))?.has_password).toBe(true);
    // An operator is refused the admin routes.
    const csrf = await olga.locator('meta[name="csrf-token"]').getAttribute('content');
    const refused = await olga.request.post(`${stack.apiUrl}/console/api/operators`, {
      headers: { origin: stack.apiUrl, 'x-csrf-token': csrf ?? '' },
      data: { name: 'mallory', role: 'admin' },
    });
    expect(refused.status()).toBe(403);
    await olgaContext.close();
    await context.close();
  });

  it('changes a role, disables and enables from the page, and refuses to leave no admin; all audited', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signInByLink(page, 'ada');
    await page.goto(`${stack.apiUrl}/console/operators`);
    const row = () => page.locator('tr[data-operator="olga"]');
    await row().locator('select[name="role"]').selectOption('finance');
    await row().getByRole('button', { name: '變更角色' }).click();
    await confirmAndReload(page);
    await expect(row().getAttribute('data-role')).resolves.toBe('finance');
    await row().getByRole('button', { name: '停用' }).click();
    await confirmAndReload(page);
    await expect(row().getAttribute('data-state')).resolves.toBe('disabled');
    expect(await operator('olga')).toMatchObject({ role: 'finance', disabled: true });
    await row().getByRole('button', { name: '啟用' }).click();
    await confirmAndReload(page);
    await expect(row().getAttribute('data-state')).resolves.toBe('enabled');

    // The last enabled admin, disabling herself: refused, said on the page, nothing changed.
    const self = page.locator('tr[data-operator="ada"]');
    await self.getByRole('button', { name: '停用' }).click();
    await page.locator('#admin-confirm-ok').click();
    await page.locator('#result.failed').waitFor();
    await expect(page.locator('#result').textContent()).resolves.toContain('OPERATOR_LAST_ADMIN');
    expect(await operator('ada')).toMatchObject({ role: 'admin', disabled: false });
    await page.screenshot({ path: path.join(SHOTS, 'console-operators.png'), fullPage: true });

    const audit = await stack.db.dataSource.query<{ action: string; target: string; outcome: string }[]>(
      `SELECT action, target, result AS outcome FROM operator_audit
        WHERE actor = 'ada' AND action LIKE 'operator.%' ORDER BY id`,
    );
    expect(audit).toEqual([
      { action: 'operator.add', target: 'olga', outcome: 'ok' },
      { action: 'operator.login_link', target: 'olga', outcome: 'ok' },
      { action: 'operator.set_role', target: 'olga', outcome: 'ok' },
      { action: 'operator.disable', target: 'olga', outcome: 'ok' },
      { action: 'operator.enable', target: 'olga', outcome: 'ok' },
      { action: 'operator.disable', target: 'ada', outcome: 'OPERATOR_LAST_ADMIN' },
    ]);
    await context.close();
  });

  it('sends a signed-out browser to sign in', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${stack.apiUrl}/console/operators`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    expect((await page.request.get(`${stack.apiUrl}/console/api/operators`)).status()).toBe(401);
    await context.close();
  });
});
