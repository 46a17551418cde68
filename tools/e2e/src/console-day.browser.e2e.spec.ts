import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { taiwanBusinessDate } from '@tixclear/domain';
import { OperatorAccounts, PartnerEntity, SAMPLE_PARTNER, VoucherEntity } from '@tixclear/db';
import { gatewayPort } from '@tixclear/operations';
import { createSettlement } from '@tixclear/settlement';
import { type Browser, chromium } from 'playwright-core';
// The specs' own CSV reader (independent of the export's writer; not part of the library's API): a second copy
// would drift.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { parseCsv } from '../../../libs/settlement/src/exports/testing/read-back';
import { chromiumPath } from './console-pages-chromium';
import { purchaseRequest, redeemRequest, refundRequest, uniqueId } from './requests';
import { eventually } from './stack';
import { stackForSuite } from './suite';
import { signInWithPassword } from './console-browser';

/*
 * The day page of a seeded demo day (as `npm start`'s: purchases paid on the simulator's page, online and offline
 * redemptions, a refund, the night's settlement with its pay-off, all through our API and the simulator) in a
 * real Chromium: every figure shown equals
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
    const { dataSource } = stack.db;
    const exportRoot = mkdtempSync(path.join(tmpdir(), 'tixclear-console-day-'));
    await dataSource
      .getRepository(PartnerEntity)
      .update({ partnerUid: SAMPLE_PARTNER.partnerUid }, { headquartersPayoutAccount: 'hq-account' });
    // Three purchases of 8 vouchers (one a gift), paid on the simulator's page.
    const purchases = [
      purchaseRequest({ amount: 3 }),
      purchaseRequest({ amount: 2, gifts: 1 }),
      purchaseRequest({ amount: 2 }),
    ] as const;
    for (const purchase of purchases) {
      const answer = await stack.call('voucherservicepurchase', purchase.request);
      await fetch(String(answer.body.url), { method: 'POST' });
    }
    await eventually(async () =>
      (await dataSource.getRepository(VoucherEntity).countBy({ state: 'issued' })) === 8 ? true : undefined,
    );
    const [first, second, third] = purchases;
    // Online redemptions of 5 (one a gift), one offline at the till, a refund of one unused voucher.
    for (const serials of [first.serials, [second.serials[0]!, second.giftSerials[0]!]])
      expect((await stack.call('vouchertransaction', redeemRequest(serials))).body.code).toBe('250');
    const token = stack.sim.state.vouchers.find((v) => v.customSerialNo === third.serials[0])?.payToken;
    const till = await stack.call('voucheroffline', {
      order_id: uniqueId('POS'),
      pay_token: token,
      reimbursement_from_type: 1,
      reimbursement_store_uid: SAMPLE_PARTNER.partnerUid,
    });
    expect(till.body).toMatchObject({ content: { code: '250' } });
    expect((await stack.call('voucherrefund', refundRequest([third.serials[1]!]))).body.code).toBe('230');
    // The night's settlement, its pay-off approved on the simulator, to its export.
    const date = taiwanBusinessDate(new Date());
    const settlement = createSettlement({
      dataSource,
      registry: stack.registry,
      gateway: gatewayPort({ baseUrl: stack.sim.baseUrl }),
      exportRoot,
      payouts: { coveringBackoffMs: 0 },
    });
    const waiting = await settlement.runner.run(date, date, { payoutWaitMs: 0 });
    if (waiting === 'busy') throw new Error('busy');
    const [batch] = await dataSource.query<{ group_id: string }[]>(
      `SELECT group_id FROM payout_batches WHERE run_id = $1`,
      [waiting.run.id],
    );
    stack.sim.control.approveBatch(batch!.group_id);
    const done = await settlement.runner.run(date, date, { payoutPollMs: 100, payoutWaitMs: 10_000 });
    expect(done !== 'busy' && done.status).toBe('completed');
    const day = { date };
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
      await signInWithPassword(page, stack.apiUrl, 'fiona', PASSWORD);
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
