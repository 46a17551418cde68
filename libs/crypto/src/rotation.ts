import { KeyFormatError } from './errors';
import { addOneCalendarYearInTaipei, DAY_MS, isValidDate } from './time';

/*
 * The gateway's key life cycle (docs/protocol.md §1): a key is valid for one year; its successor is issued 7 days
 * before it expires; both work during those 7 days. Pure functions of their arguments: time is passed in.
 */

/** How long before a key's expiry its successor is issued (and so how long the two overlap). */
export const SUCCESSOR_LEAD_DAYS = 7;

/** The warning windows, in days before expiry, smallest first. */
export const WARNING_WINDOWS = [7, 20, 30, 60] as const;
export type WarningWindow = (typeof WARNING_WINDOWS)[number];

export interface ValidityWindow {
  validFrom: Date;
  validUntil: Date;
}

/**
 * The validity of the key the gateway issues to replace `current`: from 7 days before `current` expires, for
 * one calendar year (Taiwan time).
 */
export function successorKeyWindow(current: Pick<ValidityWindow, 'validUntil'>): ValidityWindow {
  if (!isValidDate(current.validUntil)) {
    throw new KeyFormatError('The key has no valid expiry date.', 'validUntil');
  }
  const validFrom = new Date(current.validUntil.getTime() - SUCCESSOR_LEAD_DAYS * DAY_MS);
  return { validFrom, validUntil: addOneCalendarYearInTaipei(validFrom) };
}

/**
 * Whole days left, rounded up: a key with 59 days and 1 hour left has "60 days left". Rounding up makes
 * "daysLeft <= window" and "at >= validUntil - window days" the same statement, so the windows open exactly
 * window × 24 hours before expiry.
 */
export function daysLeft(at: number, validUntil: number): number {
  return Math.ceil((validUntil - at) / DAY_MS);
}

/** The smallest window a key with `days` left is in, or `undefined` when it is not in any yet. */
export function warningWindow(days: number): WarningWindow | undefined {
  return WARNING_WINDOWS.find((window) => days <= window);
}
