import { describe, expect, it } from '@jest/globals';
import { chooseVouchers, type ReleasableVoucher } from './voucher-choice';

const of = (...costs: number[]): ReleasableVoucher[] =>
  costs.map((cost, i) => ({ id: `v${i}`, cost, serial: `S${String(i).padStart(3, '0')}` }));

describe('chooseVouchers', () => {
  it('takes the fewest vouchers worth exactly the amount, not the largest first', () => {
    expect(chooseVouchers(of(60, 50, 50), 100)).toEqual({ kind: 'chosen', ids: ['v1', 'v2'] });
    expect(chooseVouchers(of(60, 50, 50), 110)).toEqual({ kind: 'chosen', ids: ['v0', 'v1'] });
    // Greedy takes 100 then fails on 20; 60 + 60 is exact.
    expect(chooseVouchers(of(100, 60, 60, 50), 120)).toEqual({ kind: 'chosen', ids: ['v1', 'v2'] });
    // Four of 50 or two of 100: two.
    expect(chooseVouchers(of(50, 50, 50, 50, 100, 100), 200)).toEqual({ kind: 'chosen', ids: ['v4', 'v5'] });
  });

  it('breaks ties the same way whatever the order given: most of the largest value, then the lowest serials', () => {
    // 150 = 100 + 50 = 90 + 60: both two vouchers; the one with the 100 wins.
    const vouchers = of(50, 60, 90, 100, 50);
    expect(chooseVouchers(vouchers, 150)).toEqual({ kind: 'chosen', ids: ['v3', 'v0'] });
    expect(chooseVouchers([...vouchers].reverse(), 150)).toEqual({ kind: 'chosen', ids: ['v3', 'v0'] });
  });

  it('finds none for part of a voucher, more than all of them, nothing or a non-amount', () => {
    expect(chooseVouchers(of(50, 50), 70)).toEqual({ kind: 'none' });
    expect(chooseVouchers(of(50, 50), 150)).toEqual({ kind: 'none' });
    expect(chooseVouchers(of(50, 50), 0)).toEqual({ kind: 'none' });
    expect(chooseVouchers(of(50, 50), -50)).toEqual({ kind: 'none' });
    expect(chooseVouchers(of(50, 50), 50.5)).toEqual({ kind: 'none' });
    expect(chooseVouchers([], 50)).toEqual({ kind: 'none' });
  });

  it('stops at its bound rather than searching without end, and says so', () => {
    // Distinct values whose sums never hit the amount: the search must try them all.
    const vouchers = of(...Array.from({ length: 40 }, (_, i) => 1000 + 2 * i));
    expect(chooseVouchers(vouchers, 20_001, 1_000)).toEqual({ kind: 'bound', visited: 1_000 });
    // The same purchase with the default bound, an amount it makes: found.
    expect(chooseVouchers(vouchers, 1000 + 1078)).toMatchObject({ kind: 'chosen' });
  });
});
