import type { Page } from 'playwright-core';

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
