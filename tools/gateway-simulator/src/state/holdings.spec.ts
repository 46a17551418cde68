import { describe, expect, it } from '@jest/globals';
import { HOLDING_KINDS, Holdings } from './holdings';

describe('Holdings', () => {
  const at = (iso: string) => new Date(iso);

  it('sums movements by kind as of the end of a Taiwan day (the next 00:00 Taiwan time excluded)', () => {
    const h = new Holdings();
    h.record('S1', 'paypage_paid', 100, at('2026-12-05T10:00:00+08:00'), 'o1');
    h.record('S1', 'paypage_refund', -30, at('2026-12-05T23:59:59+08:00'), 'r1');
    h.record('S1', 'refund_cancelled', 30, at('2026-12-06T00:00:00+08:00'), 'r1');
    h.record('S2', 'paypage_paid', 7, at('2026-12-05T10:00:00+08:00'), 'o2');
    const day = h.balance('S1', '20261205');
    expect(day).toMatchObject({
      merchant: 'S1',
      date: '20261205',
      asOf: '2026-12-05T16:00:00.000Z',
      total: 70,
      movements: 2,
    });
    expect(day.byKind).toMatchObject({ paypage_paid: 100, paypage_refund: -30, refund_cancelled: 0 });
    expect(Object.keys(day.byKind)).toEqual([...HOLDING_KINDS]);
    expect(h.balance('S1', '20261206').total).toBe(100);
    expect(h.balance('S1', '20261204').total).toBe(0);
    expect(h.balance('S1')).toMatchObject({ date: null, asOf: null, total: 100, movements: 3 });
  });

  it('keeps no zero movement and refuses a fractional one', () => {
    const h = new Holdings();
    h.record('S1', 'redemption_fees', 0, at('2026-12-05T10:00:00+08:00'), 'x');
    expect(h.movements('S1')).toEqual([]);
    expect(() => h.record('S1', 'redemption_fees', -1.5, at('2026-12-05T10:00:00+08:00'), 'x')).toThrow(
      /whole TWD/,
    );
    h.record('S1', 'payoff_paid', -5, at('2026-12-05T10:00:00+08:00'), 'g/P1');
    h.reset();
    expect(h.balance('S1').total).toBe(0);
  });

  it('refuses a date that is not YYYYMMDD', () => {
    expect(() => new Holdings().balance('S1', '2026-12-05')).toThrow();
  });
});
