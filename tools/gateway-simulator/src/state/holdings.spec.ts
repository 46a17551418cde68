import { describe, expect, it } from '@jest/globals';
import { HOLDING_KINDS, Holdings, trustEndsAt, type TrustedVoucher } from './holdings';

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

  describe('the end of a trust (docs/protocol.md §7)', () => {
    const voucher = (serial: string, extra: Partial<TrustedVoucher> = {}): TrustedVoucher => ({
      issuerUid: 'S1',
      serial,
      isPaid: true,
      cost: 120,
      trustEndDate: '20261205',
      usedAt: null,
      ...extra,
    });

    it('ends at the next 00:00 Taiwan time after its last day', () => {
      expect(trustEndsAt('20261205').toISOString()).toBe('2026-12-05T16:00:00.000Z');
    });

    it('releases each paid voucher still unused at that instant, −cost, counted on the day after, once', () => {
      const h = new Holdings();
      h.record('S1', 'voucher_purchase_paid', 360 + 50, at('2026-12-01T10:00:00+08:00'), 'P1');
      const vouchers = [
        voucher('A'),
        // redeemed on its last day: not released
        voucher('B', { usedAt: at('2026-12-05T23:59:59+08:00') }),
        // a gift carries no money
        voucher('G', { isPaid: false, cost: 50 }),
        // redeemed after its trust was over (a gateway that let it through): the trust had released it
        voucher('C', { usedAt: at('2026-12-06T00:00:00+08:00') }),
        // its trust ends a day later
        voucher('D', { trustEndDate: '20261206' }),
        voucher('A', { issuerUid: 'S2' }),
      ];
      // Not before the last day is over.
      expect(h.expireTrusts(vouchers, at('2026-12-05T23:59:59.999+08:00'))).toBe(0);
      expect(h.expireTrusts(vouchers, at('2026-12-06T00:00:00+08:00'))).toBe(3);
      expect(h.expireTrusts(vouchers, at('2026-12-06T09:00:00+08:00'))).toBe(0);
      const released = h.movements('S1').filter((m) => m.kind === 'trust_expiry');
      expect(released.map((m) => [m.ref, m.amount, m.at.toISOString()])).toEqual([
        ['A', -120, '2026-12-05T16:00:00.000Z'],
        ['C', -120, '2026-12-05T16:00:00.000Z'],
      ]);
      expect(h.movements('S2').map((m) => [m.kind, m.ref, m.amount])).toEqual([['trust_expiry', 'A', -120]]);
      // The last day's balance still holds them; the day after does not.
      expect(h.balance('S1', '20261205').byKind.trust_expiry).toBe(0);
      expect(h.balance('S1', '20261206')).toMatchObject({ total: 410 - 240 });
      expect(h.expireTrusts(vouchers, at('2026-12-07T00:00:00+08:00'))).toBe(1);
      expect(h.balance('S1', '20261207').byKind.trust_expiry).toBe(-360);
      h.reset();
      expect(h.expireTrusts(vouchers, at('2026-12-07T00:00:00+08:00'))).toBe(4);
    });

    it('lists movements oldest first, a trust end recorded late included', () => {
      const h = new Holdings();
      h.record('S1', 'voucher_purchase_paid', 120, at('2026-12-01T10:00:00+08:00'), 'P1');
      h.record('S1', 'paypage_paid', 10, at('2026-12-08T10:00:00+08:00'), 'O1');
      h.expireTrusts([voucher('A')], at('2026-12-09T10:00:00+08:00'));
      expect(h.movements('S1').map((m) => m.kind)).toEqual([
        'voucher_purchase_paid',
        'trust_expiry',
        'paypage_paid',
      ]);
    });
  });
});
