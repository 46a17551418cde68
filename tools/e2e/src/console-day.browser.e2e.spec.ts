import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OperatorAccounts } from '@tixclear/db';
import { type Browser, chromium } from 'playwright-core';
// The specs' own CSV reader (independent of the export's writer; not part of the library's API), and the demo
// day `npm start` plays (tools/demo is no library with an alias): second copies of them would drift.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { parseCsv } from '../../../libs/settlement/src/exports/testing/read-back';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { playDemoDay } from '../../demo/demo-day';
import { chromiumPath } from './console-pages-chromium';
import { stackForSuite } from './suite';

/*
 * The day page of a seeded demo day (`npm start`'s: purchases paid on the simulator's page, online and offline
 * redemptions, a refund, the night's settlement with its pay-off) in a real Chromium: every figure shown equals
 * the finance export the settlement wrote for that day (the sales, redemptions and refunds registers, CSV),
 * read back with the specs' own CSV reader.
 */

const PASSWORD = 'a long enough password';
const SHOTS = path.resolve(import.meta.dirname, '../../../tmp');

/** Every file under a directory, by its name (the export's run directories nest). */
function filesUnder(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) found.set(entry.name, path.join(entry.parentPath, entry.name));
  return found;
}

/** A register CSV as records keyed by its header. */
function register(file: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  return rows.map((row) => Object.fromEntries(header!.map((name, i) => [name, row[i] ?? ''])));
}

const grouped = (value: bigint) => value.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const sum = (rows: Record<string, string>[], column: string) =>
  rows.reduce((total, row) => total + BigInt(row[column] || '0'), 0n);

describe('the day page of a demo day, in a browser, against its finance export', () => {
  const stack = stackForSuite();
  let browser: Browser;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
    mkdirSync(SHOTS, { recursive: true });
    await new OperatorAccounts(stack.db.dataSource).add(
      { name: 'fiona', role: 'finance', password: PASSWORD },
      { actor: 'spec', actorRole: null },
    );
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('shows the vouchers sold, redeemed online and offline, refunded, the gross, each fee and share as exported', async () => {
    const exportRoot = mkdtempSync(path.join(tmpdir(), 'tixclear-console-day-'));
    const day = await playDemoDay({
      dataSource: stack.db.dataSource,
      registry: stack.registry,
      apiUrl: stack.apiUrl,
      simulatorUrl: stack.sim.url,
      exportRoot,
      say: () => undefined,
    });
    const files = filesUnder(exportRoot);
    const sales = register(files.get('register-sales.csv')!).filter((r) => r.sale_date === day.date);
    const refunds = register(files.get('register-refunds.csv')!).filter((r) => r.refund_date === day.date);
    const redeemed = register(files.get('register-redemptions.csv')!).filter(
      (r) => r.redemption_date === day.date,
    );
    // The demo day: 8 vouchers sold (one a gift), 6 redeemed (one offline), 1 refunded, all cleared.
    expect([sales.length, redeemed.length, refunds.length]).toEqual([8, 6, 1]);
    // Online or offline: the command of the redemption each register row names by its order.
    const commands = await stack.db.dataSource.query<{ order_id: string; command: string }[]>(
      `SELECT order_id, command FROM operations WHERE order_id = ANY($1)`,
      [redeemed.map((r) => r.order_id)],
    );
    const offlineOrders = new Set(
      commands.filter((c) => c.command === 'voucheroffline').map((c) => c.order_id),
    );
    const offline = redeemed.filter((r) => offlineOrders.has(r.order_id ?? '')).length;
    expect(offline).toBe(1);
    const expected = {
      vouchers_sold: grouped(BigInt(sales.length)),
      redeemed_online: grouped(BigInt(redeemed.length - offline)),
      redeemed_offline: grouped(BigInt(offline)),
      vouchers_refunded: grouped(BigInt(refunds.length)),
      vouchers_cleared: grouped(BigInt(redeemed.length)),
      gross: `NT$${grouped(sum(redeemed, 'value'))}`,
      escrow: `NT$${grouped(sum(redeemed, 'escrow_fee'))}`,
      gateway: `NT$${grouped(sum(redeemed, 'gateway_fee'))}`,
      issuance: `NT$${grouped(sum(redeemed, 'issuance_fee'))}`,
      headquarters: `NT$${grouped(sum(redeemed, 'headquarters'))}`,
      sales: `NT$${grouped(sum(redeemed, 'sales'))}`,
      reimbursement: `NT$${grouped(sum(redeemed, 'reimbursement'))}`,
    };
    // Every paid voucher's split sums to its value (a gift clears at zero).
    const paid = redeemed.filter((r) => r.paid === 'paid');
    expect(paid.length).toBeGreaterThan(0);
    expect(sum(paid, 'value')).toBe(
      ['escrow_fee', 'gateway_fee', 'issuance_fee', 'headquarters', 'sales', 'reimbursement'].reduce(
        (total, column) => total + sum(paid, column),
        0n,
      ),
    );
    expect(sum(redeemed, 'value')).toBeGreaterThan(0n);

    for (const width of [1280, 768]) {
      const context = await browser.newContext({ viewport: { width, height: width === 1280 ? 800 : 1024 } });
      const page = await context.newPage();
      await page.goto(`${stack.apiUrl}/console/sign-in`);
      await page.getByLabel('帳號').fill('fiona');
      await page.getByLabel('密碼').fill(PASSWORD);
      await page.getByRole('button', { name: '登入' }).click();
      await page.waitForURL(`${stack.apiUrl}/console`);
      await page.goto(`${stack.apiUrl}/console?date=${day.date}`);
      const shown = await page
        .locator('[data-figure]')
        .evaluateAll((cells: { getAttribute(name: string): string | null; textContent: string | null }[]) =>
          Object.fromEntries(
            cells.map((c): [string, string | null] => [c.getAttribute('data-figure') ?? '', c.textContent]),
          ),
        );
      expect(shown).toEqual(expected);
      await page.locator('#chart canvas').waitFor();
      await page.screenshot({
        path: path.join(SHOTS, width === 1280 ? 'console-day.png' : 'console-day-tablet.png'),
        fullPage: true,
      });
      // The operator API answers the same figures.
      const api = await page.request.get(`${stack.apiUrl}/console/api/days/${day.date}`);
      expect(await api.json()).toMatchObject({
        data: {
          vouchers_sold: String(sales.length),
          redeemed_offline: String(offline),
          vouchers_refunded: String(refunds.length),
          gross: String(sum(redeemed, 'value')),
        },
      });
      await context.close();
    }
  }, 180_000);
});
