import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createSettlement } from '../settlement';
import { DATE, paidPayment, paymentsStack, refund, STORE, type PaymentsStack } from './testing/payments-day';

/* The nightly run's posting step books the payments ledger: a run of the date, then the same run again. */

describe('a settlement run with PayPage traffic', () => {
  let stack: PaymentsStack;
  let root: string;
  beforeAll(async () => {
    stack = await paymentsStack();
    root = mkdtempSync(path.join(tmpdir(), 'tixclear-payments-run-'));
  }, 60_000);
  afterAll(async () => {
    rmSync(root, { recursive: true, force: true });
    await stack.close();
  });

  it('posts payments and refunds in its posting step, once, the receivable equal to the gateway', async () => {
    const order = await paidPayment(stack, 500);
    expect((await refund(stack, order, 200)).body.code).toBe('B200');
    const settlement = createSettlement({
      dataSource: stack.db.dataSource,
      registry: stack.registry,
      gateway: stack.gateway,
      exportRoot: root,
    });
    const first = await settlement.runner.run(DATE, DATE, { payoutWaitMs: 0 });
    expect(first).not.toBe('busy');
    const entries = () =>
      stack.db.dataSource.query<{ kind: string; run_id: string }[]>(
        `SELECT kind, run_id::text FROM journal_entries WHERE kind IN ('payment', 'payment_refund') ORDER BY kind`,
      );
    const posted = await entries();
    expect(posted.map((e) => e.kind)).toEqual(['payment', 'payment_refund']);
    expect(new Set(posted.map((e) => e.run_id))).toEqual(new Set([first === 'busy' ? '' : first.run.id]));
    await settlement.runner.run(DATE, DATE, { payoutWaitMs: 0 });
    expect(await entries()).toEqual(posted);
    const [{ sum }] = await stack.db.dataSource.query<[{ sum: string }]>(
      `SELECT sum(amount)::text AS sum FROM journal_lines WHERE account = 'gateway_receivable' AND party = $1`,
      [`merchant:${STORE}`],
    );
    expect(Number(sum)).toBe(stack.sim.control.holdings(STORE, DATE.replaceAll('-', '')).total);
    expect(Number(sum)).toBe(300);
  }, 60_000);
});
