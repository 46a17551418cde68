import { describe, expect, it } from '@jest/globals';
import { alterItems } from './answer-faults';
import { Faults } from './faults';
import { mulberry32, type Random } from './ports';

/* The fault plan on its own: targeting, limits, probabilities drawn from the seeded stream. */

const NOW = () => new Date('2025-01-01T00:00:00Z');

function faults(seed = 1): Faults {
  const random: Random = mulberry32(seed);
  return new Faults(() => random, NOW);
}

const target = (command?: string, merchant = 'S1') => ({ command, merchant });

describe('Faults', () => {
  it('fires a rule limited to `times`, then no more', () => {
    const plan = faults();
    plan.addRules([{ command: 'api/vouchertransaction', fault: 'commit_then_drop', times: 1 }]);
    expect(plan.afterCommit(target('voucherquery'))).toBeUndefined();
    expect(plan.afterCommit(target('vouchertransaction'))?.fault).toBe('commit_then_drop');
    expect(plan.afterCommit(target('vouchertransaction'))).toBeUndefined();
    expect(plan.snapshot().fired).toHaveLength(1);
  });

  it('adds latencies and lets the first response fault win', () => {
    const plan = faults();
    plan.addRules([
      { fault: 'latency', ms: 10 },
      { fault: 'latency', ms: 5, command: ['orders', 'voucherquery'] },
      { fault: 'http_429' },
      { fault: 'reset' },
    ]);
    const decision = plan.beforeRequest(target('voucherquery'));
    expect(decision.latencyMs).toBe(15);
    expect(decision.fault?.fault).toBe('http_429');
    // A rule with a command never matches a request whose command could not be read.
    expect(plan.beforeRequest(target(undefined)).latencyMs).toBe(10);
  });

  it('targets requests on a reused keep-alive connection, or on a fresh one', () => {
    const plan = faults();
    plan.addRules([
      { fault: 'reset', reusedConnection: true },
      { fault: 'commit_then_status', status: 302, reusedConnection: false },
    ]);
    expect(plan.beforeRequest({ ...target('orders'), reusedConnection: false }).fault).toBeUndefined();
    expect(plan.beforeRequest({ ...target('orders'), reusedConnection: true }).fault?.fault).toBe('reset');
    expect(plan.afterCommit({ ...target('orders'), reusedConnection: true })).toBeUndefined();
    expect(plan.afterCommit({ ...target('orders'), reusedConnection: false })).toMatchObject({
      fault: 'commit_then_status',
      status: 302,
    });
  });

  it('refuses by payee account only once the request is read, and only a request naming it', () => {
    const plan = faults();
    plan.addRules([{ command: 'payoffremittance', fault: 'refuse', code: '100', userId: 'bad' }]);
    const create = target('payoffremittance');
    expect(plan.beforeRequest(create).fault).toBeUndefined();
    expect(plan.forPayees({ ...create, userIds: ['good', 'other'] })).toBeUndefined();
    expect(plan.forPayees({ ...create, userIds: ['good', 'bad'] })).toMatchObject({
      fault: 'refuse',
      code: '100',
    });
  });

  it('targets merchants', () => {
    const plan = faults();
    plan.addRules([{ fault: 'system_error', merchant: 'S2' }]);
    expect(plan.beforeRequest(target('orders', 'S1')).fault).toBeUndefined();
    expect(plan.beforeRequest(target('orders', 'S2')).fault?.fault).toBe('system_error');
  });

  it('draws probabilities from the seeded stream: the same seed, the same firings', () => {
    const firings = (seed: number) => {
      const plan = faults(seed);
      plan.addRules([{ fault: 'reset', probability: 0.3 }]);
      return Array.from({ length: 50 }, () =>
        plan.beforeRequest(target('orders')).fault === undefined ? '.' : 'x',
      ).join('');
    };
    expect(firings(5)).toBe(firings(5));
    expect(firings(5)).not.toBe(firings(6));
    const hits = [...firings(5)].filter((c) => c === 'x').length;
    expect(hits).toBeGreaterThan(5);
    expect(hits).toBeLessThan(30);
  });

  it('decides report faults: suppress wins, duplicate and hold combine', () => {
    const plan = faults();
    plan.addRules([
      { fault: 'notify_duplicate', command: 'orders' },
      { fault: 'notify_out_of_order', command: 'orders', ms: 50 },
      { fault: 'notify_suppress', command: 'voucherrefund' },
    ]);
    expect(plan.forReport(target('orders'))).toEqual({ suppress: false, duplicate: true, holdMs: 50 });
    expect(plan.forReport(target('voucherrefund'))).toEqual({
      suppress: true,
      duplicate: false,
      holdMs: undefined,
    });
    expect(plan.forReport(target('vouchertransaction'))).toEqual({
      suppress: false,
      duplicate: false,
      holdMs: undefined,
    });
  });

  it('lies about a redemption answer’s vouchers: one more, or one fewer', () => {
    const plan = faults();
    plan.addRules([
      { command: 'vouchertransaction', fault: 'items_extra', serial: 'X1', times: 1 },
      { command: 'voucheroffline', fault: 'items_missing', times: 1 },
    ]);
    const online = { code: '250', items: [{ id: 'H01', serial_number: 'A', is_paid: 1 }] };
    const lie = plan.forAnswer(target('vouchertransaction'));
    expect(alterItems('vouchertransaction', online, lie!)).toEqual({
      code: '250',
      items: [online.items[0], { id: 'H01', serial_number: 'X1', is_paid: 1 }],
    });
    expect(plan.forAnswer(target('vouchertransaction'))).toBeUndefined();
    const till = {
      code: 'B200',
      content: { code: '250', items: [{ id: 'H01', vouchers: [{ serial_no: 'A' }] }] },
    };
    expect(alterItems('voucheroffline', till, plan.forAnswer(target('voucheroffline'))!)).toEqual({
      code: 'B200',
      content: { code: '250', items: [] },
    });
  });

  it('validates rules and refuses duplicate ids', () => {
    const plan = faults();
    expect(() => plan.addRules([{ fault: 'reset', probability: 2 }])).toThrow();
    plan.addRules([{ id: 'mine', fault: 'reset' }]);
    expect(() => plan.addRules([{ id: 'mine', fault: 'garbage' }])).toThrow();
    expect(plan.removeRule('mine')).toBe(true);
    expect(plan.removeRule('mine')).toBe(false);
  });
});
