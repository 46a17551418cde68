import fc from 'fast-check';
import { InvalidIdentifierError, type IdentifierProblem } from './domain-errors';
import {
  businessDate,
  formatTaiwanDate,
  formatTaiwanTimestamp,
  isBusinessDate,
  isTaiwanDate,
  isTaiwanTimestamp,
  parseTaiwanDate,
  parseTaiwanTimestamp,
  startOfBusinessDate,
  taiwanBusinessDate,
} from './taiwan-time';

function expectRefused(action: () => unknown, field: string, problem: IdentifierProblem): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InvalidIdentifierError);
  const error = caught as InvalidIdentifierError;
  expect(error.code).toBe('ID_INVALID');
  expect(error.field).toBe(field);
  expect(error.problem).toBe(problem);
}

const iso = (d: Date): string => d.toISOString();

describe('the Taiwan day boundary', () => {
  it('2026-11-20T16:00:00Z is 2026-11-21 00:00:00 in Taiwan', () => {
    const instant = new Date('2026-11-20T16:00:00Z');
    expect(formatTaiwanTimestamp(instant)).toBe('20261121000000');
    expect(formatTaiwanDate(instant)).toBe('20261121');
    expect(taiwanBusinessDate(instant)).toBe('2026-11-21');
  });

  it('one millisecond earlier is still 2026-11-20', () => {
    const instant = new Date('2026-11-20T15:59:59.999Z');
    expect(formatTaiwanTimestamp(instant)).toBe('20261120235959');
    expect(formatTaiwanDate(instant)).toBe('20261120');
    expect(taiwanBusinessDate(instant)).toBe('2026-11-20');
  });

  it('parses both sides of the boundary to the right instants', () => {
    expect(iso(parseTaiwanTimestamp('20261121000000'))).toBe('2026-11-20T16:00:00.000Z');
    expect(iso(parseTaiwanTimestamp('20261120235959'))).toBe('2026-11-20T15:59:59.000Z');
    expect(iso(parseTaiwanDate('20261121'))).toBe('2026-11-20T16:00:00.000Z');
    expect(iso(startOfBusinessDate(businessDate('2026-11-21')))).toBe('2026-11-20T16:00:00.000Z');
  });

  it('crosses month and year ends', () => {
    expect(taiwanBusinessDate(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01');
    expect(formatTaiwanTimestamp(new Date('2028-02-28T16:30:00Z'))).toBe('20280229003000');
    expect(iso(parseTaiwanTimestamp('20270101000000'))).toBe('2026-12-31T16:00:00.000Z');
  });

  it('does not depend on the host time zone or DST (fixed UTC+8)', () => {
    // July, when many hosts are on summer time: still exactly 8 hours.
    expect(iso(parseTaiwanTimestamp('20260715120000'))).toBe('2026-07-15T04:00:00.000Z');
  });
});

describe('parseTaiwanTimestamp', () => {
  it('accepts leap days and the last second of a day', () => {
    expect(iso(parseTaiwanTimestamp('20240229235959'))).toBe('2024-02-29T15:59:59.000Z');
    expect(iso(parseTaiwanTimestamp('20000229000000'))).toBe('2000-02-28T16:00:00.000Z');
  });

  it.each([
    ['20260230120000', 'calendar'],
    ['20250229120000', 'calendar'],
    ['19000229120000', 'calendar'],
    ['20261301120000', 'calendar'],
    ['20260001120000', 'calendar'],
    ['20260100120000', 'calendar'],
    ['20260431120000', 'calendar'],
    ['20261121240000', 'calendar'],
    ['20261121236000', 'calendar'],
    ['20261121235960', 'calendar'],
    ['00000000000000', 'range'],
    ['09991231235959', 'range'],
    ['2026112112000', 'format'],
    ['202611211200000', 'format'],
    ['2026-11-21 12:00:00', 'format'],
    ['2026112112000a', 'format'],
    ['２０２６１１２１１２００００', 'format'],
    [' 20261121120000', 'format'],
    ['', 'format'],
  ] as const)('refuses %p (%s)', (text, problem) => {
    expectRefused(() => parseTaiwanTimestamp(text, 'finishtime'), 'finishtime', problem);
    expect(isTaiwanTimestamp(text)).toBe(false);
  });

  it('refuses non-strings and names the default field', () => {
    expectRefused(() => parseTaiwanTimestamp(20261121120000 as unknown as string), 'timestamp', 'type');
  });
});

describe('parseTaiwanDate and businessDate', () => {
  it('accept real dates only', () => {
    expect(isTaiwanDate('20261121')).toBe(true);
    expect(isTaiwanDate('20261131')).toBe(false);
    expectRefused(() => parseTaiwanDate('20260229', 'trust_end_date'), 'trust_end_date', 'calendar');
    expectRefused(() => parseTaiwanDate('2026-11-21'), 'date', 'format');
    expect(businessDate('2024-02-29')).toBe('2024-02-29');
    expect(isBusinessDate('2026-02-29')).toBe(false);
    expect(isBusinessDate('20261121')).toBe(false);
    expectRefused(() => businessDate(null), 'business_date', 'type');
  });
});

describe('formatting', () => {
  it('truncates milliseconds instead of rounding up', () => {
    expect(formatTaiwanTimestamp(new Date('2026-11-20T15:59:59.999Z'))).toBe('20261120235959');
  });

  it('refuses invalid dates and years beyond four digits', () => {
    expectRefused(() => formatTaiwanTimestamp(new Date(Number.NaN)), 'instant', 'range');
    expectRefused(() => formatTaiwanDate(new Date('+010000-01-01T00:00:00Z')), 'instant', 'range');
    expectRefused(() => taiwanBusinessDate('2026-11-21' as unknown as Date), 'instant', 'range');
  });
});

describe('round trips', () => {
  const instants = fc.date({
    min: new Date('1000-01-01T00:00:00Z'),
    max: new Date('9999-12-31T15:59:59Z'),
    noInvalidDate: true,
  });

  it('parse(format(instant)) is the instant truncated to the second', () => {
    fc.assert(
      fc.property(instants, (instant) => {
        const seconds = Math.floor(instant.getTime() / 1000) * 1000;
        expect(parseTaiwanTimestamp(formatTaiwanTimestamp(instant)).getTime()).toBe(seconds);
      }),
    );
  });

  it('format(parse(text)) is the text for every valid timestamp', () => {
    const texts = fc
      .record({
        year: fc.integer({ min: 1000, max: 9999 }),
        month: fc.integer({ min: 1, max: 12 }),
        day: fc.integer({ min: 1, max: 31 }),
        hour: fc.integer({ min: 0, max: 23 }),
        minute: fc.integer({ min: 0, max: 59 }),
        second: fc.integer({ min: 0, max: 59 }),
      })
      // Day 0 of the next month is the last day of this one (years ≥ 1000, so Date.UTC takes them literally).
      .filter(({ year, month, day }) => day <= new Date(Date.UTC(year, month, 0)).getUTCDate())
      .map(({ year, month, day, hour, minute, second }) =>
        [year, month, day, hour, minute, second]
          .map((n, i) => String(n).padStart(i === 0 ? 4 : 2, '0'))
          .join(''),
      );
    fc.assert(
      fc.property(texts, (text) => {
        expect(formatTaiwanTimestamp(parseTaiwanTimestamp(text))).toBe(text);
      }),
    );
  });

  it('the Taiwan date and business date of an instant agree, and the day starts at 16:00Z the day before', () => {
    fc.assert(
      fc.property(instants, (instant) => {
        const compact = formatTaiwanDate(instant);
        const day = taiwanBusinessDate(instant);
        expect(day.replaceAll('-', '')).toBe(compact);
        const start = startOfBusinessDate(day).getTime();
        expect(start).toBeLessThanOrEqual(instant.getTime());
        expect(instant.getTime()).toBeLessThan(start + 24 * 60 * 60 * 1000);
        expect(parseTaiwanDate(compact).getTime()).toBe(start);
      }),
    );
  });
});
