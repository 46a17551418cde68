import { isTaiwanDate, isTaiwanTimestamp, parseTaiwanDate, parseTaiwanTimestamp } from '@tixclear/domain';

/*
 * Protocol timestamps (`YYYYMMDDHHmmss`) and dates (`YYYYMMDD`) are Taiwan time; the conversions are the
 * domain's. What is here is what the wire needs on top: non-throwing parsers for zod refinements, and calendar
 * arithmetic on `YYYYMMDD` for the trust-period rule.
 */

export { formatTaiwanTimestamp, isTaiwanDate } from '@tixclear/domain';

/** The instant of a Taiwan timestamp, or `undefined` when it is malformed or impossible. */
export function readTaiwanTimestamp(text: string): Date | undefined {
  return isTaiwanTimestamp(text) ? parseTaiwanTimestamp(text) : undefined;
}

/** 00:00 Taiwan time of a `YYYYMMDD` day, or `undefined` when it is not a real date. */
export function readTaiwanDate(text: string): Date | undefined {
  return isTaiwanDate(text) ? parseTaiwanDate(text) : undefined;
}

const DATE = /^(\d{4})(\d{2})(\d{2})$/;
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * `YYYYMMDD` moved by whole years and days, on the civil calendar (UTC fields, no instant involved, so no
 * offset can shift the day). Feb 29 plus one year is Mar 1 (Date.UTC overflow), the lenient reading.
 */
export function addCalendar(text: string, years: number, days: number): string | undefined {
  const m = DATE.exec(text);
  if (m === null || !isTaiwanDate(text)) return undefined;
  const [, y, mo, d] = m.map(Number) as [number, number, number, number];
  const t = new Date(Date.UTC(y + years, mo - 1, d + days));
  return pad(t.getUTCFullYear(), 4) + pad(t.getUTCMonth() + 1) + pad(t.getUTCDate());
}
