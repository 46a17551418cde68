import { fromDbString, subTwd, taiwanBusinessDate, ZERO_TWD } from '@tixclear/domain';
import type { DataSource } from 'typeorm';
import { EntryKind } from '../accounts';
import { PeriodError, PeriodErrorCode, periodRefusal } from './errors';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export interface ClosedPeriod {
  period: string;
  periodStart: string;
  periodEnd: string;
  closedBy: string;
  closedAt: Date;
  note: string;
  /** Account, ledger and party groups whose balance the close carried forward (`period_balances`). */
  balances: number;
}

/** The first and last Taiwan dates of a month `YYYY-MM`. */
export function monthDates(period: string): { start: string; end: string } {
  const match = MONTH.exec(period);
  if (!match) throw new PeriodError(PeriodErrorCode.Invalid, `not a month YYYY-MM: ${period}`, 'period');
  const [year, month] = [Number(match[1]), Number(match[2])];
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { start: `${period}-01`, end: `${period}-${String(last).padStart(2, '0')}` };
}

/** The last closed day of the books, or null while no period is closed. */
export async function closedThrough(dataSource: Pick<DataSource, 'query'>): Promise<string | null> {
  const [row] = await dataSource.query<{ through: string | null }[]>(
    `SELECT books_closed_through()::text AS through`,
  );
  return row?.through ?? null;
}

/**
 * Closes a month: from then on nothing posts on or before its last day (the database's trigger refuses it,
 * whatever the code path). In one transaction that first waits for every transaction writing the journal
 * (SHARE lock on `journal_entries`) and keeps new ones out until it commits: records who and when, and the
 * balance of every account, ledger and party at the month's end (`period_balances`), carried forward as the
 * next month's opening. Closes in order (a month after the last closed one), only a month that has ended in
 * Taiwan, and only when every run of its dates has posted (past `posting`).
 */
export async function closePeriod(
  dataSource: DataSource,
  period: string,
  actor: { by: string; note?: string | undefined },
  now: Date = new Date(),
): Promise<ClosedPeriod> {
  const { start, end } = monthDates(period);
  const by = actor.by.trim();
  if (by === '')
    throw new PeriodError(PeriodErrorCode.NoteRequired, 'who closes the period is required', 'by');
  if (taiwanBusinessDate(now) <= end)
    throw new PeriodError(
      PeriodErrorCode.NotEnded,
      `${period} ends on ${end} (Taiwan): not closed`,
      'period',
    );
  return dataSource.transaction(async (tx) => {
    await tx.query(`LOCK TABLE journal_entries IN SHARE MODE`);
    await tx.query(`LOCK TABLE accounting_periods IN EXCLUSIVE MODE`);
    const through = await closedThrough(tx);
    if (through !== null && through >= start)
      throw new PeriodError(
        PeriodErrorCode.AlreadyClosed,
        `the books are closed through ${through}`,
        'period',
      );
    const open = await tx.query<{ id: string; state: string }[]>(
      `SELECT id::text AS id, state FROM settlement_runs
        WHERE period_start <= $1::date AND state IN ('clearing', 'posting') ORDER BY period_start LIMIT 1`,
      [end],
    );
    if (open[0])
      throw new PeriodError(
        PeriodErrorCode.RunOpen,
        `run ${open[0].id} of a date in ${period} has not posted yet (${open[0].state})`,
        'period',
      );
    const [closed] = await tx.query<{ closed_at: Date }[]>(
      `INSERT INTO accounting_periods (period, period_start, period_end, closed_by, note)
       VALUES ($1, $2, $3, $4, $5) RETURNING closed_at`,
      [period, start, end, by.slice(0, 100), (actor.note ?? '').slice(0, 500)],
    );
    const [{ count }] = await tx.query<[{ count: string }]>(
      `WITH dated AS (SELECT id FROM journal_entries WHERE business_date <= $2::date),
       balances AS (
         INSERT INTO period_balances (period, account, ledger, party, balance)
         SELECT $1, l.account, COALESCE(l.ledger, ''), COALESCE(l.party, ''), sum(l.amount)
           FROM journal_lines l JOIN dated d ON d.id = l.entry_id
          GROUP BY 2, 3, 4
         RETURNING 1)
       SELECT count(*)::text AS count FROM balances`,
      [period, end],
    );
    return {
      period,
      periodStart: start,
      periodEnd: end,
      closedBy: by,
      closedAt: closed!.closed_at,
      note: actor.note ?? '',
      balances: Number(count),
    };
  });
}

