import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { taiwanBusinessDate } from '@tixclear/domain';
import { OperatorAccounts, PartnerEntity, SAMPLE_PARTNER, VoucherEntity } from '@tixclear/db';
import { gatewayPort } from '@tixclear/operations';
import { createSettlement, pointParty } from '@tixclear/settlement';
import { type Browser, chromium, type Page } from 'playwright-core';
import { chromiumPath } from './console-pages-chromium';
import { ConsoleClient } from './console-http';
import { purchaseRequest, redeemRequest, refundRequest } from './requests';
import { eventually } from './stack';
import { stackForSuite } from './suite';
import { signInWithPassword } from './console-browser';

/*
 * The ledgers and books pages in a real Chromium, after a day sold, redeemed (online, offline), refunded and
 * settled through the API, the simulator and the settlement run: parties' balances and the trial balance equal
 * the run's exports (ledger-*.csv closings, trial-balance.csv), a party's entries page by page, an entry down to
 * its voucher's split and sale, the trust liability against the vouchers outstanding (a difference shown once
 * a sale is not posted yet), a viewer reads but finds nothing to act on, a signed-out browser is refused.
 */

const PASSWORD = 'a long enough password';
const CLI = { actor: 'spec', actorRole: null };
const SHOTS = path.resolve(import.meta.dirname, '../../../tmp');
const ntd = (amount: bigint | string) => `NT$${BigInt(amount).toLocaleString('en-US')}`;
const HQ = `hq:${SAMPLE_PARTNER.partnerUid}`;
const STORE = pointParty(SAMPLE_PARTNER.partnerUid, `store:${SAMPLE_PARTNER.partnerUid}`);

/** A CSV of the exports as rows of named cells (no quoted commas in these files' cells we read). */
function csv(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(file, 'utf8')
    .replace(/^\uFEFF/, '')
    .trimEnd()
    .split(/\r?\n/);
  const names = header!.split(',');
  return lines.map((line) =>
    Object.fromEntries(line.split(',').map((cell, i): [string, string] => [names[i] ?? '', cell])),
  );
}

