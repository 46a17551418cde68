import { businessDate } from '@tixclear/domain';
import { PartnerStatementError, PartnerStatementErrorCode } from './errors';

/** A statement's period: one business date, or a calendar month (Taiwan dates, both ends inclusive). */
export interface StatementPeriod {
  /** As asked: `2026-11-20` or `2026-11`. */
  label: string;
  start: string;
  end: string;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** `2026-11-20` is that day, `2026-11` the month; anything else is `STATEMENT_PERIOD_INVALID` (field `period`). */
export function statementPeriod(text: string): StatementPeriod {
  const month = MONTH.exec(text);
  if (month) {
    const [, year = '', mm = ''] = month;
    // Day 0 of the next month is this month's last day (UTC: no time zone involved).
    const last = new Date(Date.UTC(Number(year), Number(mm), 0)).getUTCDate();
    return { label: text, start: `${year}-${mm}-01`, end: `${year}-${mm}-${String(last).padStart(2, '0')}` };
  }
  try {
    return { label: text, start: businessDate(text, 'period'), end: text };
  } catch {
    throw new PartnerStatementError(
      PartnerStatementErrorCode.PeriodInvalid,
      `period must be a business date (2026-11-20) or a month (2026-11), not ${JSON.stringify(text)}`,
      'period',
    );
  }
}

/** The business date before `date` (the day whose end is a period's opening). */
export function dayBefore(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() - 1);
  return day.toISOString().slice(0, 10);
}
