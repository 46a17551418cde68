import { InvalidIdentifierError } from './domain-errors';
import type { Brand } from './identifiers';

/*
 * Protocol times are Taiwan wall-clock times (Asia/Taipei). Taiwan has kept UTC+8 without daylight saving since
 * 1979, so a fixed offset is exact for every date this engine will see, and it spares us the host's time-zone
 * database (containers often ship without one, and `TZ` must never change a settlement date).
 */
const TAIPEI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** A Taiwan calendar day as `YYYY-MM-DD`: the key of business days, settlement runs and `date` columns. */
export type BusinessDate = Brand<string, 'BusinessDate'>;

// `\d` in a JS regex without the `u` flag is ASCII 0-9 only: full-width digits are refused.
const TIMESTAMP = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

// Four-digit years from 1000: what the formats can express, so that format(parse(s)) === s always holds.
const MIN_YEAR = 1000;
const MAX_YEAR = 9999;

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function fail(field: string, problem: 'type' | 'format' | 'calendar' | 'range', what: string): never {
  const text = {
    type: 'must be a string',
    format: 'has the wrong format',
    calendar: 'is not a real date or time',
    range: 'is out of range',
  }[problem];
  throw new InvalidIdentifierError(field, problem, `${what} ${text}`);
}

function checkCalendar(clock: WallClock, field: string, what: string): void {
  const { year, month, day, hour, minute, second } = clock;
  if (year < MIN_YEAR) fail(field, 'range', what);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) fail(field, 'calendar', what);
  // No second 60: the gateway's clocks do not emit leap seconds and Date cannot hold one.
  if (hour > 23 || minute > 59 || second > 59) fail(field, 'calendar', what);
}

function toInstant(clock: WallClock): Date {
  // Date.UTC maps years 0–99 to 19xx, but years here are ≥ 1000.
  const utc = Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second);
  return new Date(utc - TAIPEI_OFFSET_MS);
}

function toWallClock(instant: Date, field: string): WallClock {
  const time = instant instanceof Date ? instant.getTime() : Number.NaN;
  if (Number.isNaN(time)) fail(field, 'range', 'instant');
  const shifted = new Date(time + TAIPEI_OFFSET_MS);
  const clock = {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
  };
  if (clock.year < MIN_YEAR || clock.year > MAX_YEAR) fail(field, 'range', 'instant');
  return clock;
}

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

function parseDigits(value: unknown, pattern: RegExp, field: string, what: string): number[] {
  if (typeof value !== 'string') fail(field, 'type', what);
  const match = pattern.exec(value);
  if (!match) fail(field, 'format', what);
  return match.slice(1).map(Number);
}

/**
 * Reads `YYYYMMDDHHmmss` (Taiwan time) as an instant. Refuses impossible values (20260230…, hour 24) instead of
 * letting `Date` roll them over into another day.
 */
export function parseTaiwanTimestamp(value: string, field = 'timestamp'): Date {
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = parseDigits(
    value,
    TIMESTAMP,
    field,
    'timestamp',
  );
  const clock = { year, month, day, hour, minute, second };
  checkCalendar(clock, field, 'timestamp');
  return toInstant(clock);
}

/**
 * Writes an instant as `YYYYMMDDHHmmss` in Taiwan time. Milliseconds are truncated, never rounded up, so the
 * text never names a second that had not begun yet.
 */
export function formatTaiwanTimestamp(instant: Date): string {
  const c = toWallClock(instant, 'instant');
  return `${pad(c.year, 4)}${pad(c.month, 2)}${pad(c.day, 2)}${pad(c.hour, 2)}${pad(c.minute, 2)}${pad(c.second, 2)}`;
}

/** Reads `YYYYMMDD` (a Taiwan day) as the instant that day starts: 00:00 Taiwan time, 16:00 UTC the day before. */
export function parseTaiwanDate(value: string, field = 'date'): Date {
  const [year = 0, month = 0, day = 0] = parseDigits(value, COMPACT_DATE, field, 'date');
  const clock = { year, month, day, hour: 0, minute: 0, second: 0 };
  checkCalendar(clock, field, 'date');
  return toInstant(clock);
}

/** The Taiwan day of an instant as `YYYYMMDD`. */
export function formatTaiwanDate(instant: Date): string {
  const c = toWallClock(instant, 'instant');
  return `${pad(c.year, 4)}${pad(c.month, 2)}${pad(c.day, 2)}`;
}

/** The Taiwan business day of an instant as `YYYY-MM-DD` (2026-11-20T16:00:00Z is 2026-11-21). */
export function taiwanBusinessDate(instant: Date): BusinessDate {
  const c = toWallClock(instant, 'instant');
  return `${pad(c.year, 4)}-${pad(c.month, 2)}-${pad(c.day, 2)}` as BusinessDate;
}

/** Validates a `YYYY-MM-DD` business day (from a database `date` column, a query string, configuration). */
export function businessDate(value: unknown, field = 'business_date'): BusinessDate {
  const [year = 0, month = 0, day = 0] = parseDigits(value, ISO_DATE, field, 'business date');
  checkCalendar({ year, month, day, hour: 0, minute: 0, second: 0 }, field, 'business date');
  return value as BusinessDate;
}

/** The instant a Taiwan business day starts; the day ends where the next one starts (cut-offs are half-open). */
export function startOfBusinessDate(date: BusinessDate): Date {
  return parseTaiwanDate(businessDate(date).replaceAll('-', ''));
}

export function isTaiwanTimestamp(value: unknown): value is string {
  return succeeds(() => parseTaiwanTimestamp(value as string));
}

export function isTaiwanDate(value: unknown): value is string {
  return succeeds(() => parseTaiwanDate(value as string));
}

export function isBusinessDate(value: unknown): value is BusinessDate {
  return succeeds(() => businessDate(value));
}

function succeeds(attempt: () => unknown): boolean {
  try {
    attempt();
    return true;
  } catch (error) {
    if (error instanceof InvalidIdentifierError) return false;
    throw error;
  }
}
