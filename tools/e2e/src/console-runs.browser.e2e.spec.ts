import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OperatorAccounts, PartnerEntity, SAMPLE_PARTNER } from '@tixclear/db';
import { taiwanBusinessDate } from '@tixclear/domain';
import { gatewayPort } from '@tixclear/operations';
import { createSettlement, writeSyntheticDay } from '@tixclear/settlement';
import { type Browser, chromium, type Page } from 'playwright-core';
import { chromiumPath } from './console-pages-chromium';
import { paymentRequest, moneyRefundRequest } from './payments-requests';
import { eventually } from './stack';
import { stackForSuite } from './suite';
import { signInWithPassword } from './console-browser';

/*
 * The settlement runs, pay-off batches and payments pages in a real Chromium, with the settlement worker
 * running: a run started from the page goes through the settlement queue to the worker, once per period; its
 * figures equal its clearings, its files download byte for byte as its manifest states; batches and items
 * (C-codes, covering attempts) equal the export's payouts.csv; a day's payments and the payments ledger's
 * totals equal the journal. A viewer sees no start button and is refused; a signed-out browser is refused; no
 * request path reaches a file the manifest does not list.
 */

const PASSWORD = 'a long enough password';
const DAY_A = '2026-09-15';
const DAY_B = '2026-09-16';
const DAY_C = '2026-09-14';
const CLI = { actor: 'spec', actorRole: null };
const SHOTS = path.resolve(import.meta.dirname, '../../../tmp');
const EXPORTS = mkdtempSync(path.join(tmpdir(), 'tixclear-console-runs-'));
const ntd = (amount: string | number) => {
  const n = BigInt(amount);
  return `${n < 0n ? '-' : ''}NT$${(n < 0n ? -n : n).toLocaleString('en-US')}`;
};
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** An element as the specs read it in the page (the DOM's types are not in this project's lib). */
interface Element {
  getAttribute(name: string): string | null;
  querySelector(selector: string): Element | null;
  textContent: string | null;
}

interface Manifest {
  files: { name: string; sha256: string; bytes: number }[];
}

