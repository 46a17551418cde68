import { FeeInputError, FeeInputErrorCode, FeeScheduleError, FeeScheduleErrorCode } from './errors';
import { type CompiledFeeRates, compileFeeRates, compileSharing, FeeRule } from './fee-rule';
import type { FeeRates, Sharing } from './types';

/**
 * The fee terms of one issuer from a date on: in force from `effectiveFrom` (a Taiwan calendar date,
 * `YYYY-MM-DD`, inclusive) until the issuer's next schedule takes over.
 */
export interface FeeSchedule extends FeeRates {
  readonly issuerId: string;
  readonly effectiveFrom: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `text` is a real calendar date written `YYYY-MM-DD` (proleptic Gregorian, years 0001–9999). */
export function isCalendarDate(text: unknown): text is string {
  if (typeof text !== 'string') return false;
  const match = DATE.exec(text);
  if (match === null) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day <= days;
}

function checkDate(text: unknown, field: string): string {
  if (!isCalendarDate(text)) {
    throw new FeeInputError(
      FeeInputErrorCode.InvalidDate,
      field,
      `${field} must be a calendar date YYYY-MM-DD`,
    );
  }
  return text;
}

interface Entry {
  readonly schedule: FeeSchedule;
  readonly rates: CompiledFeeRates;
}

/**
 * Every issuer's fee schedules, effective-dated. A schedule applies from its `effectiveFrom` date (inclusive)
 * until the issuer's next one; dates are Taiwan calendar dates compared as `YYYY-MM-DD` strings. Schedules are
 * validated (and their rates parsed) when added; the book keeps frozen copies.
 */
export class FeeScheduleBook {
  private readonly byIssuer = new Map<string, Entry[]>(); // each sorted by effectiveFrom, ascending

  constructor(schedules: Iterable<FeeSchedule> = []) {
    for (const schedule of schedules) this.add(schedule);
  }

  /**
   * Adds a schedule. Throws `FeeInputError` for a bad `issuer_id` (FEE_MISSING_FIELD), `effective_from`
   * (FEE_INVALID_DATE) or rates (as `compileFeeRates`), and `FeeScheduleError` FEE_DUPLICATE_SCHEDULE
   * (`effective_from`) when the issuer already has a schedule from that date.
   */
  add(schedule: FeeSchedule): this {
    const { issuerId } = schedule;
    if (typeof issuerId !== 'string' || issuerId.length === 0) {
      throw new FeeInputError(
        FeeInputErrorCode.MissingField,
        'issuer_id',
        'issuer_id must be a non-empty string',
      );
    }
    const effectiveFrom = checkDate(schedule.effectiveFrom, 'effective_from');
    const rates = compileFeeRates(schedule);
    const copy: FeeSchedule = Object.freeze({
      issuerId,
      effectiveFrom,
      escrowRate: schedule.escrowRate,
      gatewayRate: schedule.gatewayRate,
      issuanceFee: rates.issuanceFee,
      issuanceLayer: rates.issuanceLayer,
    });
    let entries = this.byIssuer.get(issuerId);
    if (entries === undefined) {
      entries = [];
      this.byIssuer.set(issuerId, entries);
    }
    const at = lastAtOrBefore(entries, effectiveFrom);
    if (at >= 0 && entries[at]?.schedule.effectiveFrom === effectiveFrom) {
      throw new FeeScheduleError(
        FeeScheduleErrorCode.DuplicateSchedule,
        'effective_from',
        `issuer ${issuerId} already has a schedule effective from ${effectiveFrom}`,
      );
    }
    entries.splice(at + 1, 0, { schedule: copy, rates });
    return this;
  }

  /**
   * The schedule of `issuerId` in force on `redemptionDate` (`YYYY-MM-DD`, Taiwan): the one with the latest
   * `effectiveFrom` on or before it. Throws `FeeInputError` FEE_INVALID_DATE (`redemption_date`) for a bad date,
   * `FeeScheduleError` FEE_NO_SCHEDULE: `issuer_id` for an unknown issuer, `redemption_date` for a date before
   * the issuer's first schedule.
   */
  scheduleFor(issuerId: string, redemptionDate: string): FeeSchedule {
    return this.entryFor(issuerId, redemptionDate).schedule;
  }

  /** The compiled rule of {@link scheduleFor}'s schedule with `sharing` (rates are not parsed again). */
  ruleFor(issuerId: string, redemptionDate: string, sharing: Sharing): FeeRule {
    return FeeRule.of(this.entryFor(issuerId, redemptionDate).rates, compileSharing(sharing));
  }

  /** The schedules of one issuer, oldest first. */
  schedulesOf(issuerId: string): readonly FeeSchedule[] {
    return (this.byIssuer.get(issuerId) ?? []).map((entry) => entry.schedule);
  }

  private entryFor(issuerId: string, redemptionDate: string): Entry {
    const date = checkDate(redemptionDate, 'redemption_date');
    const entries = this.byIssuer.get(issuerId);
    if (entries === undefined || entries.length === 0) {
      throw new FeeScheduleError(
        FeeScheduleErrorCode.NoSchedule,
        'issuer_id',
        `no fee schedule for ${issuerId}`,
      );
    }
    const entry = entries[lastAtOrBefore(entries, date)];
    if (entry === undefined) {
      throw new FeeScheduleError(
        FeeScheduleErrorCode.NoSchedule,
        'redemption_date',
        `no fee schedule of ${issuerId} is in force on ${date}`,
      );
    }
    return entry;
  }
}

/** Index of the last entry effective on or before `date` (−1 if none); `entries` sorted ascending. */
function lastAtOrBefore(entries: readonly Entry[], date: string): number {
  let low = 0;
  let high = entries.length; // first index whose effectiveFrom > date lies in [low, high]
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((entries[mid]?.schedule.effectiveFrom ?? '') <= date) low = mid + 1;
    else high = mid;
  }
  return low - 1;
}
