import { OperatorAccounts, SAMPLE_FEE_SCHEDULE, SAMPLE_PARTNER } from '@tixclear/db';
import { FeeScheduleBook } from '@tixclear/fee-engine';
import { sampleMerchant } from '@tixclear/gateway-simulator';
import { clearAll, Clearing, pointParty, writeSyntheticDay } from '@tixclear/settlement';
import { ConsoleClient } from './console-http';
import { operationOf } from './flows';
import { purchaseRequest } from './requests';
import { eventually } from './stack';
import { stackForSuite } from './suite';

/*
 * The exception actions of the operator API over real HTTP: each calls the library function the CLIs call,
 * needs its role, and leaves one audit line with the subject before and after (a refusal too, with its code).
 */

const PASSWORD = 'a long enough password';
const DAY = '2026-09-15';
const CLI = { actor: 'spec', actorRole: null };

interface AuditRow {
  actor: string;
  actor_role: string;
  target: string;
  outcome: string;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

describe('console exception actions, audited (operator API over HTTP)', () => {
  const stack = stackForSuite();
  const finance = () => signedIn('fiona');
  const operator = () => signedIn('otis');

  async function signedIn(name: string): Promise<ConsoleClient> {
    const client = new ConsoleClient(stack.apiUrl);
    expect((await client.signIn(name, PASSWORD)).status).toBe(201);
    return client;
  }

  const audit = (action: string) =>
    stack.db.dataSource.query<AuditRow[]>(
      `SELECT actor, actor_role, target, result AS outcome, before, after FROM operator_audit WHERE action = $1 ORDER BY id`,
      [action],
    );

  beforeAll(async () => {
    const accounts = new OperatorAccounts(stack.db.dataSource);
    await accounts.add({ name: 'fiona', role: 'finance', password: PASSWORD }, CLI);
    await accounts.add({ name: 'otis', role: 'operator', password: PASSWORD }, CLI);
    // Two redemption lines settlement holds (their point has no payout account), as `settle holds` finds them.
    const partnerId = (await stack.registry.findByUid(SAMPLE_PARTNER.partnerUid))!.id;
    await writeSyntheticDay(stack.db.dataSource, {
      partnerId,
      businessDate: DAY,
      vouchers: 2,
      prefix: 'CON',
    });
    await stack.db.dataSource.query(
      `UPDATE redemption_lines SET redemption_point = 'store:990' WHERE serial_number LIKE 'CON%'`,
    );
    const [run] = await stack.db.dataSource.query<[{ id: string }]>(
      `INSERT INTO settlement_runs (period_start, period_end, state, summary) VALUES ($1, $1, 'clearing', '{}') RETURNING id`,
      [DAY],
    );
    const accounts2 = new Map([
      [pointParty(SAMPLE_PARTNER.partnerUid, `store:${SAMPLE_PARTNER.partnerUid}`), 'payee-1'],
    ]);
    const clearing = new Clearing(stack.db.dataSource, new FeeScheduleBook([SAMPLE_FEE_SCHEDULE]), accounts2);
    expect(await clearAll(clearing, run.id, DAY, { chunkSize: 10 })).toEqual({ cleared: 0, held: 2 });
  }, 60_000);

  async function lineId(serial: string): Promise<string> {
    const [line] = await stack.db.dataSource.query<{ id: string }[]>(
      'SELECT id FROM redemption_lines WHERE serial_number = $1',
      [serial],
    );
    return line!.id;
  }

  it('lists the exception queue for any role, filtered by kind', async () => {
    const client = await operator();
    const answer = await client.request('GET', '/console/api/exceptions?kind=settlement_hold');
    expect(answer.status).toBe(200);
    const items = answer.body.data as { kind: string; reference: string; state: string }[];
    expect(items.map((i) => i.reference).sort()).toEqual([await lineId('CON1'), await lineId('CON2')].sort());
    expect(items.every((i) => i.kind === 'settlement_hold' && i.state === 'open')).toBe(true);
    const bad = await client.request('GET', '/console/api/exceptions?kind=nonsense');
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'BODY_INVALID', field: 'kind' } } });
  });

  it('re-clears a hold (finance), audited in its transaction with the line before and after', async () => {
    const id = await lineId('CON1');
    expect(
      (await (await operator()).request('POST', `/console/api/holds/${id}/reclear`, { note: 'fixed' }))
        .status,
    ).toBe(403);
    const client = await finance();
    const missingNote = await client.request('POST', `/console/api/holds/${id}/reclear`, {});
    expect(missingNote).toMatchObject({
      status: 400,
      body: { error: { code: 'BODY_INVALID', field: 'note' } },
    });
    const done = await client.request('POST', `/console/api/holds/${id}/reclear`, {
      note: 'payout account added',
      accept: 'ours',
    });
    expect(done.status).toBe(201);
    expect(done.body.data).toMatchObject({ lineId: id, action: 'recleared' });
    const [line] = await audit('hold.reclear');
    expect(line).toMatchObject({ actor: 'fiona', actor_role: 'finance', target: id, outcome: 'ok' });
    expect(line!.before.items).toEqual([expect.objectContaining({ state: 'open' })]);
    expect(line!.after.items).toEqual([expect.objectContaining({ state: 'resolved', resolved_by: 'fiona' })]);
    expect((line!.before.line as { id: string }).id).toBe(id);
    // What settlement recorded names the same person.
    const actions = await stack.db.dataSource.query<{ actor: string }[]>(
      `SELECT * FROM settlement_hold_actions WHERE redemption_line_id = $1`,
      [id],
    );
    expect(JSON.stringify(actions)).toContain('fiona');
  });

  it('settles a hold outside clearing (finance), audited; re-clearing it then is refused and audited', async () => {
    const id = await lineId('CON2');
    const client = await finance();
    const done = await client.request('POST', `/console/api/holds/${id}/settle-outside`, {
      note: 'paid by transfer',
    });
    expect(done.status).toBe(201);
    const [line] = await audit('hold.settle_outside');
    expect(line).toMatchObject({ actor: 'fiona', target: id, outcome: 'ok' });
    expect(line!.before.items).toEqual([expect.objectContaining({ state: 'open' })]);
    expect(line!.after.items).toEqual([expect.objectContaining({ state: 'resolved' })]);
    // Settled outside, it is no hold any more: re-clearing it is refused, changes nothing, and is audited.
    const again = await client.request('POST', `/console/api/holds/${id}/reclear`, { note: 'again' });
    expect(again.status).toBeGreaterThanOrEqual(400);
    const code = (again.body.error as { code: string }).code;
    expect(code).toMatch(/^HOLD_/);
    const lines = await audit('hold.reclear');
    expect(lines.at(-1)).toMatchObject({ actor: 'fiona', target: id, outcome: code });
    expect(lines.at(-1)!.after).toEqual(lines.at(-1)!.before);
  });

  it('accepts a purchase paid with a mismatch (290), audited with the operation before and after; then resends its report (operator)', async () => {
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
    const path = `/console/api/paid-mismatches/${operation.id}/accept`;
    // An operator (not finance) may not decide money.
    expect((await (await operator()).request('POST', path)).status).toBe(403);
    const client = await finance();
    const done = await client.request('POST', path);
    expect(done).toMatchObject({ status: 201, body: { data: { action: 'accepted' } } });
    const [line] = await audit('paid_mismatch.accept');
    expect(line).toMatchObject({ actor: 'fiona', target: operation.id, outcome: 'ok' });
    expect(line!.before.operation).toMatchObject({ state: 'paid_mismatch' });
    expect(line!.after.operation).toMatchObject({ state: 'paid' });
    expect(line!.after.items).toEqual([expect.objectContaining({ state: 'resolved', resolved_by: 'fiona' })]);

    // Its partner report, sent again from the console: an operator's action.
    const resendBody = { partner_uid: SAMPLE_PARTNER.partnerUid, order_id: purchase.orderId };
    expect((await client.request('POST', '/console/api/partner-reports/resend', resendBody)).status).toBe(
      403,
    );
    const resent = await (
      await operator()
    ).request('POST', '/console/api/partner-reports/resend', resendBody);
    expect(resent.status).toBe(201);
    expect((resent.body.data as { reports: unknown[] }).reports.length).toBeGreaterThan(0);
    const [report] = await audit('partner_report.resend');
    expect(report).toMatchObject({
      actor: 'otis',
      actor_role: 'operator',
      target: `${SAMPLE_PARTNER.partnerUid}:${purchase.orderId}`,
      outcome: 'ok',
    });
    expect(Array.isArray(report!.before)).toBe(true);
    expect((report!.after as unknown as { state: string }[]).every((r) => r.state === 'pending')).toBe(true);
    const unknown = await (
      await operator()
    ).request('POST', '/console/api/partner-reports/resend', {
      ...resendBody,
      order_id: 'no-such-order',
    });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'ORDER_NOT_FOUND' } } });
  });

  it('refunds a purchase paid with a mismatch (290) at the gateway (finance), audited before and after', async () => {
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
    expect(stack.sim.control.endDeferred(Number(answer.body.uid), 'mismatch')).toMatchObject({ moved: true });
    const operation = await eventually(async () => {
      const found = await operationOf(stack, purchase.orderId);
      return found?.state === 'paid_mismatch' ? found : undefined;
    });
    const done = await (
      await finance()
    ).request('POST', `/console/api/paid-mismatches/${operation.id}/refund`);
    expect(done).toMatchObject({ status: 201, body: { data: { action: 'refund_sent' } } });
    const [line] = await audit('paid_mismatch.refund');
    expect(line).toMatchObject({ actor: 'fiona', target: operation.id, outcome: 'ok' });
    expect(line!.before.operation).toMatchObject({ state: 'paid_mismatch' });
    expect(line!.before.items).toEqual([expect.objectContaining({ state: 'open' })]);
    expect(line!.after.items).toEqual([
      expect.objectContaining({ state: 'resolved', resolution: 'refunded' }),
    ]);
    // Decided: a second decision is refused, and that refusal is audited too.
    const again = await (
      await finance()
    ).request('POST', `/console/api/paid-mismatches/${operation.id}/accept`);
    expect(again.status).toBe(404);
    expect((await audit('paid_mismatch.accept')).at(-1)).toMatchObject({
      target: operation.id,
      outcome: 'ORDER_NOT_FOUND',
    });
  });

  it('refuses a pay-off exception that does not exist (404 with its code), and audits the refusal', async () => {
    const client = await finance();
    const answer = await client.request('POST', '/console/api/payout-exceptions/NO-SUCH-ITEM/reinclude');
    expect(answer).toMatchObject({ status: 404, body: { error: { code: 'PAYOUT_ITEM_NOT_FOUND' } } });
    expect(await audit('payout_exception.reinclude')).toEqual([
      expect.objectContaining({ actor: 'fiona', target: 'NO-SUCH-ITEM', outcome: 'PAYOUT_ITEM_NOT_FOUND' }),
    ]);
  });
});