/** The closed periods, oldest first. */
export async function listPeriods(dataSource: DataSource): Promise<Omit<ClosedPeriod, 'balances'>[]> {
  const rows = await dataSource.query<
    { period: string; start: string; end: string; closed_by: string; closed_at: Date; note: string }[]
  >(
    `SELECT period, period_start::text AS start, period_end::text AS end, closed_by, closed_at, note
       FROM accounting_periods ORDER BY period`,
  );
  return rows.map((row) => ({
    period: row.period,
    periodStart: row.start,
    periodEnd: row.end,
    closedBy: row.closed_by,
    closedAt: row.closed_at,
    note: row.note,
  }));
}

/** A line of a correction: signed like the journal (debit +, credit −), whole TWD. */
export interface CorrectionLine {
  account: string;
  ledger?: string | null;
  party?: string | null;
  amount: number;
  serialNumber?: string | null;
}

export interface Correction {
  entryId: string;
  reference: string;
  businessDate: string;
}

/**
 * Posts a correction of an entry, in the open period: an entry of kind `correction` that names the entry it
 * corrects (`corrects_entry_id`), dated today in Taiwan (or the first open day, if later), with no run. Its
 * lines are `lines`, or, without them, the corrected entry's lines reversed (a storno). Who and why go into
 * its description. `reference` (default `reversal:<entry id>`) is its natural key: posting the same
 * correction twice is refused (`CORRECTION_DUPLICATE`) rather than doubling it.
 */
export async function postCorrection(
  dataSource: DataSource,
  request: {
    correctsEntryId: string;
    by: string;
    note: string;
    reference?: string | undefined;
    lines?: readonly CorrectionLine[] | undefined;
  },
  now: Date = new Date(),
): Promise<Correction> {
  const by = request.by.trim();
  const note = request.note.trim();
  if (by === '' || note === '')
    throw new PeriodError(
      PeriodErrorCode.NoteRequired,
      'who corrects and why are required',
      by ? 'note' : 'by',
    );
  if (!/^\d{1,18}$/.test(request.correctsEntryId))
    throw new PeriodError(PeriodErrorCode.EntryNotFound, 'no such entry', 'correctsEntryId');
  const reference = request.reference ?? `reversal:${request.correctsEntryId}`;
  try {
    return await dataSource.transaction(async (tx) => {
      const [corrected] = await tx.query<{ id: string }[]>(
        `SELECT id::text AS id FROM journal_entries WHERE id = $1`,
        [request.correctsEntryId],
      );
      if (!corrected)
        throw new PeriodError(PeriodErrorCode.EntryNotFound, 'no such entry', 'correctsEntryId');
      const lines =
        request.lines ??
        (
          await tx.query<
            {
              account: string;
              ledger: string | null;
              party: string | null;
              amount: string;
              serial: string | null;
            }[]
          >(
            `SELECT account, ledger, party, amount::text AS amount, serial_number AS serial
               FROM journal_lines WHERE entry_id = $1 ORDER BY id`,
            [corrected.id],
          )
        ).map((line) => ({
          account: line.account,
          ledger: line.ledger,
          party: line.party,
          amount: subTwd(ZERO_TWD, fromDbString(line.amount, 'amount')),
          serialNumber: line.serial,
        }));
      if (
        lines.length === 0 ||
        !lines.every((line) => Number.isSafeInteger(line.amount)) ||
        lines.reduce((sum, line) => sum + line.amount, 0) !== 0
      )
        throw new PeriodError(PeriodErrorCode.Unbalanced, 'lines must be whole TWD summing to zero', 'lines');
      const [entry] = await tx.query<{ id: string; business_date: string }[]>(
        `INSERT INTO journal_entries (run_id, kind, reference, business_date, description, corrects_entry_id)
         VALUES (NULL, '${EntryKind.correction}', $1, GREATEST($2::date, books_open_from()), $3, $4)
         ON CONFLICT DO NOTHING
         RETURNING id::text AS id, business_date::text AS business_date`,
        [reference, taiwanBusinessDate(now), `correction by ${by}: ${note}`.slice(0, 200), corrected.id],
      );
      if (!entry)
        throw new PeriodError(PeriodErrorCode.Duplicate, `${reference} was posted already`, 'reference');
      await tx.query(
        `INSERT INTO journal_lines (entry_id, account, ledger, party, amount, serial_number, business_date)
         SELECT $1, account, ledger, party, amount, serial, $7::date
           FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[])
             AS l(account, ledger, party, amount, serial)`,
        [
          entry.id,
          lines.map((line) => line.account),
          lines.map((line) => line.ledger ?? null),
          lines.map((line) => line.party ?? null),
          lines.map((line) => line.amount),
          lines.map((line) => line.serialNumber ?? null),
          entry.business_date,
        ],
      );
      return { entryId: entry.id, reference, businessDate: entry.business_date };
    });
  } catch (error) {
    throw periodRefusal(error);
  }
}
