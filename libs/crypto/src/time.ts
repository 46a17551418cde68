/*
 * Instants are compared as epoch milliseconds. Calendar arithmetic happens in Taiwan time (Asia/Taipei): the
 * gateway issues keys there, and it is a fixed UTC+8 with no daylight saving, so a day is always 24 hours and
 * shifting by the offset lets the UTC calendar methods do Taipei calendar work.
 */

export const DAY_MS = 86_400_000;
const TAIPEI_OFFSET_MS = 8 * 3_600_000;

export function isValidDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

/**
 * The same wall-clock time one calendar year later in Taipei. 29 February becomes 28 February (the day a year
 * of validity ends cannot be pushed into March).
 */
export function addOneCalendarYearInTaipei(instant: Date): Date {
  const wall = new Date(instant.getTime() + TAIPEI_OFFSET_MS);
  const month = wall.getUTCMonth();
  wall.setUTCFullYear(wall.getUTCFullYear() + 1);
  // 29 Feb + 1 year rolls over to 1 Mar; day 0 of March is the last day of February, time of day kept.
  if (wall.getUTCMonth() !== month) wall.setUTCDate(0);
  return new Date(wall.getTime() - TAIPEI_OFFSET_MS);
}
