import type { Page } from 'playwright-core';
import { operatorsCli } from './console-http';

/** Opens a one-time sign-in link in the browser and presses its page's button, as a person does. */
export async function openLoginLink(page: Page, link: string): Promise<void> {
  await page.goto(link);
  await page.locator('form[action^="/console/login/"] button').click();
  await page.waitForURL((url) => url.pathname === '/console');
}

/** Signs in on the sign-in page with a name and password (zh-TW labels, the default language). */
export async function signInWithPassword(
  page: Page,
  apiUrl: string,
  name: string,
  password: string,
): Promise<void> {
  await page.goto(`${apiUrl}/console/sign-in`);
  await page.getByLabel('帳號').fill(name);
  await page.getByLabel('密碼').fill(password);
  await page.getByRole('button', { name: '登入' }).click();
  await page.waitForURL(`${apiUrl}/console`);
}

/** Signs in as `name` through a one-time link made by `npm run operators -- login-link`, as a person does. */
export async function signInByCliLink(
  page: Page,
  stack: { apiUrl: string; databaseUrl: string },
  name: string,
): Promise<void> {
  const made = await operatorsCli(
    { DATABASE_URL: stack.databaseUrl, LOG_LEVEL: 'silent', API_PUBLIC_URL: stack.apiUrl },
    ['login-link', '--name', name],
  );
  if (made.code !== 0) throw new Error(`login-link --name ${name} exited ${made.code}: ${made.err}`);
  await openLoginLink(page, made.out.trim());
}
