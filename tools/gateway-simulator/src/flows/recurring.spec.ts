import { describe, expect, it } from '@jest/globals';
import { chargeDueAt } from './recurring';

const at = (iso: string) => new Date(iso);

describe('chargeDueAt', () => {
  it('counts weeks, fortnights, and months on the Taiwan calendar; a one-off has no later charge', () => {
    const first = at('2026-12-05T10:00:00+08:00');
    expect(chargeDueAt(first, 'W', 2)).toEqual(at('2026-12-12T10:00:00+08:00'));
    expect(chargeDueAt(first, 'F', 3)).toEqual(at('2027-01-02T10:00:00+08:00'));
    expect(chargeDueAt(first, 'M', 2)).toEqual(at('2027-01-05T10:00:00+08:00'));
    expect(chargeDueAt(first, 'S', 2)).toEqual(at('2027-03-05T10:00:00+08:00'));
    expect(chargeDueAt(first, 'H', 2)).toEqual(at('2027-06-05T10:00:00+08:00'));
    expect(chargeDueAt(first, 'A', 3)).toEqual(at('2028-12-05T10:00:00+08:00'));
    expect(chargeDueAt(first, 'O', 2)).toBeNull();
  });

  it("keeps the day of the month, or the month's last; a Taiwan day just after midnight stays that day", () => {
    expect(chargeDueAt(at('2027-01-31T12:00:00+08:00'), 'M', 2)).toEqual(at('2027-02-28T12:00:00+08:00'));
    expect(chargeDueAt(at('2027-01-31T12:00:00+08:00'), 'M', 3)).toEqual(at('2027-03-31T12:00:00+08:00'));
    // 00:30 on 1 March in Taiwan is still 28 February in UTC.
    expect(chargeDueAt(at('2027-03-01T00:30:00+08:00'), 'M', 2)).toEqual(at('2027-04-01T00:30:00+08:00'));
  });
});