describe('console: settlement runs, pay-off batches and payments in a browser', () => {
  const stack = stackForSuite({ worker: true, env: { EXPORT_DIR: EXPORTS } });
  let browser: Browser;
  let settlement: ReturnType<typeof createSettlement>;
  let runA: string;
  let refusedItem: string;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
    mkdirSync(SHOTS, { recursive: true });
    const { dataSource } = stack.db;
    const accounts = new OperatorAccounts(dataSource);
    await accounts.add({ name: 'olga', role: 'operator', password: PASSWORD }, CLI);
    await accounts.add({ name: 'fiona', role: 'finance', password: PASSWORD }, CLI);
    await accounts.add({ name: 'vera', role: 'viewer', password: PASSWORD }, CLI);
    await dataSource
      .getRepository(PartnerEntity)
      .update({ partnerUid: SAMPLE_PARTNER.partnerUid }, { headquartersPayoutAccount: 'hq-account' });
    const partnerId = (await stack.registry.findByUid(SAMPLE_PARTNER.partnerUid))!.id;
    await writeSyntheticDay(dataSource, { partnerId, businessDate: DAY_A, vouchers: 4, prefix: 'CRA' });
    await writeSyntheticDay(dataSource, { partnerId, businessDate: DAY_B, vouchers: 6, prefix: 'CRB' });

    // Day A settled here, as `npm run settle` does: the approver refuses the store's item (C2002), its one
    // covering remittance is refused too, and the item becomes an exception; the run completes.
    settlement = createSettlement({
      dataSource,
      registry: stack.registry,
      gateway: gatewayPort({ baseUrl: stack.sim.baseUrl }),
      exportRoot: EXPORTS,
      payouts: { coveringBackoffMs: 0, maxCoveringAttempts: 1 },
    });
    const first = await settlement.runner.run(DAY_A, DAY_A, { payoutWaitMs: 0 });
    if (first === 'busy') throw new Error('busy');
    runA = first.run.id;
    const [batch] = await dataSource.query<{ id: string; group_id: string }[]>(
      `SELECT id, group_id FROM payout_batches WHERE run_id = $1`,
      [runA],
    );
    const [item] = await dataSource.query<{ item_id: string }[]>(
      `SELECT item_id FROM payout_items WHERE batch_id = $1 AND party <> $2`,
      [batch!.id, `hq:${SAMPLE_PARTNER.partnerUid}`],
    );
    refusedItem = item!.item_id;
    stack.sim.control.setItemOutcomes(batch!.group_id, { [refusedItem]: 'C2002' });
    stack.sim.control.approveBatch(batch!.group_id);
    stack.sim.control.setItemOutcomes(batch!.group_id, { [refusedItem]: 'C2002' });
    const done = await settlement.runner.run(DAY_A, DAY_A, { payoutPollMs: 100, payoutWaitMs: 10_000 });
    expect(done !== 'busy' && done.status).toBe('completed');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  const signIn = (page: Page, name: string) => signInWithPassword(page, stack.apiUrl, name, PASSWORD);

  const csrfOf = async (page: Page) =>
    (await page.locator('meta[name="csrf-token"]').getAttribute('content')) ?? '';

  const runOf = async (start: string, end = start) =>
    (
      await stack.db.dataSource.query<{ id: string; state: string }[]>(
        `SELECT id, state FROM settlement_runs WHERE period_start = $1 AND period_end = $2`,
        [start, end],
      )
    )[0];

  it('starts a run from the page through the worker, once per period, and shows it as its clearings and files are', async () => {
    const { dataSource } = stack.db;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signIn(page, 'fiona');
    await page.getByRole('link', { name: '清分作業' }).click();
    await page.waitForURL(`${stack.apiUrl}/console/runs`);
    await expect(
      page.locator(`tr[data-run="${runA}"] [data-state]`).getAttribute('data-state'),
    ).resolves.toBe('completed');
    await expect(page.locator(`tr[data-run="${runA}"] [data-steps]`).textContent()).resolves.toBe('5/5');

    // The form: dates in, a checked period out; the button asks for a note, then calls the operator API.
    await page.getByLabel('起日').fill(DAY_B);
    await page.getByLabel('迄日').fill(DAY_B);
    await page.getByRole('button', { name: '準備' }).click();
    await page.getByRole('button', { name: '啟動' }).click();
    await page.locator('dialog textarea').fill('the night job was skipped');
    await page.locator('#confirm-ok').click();
    await page.locator('#result.ok').waitFor();
    const audit = await dataSource.query<{ actor: string; outcome: string; after: { note: string } }[]>(
      `SELECT actor, result AS outcome, after FROM operator_audit WHERE action = 'run.start' AND target = $1`,
      [`${DAY_B}_${DAY_B}`],
    );
    expect(audit).toEqual([
      {
        actor: 'fiona',
        outcome: 'ok',
        after: expect.objectContaining({ note: 'the night job was skipped' }),
      },
    ]);

    // The worker takes the job, clears, batches and submits; the approver releases the batch; it completes.
    const batch = await eventually(async () => {
      const [row] = await dataSource.query<{ group_id: string }[]>(
        `SELECT b.group_id FROM payout_batches b JOIN settlement_runs r ON r.id = b.run_id
          WHERE r.period_start = $1 AND b.state = 'awaiting_approval'`,
        [DAY_B],
      );
      return row;
    }, 30_000);
    stack.sim.control.approveBatch(batch.group_id);
    const runB = await eventually(async () => {
      const run = await runOf(DAY_B);
      return run?.state === 'completed' ? run : undefined;
    }, 30_000);

    await page.goto(`${stack.apiUrl}/console/runs`);
    const row = page.locator(`tr[data-run="${runB.id}"]`);
    await expect(row.locator('[data-state]').getAttribute('data-state')).resolves.toBe('completed');
    await expect(row.locator('[data-steps]').textContent()).resolves.toBe('5/5');
    const [paidCleared] = await dataSource.query<{ n: string }[]>(
      `SELECT count(*)::text AS n FROM clearings WHERE run_id = $1 AND is_paid`,
      [runB.id],
    );
    await expect(row.locator('[data-paid-cleared]').textContent()).resolves.toBe(paidCleared!.n);
    await page.screenshot({ path: path.join(SHOTS, 'console-runs.png'), fullPage: true });

    await row.getByRole('link').click();
    await page.waitForURL(`${stack.apiUrl}/console/runs/${runB.id}`);
    const [cleared] = await dataSource.query<{ n: string; value: string }[]>(
      `SELECT count(*)::text AS n, sum(cost)::text AS value FROM clearings WHERE run_id = $1`,
      [runB.id],
    );
    expect(Number(cleared!.n)).toBe(6);
    await expect(page.locator('[data-figure="vouchers_cleared"]').textContent()).resolves.toBe(cleared!.n);
    await expect(page.locator('[data-figure="cleared_value"]').textContent()).resolves.toBe(
      ntd(cleared!.value),
    );
    const manifest = JSON.parse(readFileSync(path.join(EXPORTS, DAY_B, 'manifest.json'), 'utf8')) as Manifest;
    const listed = await page
      .locator('[data-file]')
      .evaluateAll((links: Element[]) => links.map((a) => a.getAttribute('data-file')));
    expect(listed).toEqual([...manifest.files.map((f) => f.name), 'manifest.json']);
    await page.screenshot({ path: path.join(SHOTS, 'console-run.png'), fullPage: true });

    // Each file downloads as the manifest states it, named after the period.
    for (const file of manifest.files) {
      const answer = await page.request.get(`${stack.apiUrl}/console/api/runs/${runB.id}/files/${file.name}`);
      expect(answer.status()).toBe(200);
      expect(answer.headers()['content-disposition']).toBe(`attachment; filename="${DAY_B}-${file.name}"`);
      const body = await answer.body();
      expect({ bytes: body.length, sha256: sha256(body) }).toEqual({
        bytes: file.bytes,
        sha256: file.sha256,
      });
    }
    const download = page.waitForEvent('download');
    await page.locator('[data-file="settlement.xlsx"]').click();
    expect((await download).suggestedFilename()).toBe(`${DAY_B}-settlement.xlsx`);

    // Starting the same period again makes no second run and queues nothing.
    const csrf = await csrfOf(page);
    const again = await page.request.post(`${stack.apiUrl}/console/api/runs/${DAY_B}/start`, {
      headers: { origin: stack.apiUrl, 'x-csrf-token': csrf },
      data: { note: 'once more' },
    });
    expect(again.status()).toBe(202);
    expect(((await again.json()) as { data: unknown }).data).toMatchObject({
      queued: false,
      run: { id: runB.id, state: 'completed' },
    });
    // Two starts of a new period at once: one job, one run.
    const both = await Promise.all(
      [1, 2].map(() =>
        page.request.post(`${stack.apiUrl}/console/api/runs/${DAY_C}/start`, {
          headers: { origin: stack.apiUrl, 'x-csrf-token': csrf },
          data: { note: 'catch up' },
        }),
      ),
    );
    const queued = await Promise.all(
      both.map(async (a) => ((await a.json()) as { data: { queued: boolean } }).data),
    );
    expect(queued.filter((q) => q.queued)).toHaveLength(1);
    await eventually(async () => ((await runOf(DAY_C))?.state === 'completed' ? true : undefined), 30_000);
    const [runs] = await dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM settlement_runs WHERE period_start = $1 AND period_end = $1`,
      [DAY_C],
    );
    expect(runs!.n).toBe(1);

    // Bad periods are refused with the field named, and change nothing.
    for (const [period, body] of [
      ['2026-02-30', { note: 'x' }],
      [taiwanBusinessDate(new Date()), { note: 'x' }],
      [`${DAY_B}_${DAY_A}`, { note: 'x' }],
      ['2026-01-01_2026-12-01', { note: 'x' }],
      ['..%2F..', { note: 'x' }],
    ] as const) {
      const refused = await page.request.post(`${stack.apiUrl}/console/api/runs/${period}/start`, {
        headers: { origin: stack.apiUrl, 'x-csrf-token': csrf },
        data: body,
      });
      expect({ period, status: refused.status() }).toEqual({ period, status: 400 });
      expect(await refused.json()).toMatchObject({ error: { code: 'BODY_INVALID', field: 'period' } });
    }
    const noNote = await page.request.post(`${stack.apiUrl}/console/api/runs/${DAY_A}/start`, {
      headers: { origin: stack.apiUrl, 'x-csrf-token': csrf },
      data: {},
    });
    expect(await noNote.json()).toMatchObject({ error: { code: 'BODY_INVALID', field: 'note' } });
    await context.close();
  }, 150_000);

  it('shows a viewer no start button and refuses their start; serves only the files the manifest lists; refuses the signed-out', async () => {
    const context = await browser.newContext({ viewport: { width: 768, height: 1024 } });
    const page = await context.newPage();
    await signIn(page, 'vera');
    await page.goto(`${stack.apiUrl}/console/runs`);
    await expect(page.locator('button[data-action]').count()).resolves.toBe(0);
    await expect(page.locator('.run-start').count()).resolves.toBe(0);
    // Upright on a tablet, each run's progress stays in view.
    await expect(page.locator('[data-steps]').first().isVisible()).resolves.toBe(true);
    await page.screenshot({ path: path.join(SHOTS, 'console-runs-tablet.png'), fullPage: true });
    await page.goto(`${stack.apiUrl}/console/runs?lang=en`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Settlement runs');
    await page.goto(`${stack.apiUrl}/console/runs?lang=zh-TW`);
    const csrf = await csrfOf(page);
    const refused = await page.request.post(`${stack.apiUrl}/console/api/runs/${DAY_A}/start`, {
      headers: { origin: stack.apiUrl, 'x-csrf-token': csrf },
      data: { note: 'a viewer tries' },
    });
    expect(refused.status()).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'ROLE_FORBIDDEN' } });
    const [line] = await stack.db.dataSource.query<{ actor: string; outcome: string }[]>(
      `SELECT actor, result AS outcome FROM operator_audit WHERE action = 'run.start' AND actor = 'vera'`,
    );
    expect(line).toBeUndefined(); // refused by the guard, before any action

    // A viewer reads the files; only names the run's own manifest lists, never a path, never a link.
    const files = `${stack.apiUrl}/console/api/runs/${runA}/files`;
    expect((await page.request.get(`${files}/journal.csv`)).status()).toBe(200);
    writeFileSync(path.join(EXPORTS, DAY_A, 'secret.txt'), 'not an export');
    const manifestPath = path.join(EXPORTS, DAY_A, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    const outside = path.join(mkdtempSync(path.join(tmpdir(), 'tixclear-outside-')), 'private.csv');
    writeFileSync(outside, 'a file outside the exports\n');
    const passwd = readFileSync(outside);
    symlinkSync(outside, path.join(EXPORTS, DAY_A, 'linked.csv'));
    writeFileSync(
      manifestPath,
      JSON.stringify({
        ...manifest,
        files: [
          ...manifest.files,
          { name: 'linked.csv', sha256: sha256(passwd), bytes: passwd.length },
          { name: '../2026-09-16/journal.csv', sha256: '', bytes: 1 },
        ],
      }),
    );
    for (const name of [
      'secret.txt',
      'linked.csv',
      '..%2F2026-09-16%2Fjournal.csv',
      '%2E%2E%2Fmanifest.json',
      '.manifest.json.tmp',
      'journal.csv%00',
    ]) {
      const answer = await page.request.get(`${files}/${name}`);
      expect({ name, status: answer.status() }).toEqual({ name, status: 404 });
    }
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    expect(
      (await page.request.get(`${stack.apiUrl}/console/api/runs/not-a-run/files/journal.csv`)).status(),
    ).toBe(404);
    await context.close();

    // an operator may not start runs (money), but reads them.
    const operator = await browser.newContext();
    const olgaPage = await operator.newPage();
    await signIn(olgaPage, 'olga');
    const olgaStart = await olgaPage.request.post(`${stack.apiUrl}/console/api/runs/${DAY_A}/start`, {
      headers: { origin: stack.apiUrl, 'x-csrf-token': await csrfOf(olgaPage) },
      data: { note: 'an operator tries' },
    });
    expect(olgaStart.status()).toBe(403);
    await operator.close();

    // The operator API's OpenAPI document has these routes (and no page); the start needs CSRF and answers 202.
    const doc = (await (await fetch(`${stack.apiUrl}/console/api/docs/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { parameters?: { name: string }[]; responses: object }>>;
    };
    for (const route of [
      '/console/api/runs',
      '/console/api/runs/{id}',
      '/console/api/runs/{id}/files/{name}',
      '/console/api/payoffs',
      '/console/api/payoffs/{batch}',
      '/console/api/payments/{date}',
    ])
      expect({ route, get: Object.keys(doc.paths[route] ?? {}) }).toEqual({ route, get: ['get'] });
    const start = doc.paths['/console/api/runs/{period}/start']?.post;
    expect(Object.keys(start?.responses ?? {})).toEqual(
      expect.arrayContaining(['202', '400', '401', '403', '409']),
    );
    expect(start?.parameters?.map((p) => p.name)).toContain('X-CSRF-Token');
    expect(Object.keys(doc.paths).filter((p) => /^\/console\/(runs|payoffs|payments)/.test(p))).toEqual([]);

    const anonymous = await browser.newContext();
    const stranger = await anonymous.newPage();
    for (const at of ['/console/runs', `/console/runs/${runA}`, '/console/payoffs', '/console/payments']) {
      await stranger.goto(`${stack.apiUrl}${at}`);
      expect(new URL(stranger.url()).pathname).toBe('/console/sign-in');
    }
    for (const at of [
      '/console/api/runs',
      `/console/api/runs/${runA}/files/journal.csv`,
      '/console/api/payoffs',
      `/console/api/payments/${DAY_A}`,
    ])
      expect((await stranger.request.get(`${stack.apiUrl}${at}`)).status()).toBe(401);
    await anonymous.close();
  }, 60_000);

  it("shows pay-off batches and their items as the export's payouts.csv has them, C-codes and covering attempts", async () => {
    const { dataSource } = stack.db;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signIn(page, 'fiona');
    await page.getByRole('link', { name: '撥付批次' }).click();
    await page.waitForURL(`${stack.apiUrl}/console/payoffs`);
    const batches = await dataSource.query<
      { id: string; group_id: string; state: string; covering_attempts: number }[]
    >(`SELECT id, group_id, state, covering_attempts FROM payout_batches ORDER BY group_id`);
    expect(batches.length).toBeGreaterThanOrEqual(2);
    for (const batch of batches) {
      const row = page.locator(`tr[data-batch="${batch.group_id}"]`);
      await expect(row.locator('[data-state]').getAttribute('data-state')).resolves.toBe(batch.state);
      await expect(row.locator('[data-covering]').textContent()).resolves.toBe(
        String(batch.covering_attempts),
      );
    }
    await page.screenshot({ path: path.join(SHOTS, 'console-payoffs.png'), fullPage: true });

    // Day A's batch: its items against the export's payouts.csv, downloaded through the operator API.
    const [batchA] = await dataSource.query<{ id: string; group_id: string; covering_attempts: number }[]>(
      `SELECT id, group_id, covering_attempts FROM payout_batches WHERE run_id = $1`,
      [runA],
    );
    expect(batchA!.covering_attempts).toBe(1);
    await page.locator(`tr[data-batch="${batchA!.group_id}"] a`).click();
    await page.waitForURL(`${stack.apiUrl}/console/payoffs/${batchA!.id}`);
    const csv = await page.request.get(`${stack.apiUrl}/console/api/runs/${runA}/files/payouts.csv`);
    // The columns read here (ids, amounts, states, codes) are never quoted; the message, last, may be.
    const [header, ...rows] = (await csv.body())
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => line.split(','));
    const col = (name: string) => header!.indexOf(name);
    const exported = rows
      .filter((r) => r[col('group_id')] === batchA!.group_id)
      .map((r) => ({
        item: r[col('item_id')],
        amount: ntd(r[col('amount')]!),
        state: r[col('item_state')],
        code: r[col('item_gateway_code')],
      }));
    expect(exported.length).toBe(2);
    const shown = await page.locator('tr[data-item]').evaluateAll((trs: Element[]) =>
      trs.map((tr) => ({
        item: tr.getAttribute('data-item'),
        amount: tr.querySelector('[data-amount]')?.textContent,
        state: tr.querySelector('[data-state]')?.getAttribute('data-state'),
        code: tr.querySelector('[data-code]')?.getAttribute('data-code'),
        covering: tr.querySelector('[data-covering]')?.textContent,
      })),
    );
    expect(shown.map(({ covering: _, ...rest }) => rest)).toEqual(exported);
    const refused = shown.find((s) => s.item === refusedItem);
    expect(refused).toMatchObject({ state: 'exception', code: 'C2002', covering: '1' });
    await expect(page.locator(`tr[data-item="${refusedItem}"] [data-code]`).textContent()).resolves.toContain(
      '核准者退回',
    );
    await page.screenshot({ path: path.join(SHOTS, 'console-payoff.png'), fullPage: true });

    // Keyset pages: one batch a page, every batch once.
    const seen: string[] = [];
    let next: string | null = null;
    do {
      const answer = await page.request.get(
        `${stack.apiUrl}/console/api/payoffs?limit=1${next ? `&before=${encodeURIComponent(next)}` : ''}`,
      );
      const body = (await answer.json()) as { data: { group_id: string }[]; next: string | null };
      seen.push(...body.data.map((b) => b.group_id));
      next = body.next;
    } while (next);
    expect(seen.sort()).toEqual(batches.map((b) => b.group_id).sort());
    const bad = await page.request.get(`${stack.apiUrl}/console/api/payoffs?state=sent`);
    expect(bad.status()).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'BODY_INVALID', field: 'state' } });
    expect((await page.request.get(`${stack.apiUrl}/console/api/payoffs/PBnothing`)).status()).toBe(404);
    await context.close();
  }, 60_000);

  it("lists a day's payments, refunds and a 290, with the payments ledger's totals as the journal sums them", async () => {
    const { dataSource } = stack.db;
    const today = taiwanBusinessDate(new Date());
    const order = async (request: ReturnType<typeof paymentRequest>) => {
      const opened = await stack.call('orders', request);
      expect((await fetch(String(opened.body.url), { method: 'POST' })).status).toBe(200);
      return { uid: String(opened.body.uid), key: String(opened.body.key) };
    };
    const stateOf = async (orderId: string) =>
      (
        await dataSource.query<{ state: string; gateway_code: string }[]>(
          `SELECT state, gateway_code FROM operations WHERE order_id = $1`,
          [orderId],
        )
      )[0];
    const paid = paymentRequest(1000);
    await order(paid);
    const refunded = paymentRequest(800);
    const refundedOrder = await order(refunded);
    const mismatch = { ...paymentRequest(600), pfn: 'CSTORECODE' };
    const deferred = await order(mismatch);
    await eventually(async () =>
      (await stateOf(paid.order_id))?.state === 'paid' && (await stateOf(refunded.order_id))?.state === 'paid'
        ? true
        : undefined,
    );
    expect((await stack.call('refund', moneyRefundRequest(refundedOrder, 300))).body).toMatchObject({
      code: 'B200',
    });
    await eventually(async () =>
      (await stateOf(mismatch.order_id))?.gateway_code === '260' ? true : undefined,
    );
    stack.sim.control.endDeferred(Number(deferred.uid), 'mismatch');
    await eventually(async () =>
      (await stateOf(mismatch.order_id))?.gateway_code === '290' ? true : undefined,
    );
    // Today's settlement posts the payments ledger (src/payments/).
    const run = await settlement.runner.run(today, today, { payoutWaitMs: 0 });
    expect(run).not.toBe('busy');

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signIn(page, 'fiona');
    await page.goto(`${stack.apiUrl}/console/payments?date=${today}`);
    const ledger = await dataSource.query<{ kind: string; entries: string; amount: string }[]>(
      `SELECT j.kind, count(DISTINCT j.id)::text AS entries, (-sum(l.amount))::text AS amount
         FROM journal_entries j JOIN journal_lines l ON l.entry_id = j.id AND l.account = 'payable_payments'
        WHERE j.business_date = $1 AND j.kind IN ('payment', 'payment_refund', 'refund_cancel')
        GROUP BY j.kind ORDER BY j.kind`,
      [today],
    );
    // Three payments (one of them the 290, at the amount the gateway took), one refund of 300.
    expect(ledger.map((r) => [r.kind, r.entries])).toEqual([
      ['payment', '3'],
      ['payment_refund', '1'],
    ]);
    expect(ledger[1]!.amount).toBe('-300');
    const net = ledger.reduce((sum, r) => sum + BigInt(r.amount), 0n);
    for (const kind of ['payment', 'payment_refund', 'refund_cancel']) {
      const expected = ledger.find((r) => r.kind === kind) ?? { entries: '0', amount: '0' };
      const row = page.locator(`tr[data-kind="${kind}"]`);
      await expect(row.locator('[data-entries]').textContent()).resolves.toBe(expected.entries);
      await expect(row.locator('[data-amount]').textContent()).resolves.toBe(ntd(expected.amount));
    }
    await expect(page.locator('tr[data-kind="net"] [data-amount]').textContent()).resolves.toBe(
      ntd(net.toString()),
    );

    const operations = await dataSource.query<
      { id: string; order_id: string; state: string; gateway_code: string }[]
    >(
      `SELECT id, order_id, state, gateway_code FROM operations
        WHERE kind IN ('payment', 'pay_refund', 'pay_action') ORDER BY created_at, id`,
    );
    expect(operations.length).toBe(4);
    const shown = await page.locator('tr[data-operation]').evaluateAll((trs: Element[]) =>
      trs.map((tr) => ({
        id: tr.getAttribute('data-operation'),
        order_id: tr.querySelector('code')?.textContent,
        state: tr.querySelector('[data-state]')?.getAttribute('data-state'),
        gateway_code: tr.querySelector('[data-code]')?.getAttribute('data-code'),
      })),
    );
    expect(shown).toEqual(operations);
    await expect(
      page
        .locator('tr', { has: page.locator('code', { hasText: mismatch.order_id }) })
        .locator('.pill')
        .count(),
    ).resolves.toBe(1);
    await page.screenshot({ path: path.join(SHOTS, 'console-payments.png'), fullPage: true });

    // Keyset pages through the operator API: every operation once, in order.
    const seen: string[] = [];
    let next: string | null = null;
    do {
      const answer = await page.request.get(
        `${stack.apiUrl}/console/api/payments/${today}?limit=3${next ? `&after=${encodeURIComponent(next)}` : ''}`,
      );
      const body = (await answer.json()) as { data: { payments: { id: string }[] }; next: string | null };
      seen.push(...body.data.payments.map((p) => p.id));
      next = body.next;
    } while (next);
    expect(seen).toEqual(operations.map((o) => o.id));
    const bad = await page.request.get(`${stack.apiUrl}/console/api/payments/2026-13-01`);
    expect(await bad.json()).toMatchObject({ error: { code: 'BODY_INVALID', field: 'date' } });
    await context.close();
  }, 90_000);
});