describe('ledgers and books pages in a browser', () => {
  const stack = stackForSuite();
  let browser: Browser;
  let day: string;
  let exportDir: string;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
    mkdirSync(SHOTS, { recursive: true });
    const { dataSource } = stack.db;
    const accounts = new OperatorAccounts(dataSource);
    await accounts.add({ name: 'fiona', role: 'finance', password: PASSWORD }, CLI);
    await accounts.add({ name: 'vera', role: 'viewer', password: PASSWORD }, CLI);
    await dataSource
      .getRepository(PartnerEntity)
      .update({ partnerUid: SAMPLE_PARTNER.partnerUid }, { headquartersPayoutAccount: 'hq-account' });
    // Sold: 3 paid + 1 gift, 2 paid, 2 paid (kept). Redeemed: 3 paid + the gift online, 1 offline; 1 refunded.
    const purchases = [
      purchaseRequest({ amount: 3, gifts: 1 }),
      purchaseRequest({ amount: 2 }),
      purchaseRequest({ amount: 2 }),
    ];
    for (const purchase of purchases) {
      const answer = await stack.call('voucherservicepurchase', purchase.request);
      await fetch(String(answer.body.url), { method: 'POST' });
    }
    await eventually(async () =>
      (await dataSource.getRepository(VoucherEntity).countBy({ state: 'issued' })) === 8 ? true : undefined,
    );
    const [a, b] = purchases as [(typeof purchases)[0], (typeof purchases)[0]];
    expect(
      (await stack.call('vouchertransaction', redeemRequest([...a.serials, a.giftSerials[0]!]))).body.code,
    ).toBe('250');
    const token = stack.sim.state.vouchers.find((v) => v.customSerialNo === b.serials[0])?.payToken;
    const offline = await stack.call('voucheroffline', {
      order_id: `POS${Date.now()}`,
      pay_token: token,
      reimbursement_from_type: 1,
      reimbursement_store_uid: SAMPLE_PARTNER.partnerUid,
    });
    expect(offline.body).toMatchObject({ content: { code: '250' } });
    expect((await stack.call('voucherrefund', refundRequest([b.serials[1]!]))).body.code).toBe('230');

    day = taiwanBusinessDate(new Date());
    const root = mkdtempSync(path.join(tmpdir(), 'tixclear-exports-'));
    const settlement = createSettlement({
      dataSource,
      registry: stack.registry,
      gateway: gatewayPort({ baseUrl: stack.sim.baseUrl }),
      exportRoot: root,
      payouts: { coveringBackoffMs: 0 },
    });
    const waiting = await settlement.runner.run(day, day, { payoutWaitMs: 0 });
    if (waiting === 'busy') throw new Error('busy');
    const [batch] = await dataSource.query<{ group_id: string }[]>(
      `SELECT group_id FROM payout_batches WHERE run_id = $1`,
      [waiting.run.id],
    );
    stack.sim.control.approveBatch(batch!.group_id);
    const done = await settlement.runner.run(day, day, { payoutPollMs: 100, payoutWaitMs: 10_000 });
    if (done === 'busy' || done.status !== 'completed') throw new Error(`run not completed`);
    exportDir = path.join(root, day);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  const signIn = (page: Page, name: string) => signInWithPassword(page, stack.apiUrl, name, PASSWORD);

  it("shows each ledger's parties with the balances the run's export closed them at", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signIn(page, 'fiona');
    // Keyboard: the navigation's link reaches the page.
    await page.getByRole('link', { name: '分類帳' }).first().focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${stack.apiUrl}/console/ledgers`);
    for (const ledger of ['headquarters', 'sales', 'reimbursement'] as const) {
      const closings = csv(path.join(exportDir, `ledger-${ledger}.csv`)).filter((r) => r.row === 'closing');
      expect(closings.length).toBeGreaterThan(0);
      await page.goto(`${stack.apiUrl}/console/ledgers?ledger=${ledger}`);
      const shown = await page
        .locator('tr[data-party]')
        .evaluateAll(
          (rows: { getAttribute(n: string): string | null; querySelector(s: string): unknown }[]) =>
            rows.map((r) => [
              r.getAttribute('data-party'),
              (r.querySelector('[data-balance]') as { getAttribute(n: string): string | null }).getAttribute(
                'data-balance',
              ),
            ]),
        );
      expect(shown).toEqual(closings.map((r) => [r.party, r.balance]));
      // The amount as NT$ (what we owe: the credit balance, unsigned).
      const first = closings[0]!;
      await expect(page.locator(`tr[data-party="${first.party}"] td.num`).textContent()).resolves.toContain(
        ntd(BigInt(first.balance!) < 0n ? -BigInt(first.balance!) : BigInt(first.balance!)),
      );
    }
    await page.goto(`${stack.apiUrl}/console/ledgers?ledger=reimbursement`);
    await page.screenshot({ path: path.join(SHOTS, 'console-ledgers.png'), fullPage: true });

    // The API answers the same, a page at a time.
    const api = await page.request.get(`${stack.apiUrl}/console/api/ledgers/headquarters?limit=1`);
    expect(api.status()).toBe(200);
    const body = (await api.json()) as { data: { parties: { party: string }[]; next: string | null } };
    expect(body.data.parties.map((p) => p.party)).toEqual([HQ]);
    await context.close();
  });

  it('drills from a party to its entries, page by page, and from an entry to its voucher and split', async () => {
    const { dataSource } = stack.db;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signIn(page, 'fiona');
    await page.goto(`${stack.apiUrl}/console/ledgers?ledger=reimbursement`);
    await page.getByRole('link', { name: STORE }).click();
    await page.waitForURL(/\/console\/ledgers\/reimbursement\/parties\//);
    // Every line of the party in the journal, newest entry first.
    const lines = await dataSource.query<{ entry_id: string; amount: string }[]>(
      `SELECT l.entry_id::text AS entry_id, sum(l.amount)::text AS amount FROM journal_lines l
        WHERE l.ledger = 'reimbursement' AND l.party = $1 GROUP BY l.entry_id, l.serial_number
        ORDER BY l.entry_id DESC`,
      [STORE],
    );
    expect(lines).toHaveLength(5); // 4 paid vouchers cleared (a gift's zero shares post no line), a pay-off
    const rows = await page
      .locator('tr[data-entry]')
      .evaluateAll((trs: { getAttribute(n: string): string | null }[]) =>
        trs.map((tr) => ({
          entry_id: tr.getAttribute('data-entry'),
          amount: tr.getAttribute('data-amount'),
        })),
      );
    expect(rows).toEqual(lines);
    const balance = lines.reduce((sum, l) => sum + BigInt(l.amount), 0n);
    await expect(page.locator('#party-balance').getAttribute('data-balance')).resolves.toBe(
      balance.toString(),
    );
    await page.screenshot({ path: path.join(SHOTS, 'console-ledgers-party.png'), fullPage: true });

    // Keyset pages of 2 through the API: every entry once, in order, and the last page says so.
    const seen: string[] = [];
    let before: string | null = null;
    for (let i = 0; i < 10; i++) {
      const answer: { json(): Promise<unknown> } = await page.request.get(
        `${stack.apiUrl}/console/api/ledgers/reimbursement/parties/${encodeURIComponent(STORE)}/entries?limit=2${before ? `&before=${before}` : ''}`,
      );
      const data = (
        (await answer.json()) as { data: { entries: { entry_id: string }[]; next: string | null } }
      ).data;
      seen.push(...data.entries.map((e) => e.entry_id));
      before = data.next;
      if (!before) break;
    }
    expect(seen).toEqual(lines.map((l) => l.entry_id));

    // A clearing entry: its lines, its split as the clearing holds it, the voucher and its sale.
    const [clearing] = await dataSource.query<Record<string, string>[]>(
      `SELECT e.id::text AS entry_id, c.serial_number, c.cost::text AS cost, c.escrow_fee::text AS escrow_fee,
              c.gateway_fee::text AS gateway_fee, c.issuance_fee::text AS issuance_fee,
              c.headquarters::text AS headquarters, c.sales::text AS sales, c.reimbursement::text AS reimbursement,
              o.order_id AS sale_order_id
         FROM journal_entries e JOIN clearings c ON c.redemption_line_id::text = e.reference
         JOIN redemption_lines rl ON rl.id = c.redemption_line_id JOIN vouchers v ON v.id = rl.voucher_id
         JOIN operations o ON o.id = v.purchase_operation_id
        WHERE e.kind = 'clearing' AND c.is_paid ORDER BY e.id LIMIT 1`,
    );
    await page.locator(`tr[data-entry="${clearing!.entry_id}"] a`).click();
    await page.waitForURL(`${stack.apiUrl}/console/ledgers/entries/${clearing!.entry_id}`);
    const fields = await page
      .locator('[data-field]')
      .evaluateAll((dds: { getAttribute(n: string): string | null; textContent: string | null }[]) =>
        Object.fromEntries(
          dds.map((dd): [string, string] => [
            dd.getAttribute('data-field') ?? '',
            dd.textContent?.trim() ?? '',
          ]),
        ),
      );
    for (const key of ['cost', 'escrow_fee', 'gateway_fee'] as const)
      expect(fields[key]).toBe(ntd(clearing![key]!));
    for (const key of ['issuance_fee', 'headquarters', 'sales', 'reimbursement'] as const)
      expect(fields[key]).toContain(ntd(clearing![key]!));
    expect(fields.serial_number).toBe(clearing!.serial_number);
    expect(fields.sale_order_id).toBe(clearing!.sale_order_id);
    expect(fields.voucher_state).toBe('redeemed');
    expect(fields.schedule).toContain(SAMPLE_PARTNER.issuerId);
    // The entry's lines balance, and equal the journal's.
    const entryLines = await page
      .locator('tr[data-account]')
      .evaluateAll((trs: { getAttribute(n: string): string | null }[]) =>
        trs.map((tr) => BigInt(tr.getAttribute('data-amount') ?? 'x')),
      );
    expect(entryLines.reduce((s, a) => s + a, 0n)).toBe(0n);
    const [{ n }] = await dataSource.query<[{ n: number }]>(
      `SELECT count(*)::int AS n FROM journal_lines WHERE entry_id = $1`,
      [clearing!.entry_id],
    );
    expect(entryLines).toHaveLength(n);
    await page.screenshot({ path: path.join(SHOTS, 'console-ledgers-entry.png'), fullPage: true });

    const api = await page.request.get(`${stack.apiUrl}/console/api/entries/${clearing!.entry_id}`);
    const entry = ((await api.json()) as { data: { clearing: Record<string, unknown> } }).data;
    expect(entry.clearing).toMatchObject({ cost: clearing!.cost, reimbursement: clearing!.reimbursement });
    expect((await page.request.get(`${stack.apiUrl}/console/api/entries/999999999`)).status()).toBe(404);
    expect((await page.goto(`${stack.apiUrl}/console/ledgers/entries/999999999`))?.status()).toBe(404);
    await context.close();
  });

  it('shows the trial balance as the export has it, debits equal to credits, and the trust against the vouchers outstanding', async () => {
    const { dataSource } = stack.db;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signIn(page, 'fiona');
    await page.goto(`${stack.apiUrl}/console/books`);
    const exported = csv(path.join(exportDir, 'trial-balance.csv')).filter((r) => r.account !== 'TOTAL');
    const shown = await page
      .locator('tr[data-account]')
      .evaluateAll((trs: { getAttribute(n: string): string | null }[]) =>
        trs.map((tr) => ({
          account: tr.getAttribute('data-account'),
          balance: (
            BigInt(tr.getAttribute('data-debit') ?? 'x') - BigInt(tr.getAttribute('data-credit') ?? 'x')
          ).toString(),
        })),
      );
    for (const row of exported) expect(shown).toContainEqual({ account: row.account, balance: row.closing });
    // Accounts the export does not list have no balance.
    for (const row of shown.filter((s) => !exported.some((e) => e.account === s.account)))
      expect(row.balance).toBe('0');
    const total = page.locator('#tb-total');
    const [debit, credit] = [await total.getAttribute('data-debit'), await total.getAttribute('data-credit')];
    expect(debit).toBe(credit);
    expect(BigInt(debit!)).toBeGreaterThan(0n);
    await expect(page.locator('#tb-check').getAttribute('data-balanced')).resolves.toBe('true');

    // 2 paid vouchers kept: the trust holds NT$100, as the vouchers outstanding; no difference.
    const figure = (key: string) => page.locator(`[data-figure="${key}"]`).textContent();
    await expect(figure('liability')).resolves.toBe(ntd(100n));
    await expect(figure('outstanding_value')).resolves.toBe(ntd(100n));
    await expect(page.locator('#trust-check').getAttribute('data-difference')).resolves.toBe('0');
    await page.locator('#trust-chart canvas').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'console-books.png'), fullPage: true });
    const api = await page.request.get(`${stack.apiUrl}/console/api/books/trust?until=${day}`);
    const trust = ((await api.json()) as { data: { series: { date: string; liability: string }[] } }).data;
    expect(trust.series).toHaveLength(90);
    expect(trust.series.at(-1)).toEqual({ date: day, liability: '100' });
    expect(trust.series[0]).toMatchObject({ liability: '0' });

    // A sale no run has posted yet: the vouchers outstanding grow, the books not yet; the difference shows.
    const more = purchaseRequest({ amount: 1 });
    const answer = await stack.call('voucherservicepurchase', more.request);
    await fetch(String(answer.body.url), { method: 'POST' });
    await eventually(async () =>
      (await dataSource.getRepository(VoucherEntity).countBy({ state: 'issued', isPaid: true })) === 3
        ? true
        : undefined,
    );
    await page.reload();
    await expect(figure('outstanding_value')).resolves.toBe(ntd(150n));
    await expect(figure('liability')).resolves.toBe(ntd(100n));
    await expect(page.locator('#trust-check').getAttribute('data-difference')).resolves.toBe('-50');
    await expect(figure('difference')).resolves.toBe('-NT$50');
    await context.close();
  });

  it('lets a viewer read both pages on a tablet, with nothing to act on; refuses bad input and signed-out requests', async () => {
    const context = await browser.newContext({ viewport: { width: 768, height: 1024 } });
    const page = await context.newPage();
    await signIn(page, 'vera');
    await page.goto(`${stack.apiUrl}/console/ledgers?ledger=sales&lang=en`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Ledgers: Sales points');
    await expect(page.locator('button[data-action]').count()).resolves.toBe(0);
    await page.screenshot({ path: path.join(SHOTS, 'console-ledgers-tablet.png'), fullPage: true });
    await page.goto(`${stack.apiUrl}/console/books`);
    await expect(page.locator('button[data-action]').count()).resolves.toBe(0);
    await page.locator('#trust-chart canvas').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'console-books-tablet.png'), fullPage: true });
    // The page's own content does not push it sideways on a tablet.
    const wide = await page.evaluate("document.querySelector('main').scrollWidth");
    expect(wide).toBeLessThanOrEqual(768);

    const bad = await page.request.get(`${stack.apiUrl}/console/api/ledgers/payments`);
    expect(bad.status()).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'BODY_INVALID', field: 'ledger' } });
    const badLimit = await page.request.get(`${stack.apiUrl}/console/api/ledgers/sales?limit=0`);
    expect(await badLimit.json()).toMatchObject({ error: { code: 'BODY_INVALID', field: 'limit' } });
    const badBefore = await page.request.get(
      `${stack.apiUrl}/console/api/ledgers/sales/parties/x/entries?before=1%3B`,
    );
    expect(await badBefore.json()).toMatchObject({ error: { code: 'BODY_INVALID', field: 'before' } });
    const badDay = await page.request.get(`${stack.apiUrl}/console/api/books/trust?until=2026-02-30`);
    expect(await badDay.json()).toMatchObject({ error: { code: 'BODY_INVALID', field: 'until' } });
    // A viewer may read; writing to a read route is no route at all.
    expect((await page.request.get(`${stack.apiUrl}/console/api/books/trial-balance`)).status()).toBe(200);
    await context.close();

    // The routes are in the operator API's OpenAPI document, each needing `read`.
    const own = (await (await fetch(`${stack.apiUrl}/console/api/docs/openapi.json`)).json()) as {
      paths: Record<string, { get?: { operationId?: string; description?: string } }>;
    };
    const documented = Object.fromEntries(
      Object.entries(own.paths).map(([at, ops]) => [at, ops.get?.operationId]),
    );
    expect(documented).toMatchObject({
      '/console/api/ledgers/{ledger}': 'console_ledgerParties',
      '/console/api/ledgers/{ledger}/parties/{party}/entries': 'console_partyEntries',
      '/console/api/entries/{id}': 'console_entry',
      '/console/api/books/trial-balance': 'console_trialBalance',
      '/console/api/books/trust': 'console_trust',
    });
    expect(own.paths['/console/api/books/trust']?.get?.description).toContain('Needs: read.');

    const signedOut = new ConsoleClient(stack.apiUrl);
    for (const route of [
      '/console/api/ledgers/headquarters',
      `/console/api/ledgers/headquarters/parties/${encodeURIComponent(HQ)}/entries`,
      '/console/api/entries/1',
      '/console/api/books/trial-balance',
      '/console/api/books/trust',
    ])
      expect((await signedOut.request('GET', route)).status).toBe(401);
    for (const at of ['/console/ledgers', '/console/books', '/console/ledgers/entries/1']) {
      const answer = await signedOut.request('GET', at);
      expect(answer.status).toBe(303);
      expect(answer.headers.get('location')).toBe('/console/sign-in');
    }
  });
});
