import { z } from 'zod';
import {
  calendarDate,
  decimalRatio,
  int,
  jsonStringArray,
  jsonText,
  looseString,
  optionalTaiwanTimestamp,
  optionalTwd,
  payToken,
  taiwanDateOrTimestamp,
  taiwanTimestamp,
  twd,
} from './fields';
import { addCalendar } from './taiwan-time';

describe('amount codecs', () => {
  it('decodes numbers and numeric strings to whole TWD and encodes numbers', () => {
    expect(twd.parse('100')).toBe(100);
    expect(twd.parse(50)).toBe(50);
    expect(twd.parse('50.00')).toBe(50);
    expect(z.encode(twd, twd.parse('100'))).toBe(100);
  });

  it('refuses fractions and negatives', () => {
    expect(twd.safeParse('10.5').success).toBe(false);
    expect(twd.safeParse(10.5).success).toBe(false);
    expect(twd.safeParse(-1).success).toBe(false);
  });

  it('reads an empty optional amount as null and writes it back as ""', () => {
    expect(optionalTwd.parse('')).toBeNull();
    expect(optionalTwd.parse(null)).toBeNull();
    expect(optionalTwd.parse('7')).toBe(7);
    expect(z.encode(optionalTwd, null)).toBe('');
  });

  it('reads integers from strings', () => {
    expect(int.parse('2')).toBe(2);
    expect(int.safeParse('2.5').success).toBe(false);
  });
});

describe('time codecs', () => {
  it('reads a Taiwan timestamp as the instant (UTC+8) and writes it back', () => {
    const instant = taiwanTimestamp.parse('20210917134815');
    expect(instant.toISOString()).toBe('2021-09-17T05:48:15.000Z');
    expect(z.encode(taiwanTimestamp, instant)).toBe('20210917134815');
  });

  it('crosses midnight correctly: 00:30 Taiwan is the previous UTC day', () => {
    expect(taiwanTimestamp.parse('20220101003000').toISOString()).toBe('2021-12-31T16:30:00.000Z');
  });

  it('refuses impossible timestamps', () => {
    expect(taiwanTimestamp.safeParse('20210230120000').success).toBe(false);
    expect(taiwanTimestamp.safeParse('20210917246000').success).toBe(false);
    expect(taiwanTimestamp.safeParse('2021-09-17').success).toBe(false);
  });

  it('reads an empty optional timestamp as null', () => {
    expect(optionalTaiwanTimestamp.parse('')).toBeNull();
    expect(z.encode(optionalTaiwanTimestamp, null)).toBe('');
  });

  it('reads YYYYMMDD or YYYYMMDDHHmmss where the seed says one and shows the other', () => {
    expect(taiwanDateOrTimestamp.parse('20200227')?.toISOString()).toBe('2020-02-26T16:00:00.000Z');
    expect(taiwanDateOrTimestamp.parse('20200227165440')?.toISOString()).toBe('2020-02-27T08:54:40.000Z');
    expect(taiwanDateOrTimestamp.parse('')).toBeNull();
  });

  it('keeps calendar dates as validated text', () => {
    expect(calendarDate.parse('20240229')).toBe('20240229');
    expect(calendarDate.safeParse('20230229').success).toBe(false);
  });

  it('adds calendar years and days without any time zone', () => {
    expect(addCalendar('20210917', 1, -1)).toBe('20220916');
    expect(addCalendar('20240229', 1, -1)).toBe('20250228');
    expect(addCalendar('20211231', 0, 1)).toBe('20220101');
  });
});

describe('JSON inside strings', () => {
  it('parses serial lists, PHP escapes included, and writes them back as JSON text', () => {
    expect(jsonStringArray.parse('["A00049","A00050"]')).toEqual(['A00049', 'A00050']);
    expect(jsonStringArray.parse('["A\\/1"]')).toEqual(['A/1']);
    expect(jsonStringArray.parse('')).toEqual([]);
    expect(z.encode(jsonStringArray, ['A00049', 'A00050'])).toBe('["A00049","A00050"]');
  });

  it('refuses what is not a list of strings', () => {
    expect(jsonStringArray.safeParse('[1,2]').success).toBe(false);
    expect(jsonStringArray.safeParse('{"a":1}').success).toBe(false);
    expect(jsonStringArray.safeParse('[').success).toBe(false);
  });

  it('parses free JSON text and reads "" as null', () => {
    expect(jsonText.parse('{"a":[1]}')).toEqual({ a: [1] });
    expect(jsonText.parse('')).toBeNull();
    expect(jsonText.safeParse('{').success).toBe(false);
  });

  it('reads the offline pay_token in both formats', () => {
    expect(payToken.parse('MYTIX12345678ABCDEFGH')).toBe('MYTIX12345678ABCDEFGH');
    expect(payToken.parse('["WU00000001","WU00000002"]')).toEqual(['WU00000001', 'WU00000002']);
    expect(z.encode(payToken, ['WU00000001'])).toBe('["WU00000001"]');
  });
});

describe('text codecs', () => {
  it('reads numeric ids as text', () => {
    expect(looseString.parse(81127)).toBe('81127');
    expect(looseString.parse('93')).toBe('93');
  });

  it('keeps sharing ratios exact and canonical', () => {
    expect(decimalRatio.parse(0.1)).toBe('0.1');
    expect(decimalRatio.parse('0.10')).toBe('0.1');
    expect(decimalRatio.safeParse('abc').success).toBe(false);
  });
});
