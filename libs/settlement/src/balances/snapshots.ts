import { twd, type Twd } from '@tixclear/domain';
import type { DataSource, EntityManager } from 'typeorm';
import { BalancesError, BalancesErrorCode } from './errors';
import {
  CLEARING_SUMS_POSTED_ON,
  linesOfEntries,
  UNSUMMED_ENTRIES_POSTED_ON,
  withIndexScans,
} from './night-lines';
import { writeTrustHeld } from './trust-held';

/**
 * Balances by account, ledger and party, read from per-day snapshots (`balance_snapshots`), not summed over the
 * journal. A day is a day entries were posted on under the exports' rule (its run's end date, else the entry's
 * own business date), so the export of a day reads its opening, movements and closing straight from them.
 * Each day holds every group posted by then: reading a date reads one day's rows, whatever the history.
 */
export type Tx = Pick<EntityManager, 'query'>;

/** A group's balance at the end of a day (signed: debit +, credit −). */
export interface Balance {
  account: string;
  /** Blank when the line has no ledger. */
  ledger: string;
  /** Blank when the line has no party. */
  party: string;
  closing: Twd;
}

/** A group's balance over a period of days: before it, its debits and credits, after it. */
export interface BalanceGroup {
  account: string;
  ledger: string;
  party: string;
  opening: Twd;
  debits: Twd;
  credits: Twd;
  closing: Twd;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function checkDate(value: string, field: string): string {
  if (!DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    throw new BalancesError(BalancesErrorCode.DateInvalid, `not a date YYYY-MM-DD: ${value}`, field);
  return value;
}

/**
 * Writes the snapshot of every day marked stale, and again every later day's closings (a correction of an
 * earlier day carries into them; their own movements are kept). In one transaction that first waits for the
 * journal's writers and keeps new ones out while it runs (SHARE on `journal_entries`, as a period's close
 * does), so what it writes is exactly the journal as committed: a crash rolls it back whole and leaves the days
 * marked stale. Idempotent: with nothing stale it writes nothing. A day costs its clearing chunks' group sums,
 * the lines of its other entries (found through the BRIN index on `entry_id`) and the groups of the day before.
 * The trust's held vouchers (`trust-held.ts`) are written with each day, from the first stale one on.
 * Returns the days rewritten, oldest first.
 */
export async function refreshSnapshots(dataSource: DataSource): Promise<string[]> {
  return dataSource.transaction(async (tx) => {
    // Cheap look first: no lock while nothing is stale.
    const [pending] = await tx.query<Array<{ first: string | null }>>(
      `SELECT min(posted_on)::text AS first FROM balance_snapshot_days WHERE stale`,
    );
    if (!pending?.first) return [];
    await tx.query(`LOCK TABLE journal_entries IN SHARE MODE`);
    const days = await tx.query<Array<{ day: string; stale: boolean }>>(
      `SELECT posted_on::text AS day, stale FROM balance_snapshot_days
        WHERE posted_on >= (SELECT min(posted_on) FROM balance_snapshot_days WHERE stale)
        ORDER BY posted_on FOR UPDATE`,
    );
    let previous = (
      await tx.query<Array<{ day: string | null }>>(
        `SELECT max(posted_on)::text AS day FROM balance_snapshot_days WHERE posted_on < $1::date`,
        [days[0]?.day ?? '9999-12-31'],
      )
    )[0]?.day;
    for (const [index, { day, stale }] of days.entries()) {
      await writeDay(tx, day, previous ?? null, stale);
      await writeTrustHeld(tx, day, index === 0);
      previous = day;
    }
    return days.map(({ day }) => day);
  });
}

/** One day's rows: the day before's closings plus this day's movements (from the journal if stale). */
async function writeDay(tx: Tx, day: string, previous: string | null, stale: boolean): Promise<void> {
  await tx.query(`DROP TABLE IF EXISTS snapshot_movement`);
  if (stale) {
    // A clearing entry always names its run, so its posted day is its run's end: its lines are in the sums.
    await withIndexScans(tx, () =>
      tx.query(
        `CREATE TEMPORARY TABLE snapshot_movement ON COMMIT DROP AS
         WITH entries AS MATERIALIZED (${UNSUMMED_ENTRIES_POSTED_ON})
         SELECT account, ledger, party, sum(debits) AS debits, sum(credits) AS credits FROM (
           SELECT l.account, COALESCE(l.ledger, '') AS ledger, COALESCE(l.party, '') AS party,
                  GREATEST(l.amount, 0) AS debits, GREATEST(-l.amount, 0) AS credits
             FROM ${linesOfEntries('entries')} l
            WHERE l.entry_id IN (SELECT id FROM entries)
           UNION ALL ${CLEARING_SUMS_POSTED_ON}) moved
          GROUP BY 1, 2, 3`,
        [day],
      ),
    );
  } else {
    await tx.query(
      `CREATE TEMPORARY TABLE snapshot_movement ON COMMIT DROP AS
       SELECT account, ledger, party, debits, credits FROM balance_snapshots
        WHERE posted_on = $1::date AND (debits <> 0 OR credits <> 0)`,
      [day],
    );
  }
  await tx.query(`DELETE FROM balance_snapshots WHERE posted_on = $1::date`, [day]);
  await tx.query(
    `INSERT INTO balance_snapshots (posted_on, account, ledger, party, debits, credits, closing)
     SELECT $1::date, account, ledger, party, COALESCE(m.debits, 0), COALESCE(m.credits, 0),
            COALESCE(p.closing, 0) + COALESCE(m.debits, 0) - COALESCE(m.credits, 0)
       FROM (SELECT account, ledger, party, closing FROM balance_snapshots WHERE posted_on = $2::date) p
       FULL JOIN snapshot_movement m USING (account, ledger, party)`,
    [day, previous],
  );
  await tx.query(
    `UPDATE balance_snapshot_days SET stale = false, written_at = now() WHERE posted_on = $1::date`,
    [day],
  );
}

/** The days up to `day` whose snapshot the journal has outgrown (none, once refreshed). */
export async function staleDays(tx: Tx, day: string): Promise<string[]> {
  const rows = await tx.query<Array<{ day: string }>>(
    `SELECT posted_on::text AS day FROM balance_snapshot_days WHERE stale AND posted_on <= $1::date
      ORDER BY posted_on`,
    [checkDate(day, 'day')],
  );
  return rows.map((row) => row.day);
}

async function refuseStale(tx: Tx, day: string): Promise<void> {
  const stale = await staleDays(tx, day);
  if (stale.length > 0)
    throw new BalancesError(
      BalancesErrorCode.Stale,
      `the journal holds entries of ${stale.join(', ')} that no snapshot has yet`,
      'day',
    );
}

/**
 * Every group's balance at the end of `day` (every group posted by then, zero balances included), in byte
 * order of account, ledger, party. Refuses (`BALANCES_STALE`) while a day up to `day` is stale: a snapshot that
 * disagrees with the journal is never read. Run it in the transaction whose snapshot you read the journal in.
 */
export async function balancesAsOf(tx: Tx, day: string): Promise<Balance[]> {
  await refuseStale(tx, day);
  const rows = await tx.query<Array<Record<'account' | 'ledger' | 'party' | 'closing', string>>>(
    `SELECT account, ledger, party, closing::text AS closing FROM balance_snapshots
      WHERE posted_on = (SELECT max(posted_on) FROM balance_snapshot_days WHERE posted_on <= $1::date)
      ORDER BY account COLLATE "C", ledger COLLATE "C", party COLLATE "C"`,
    [day],
  );
  return rows.map((row) => ({
    account: row.account,
    ledger: row.ledger,
    party: row.party,
    closing: twd(row.closing, 'balance.closing'),
  }));
}

/**
 * Every group's opening (end of the day before `from`), debits and credits posted from `from` to `to`, and
 * closing (end of `to`), in byte order of account, ledger, party: the groups posted by `to`. Refuses
 * (`BALANCES_STALE`) like `balancesAsOf`.
 */
export async function balancesOver(tx: Tx, from: string, to: string): Promise<BalanceGroup[]> {
  checkDate(from, 'from');
  await refuseStale(tx, to);
  const rows = await tx.query<
    Array<Record<'account' | 'ledger' | 'party' | 'closing' | 'debits' | 'credits', string>>
  >(
    `WITH closing AS (
       SELECT account, ledger, party, closing FROM balance_snapshots
        WHERE posted_on = (SELECT max(posted_on) FROM balance_snapshot_days WHERE posted_on <= $2::date)),
     period AS (
       SELECT account, ledger, party, sum(debits) AS debits, sum(credits) AS credits FROM balance_snapshots
        WHERE posted_on BETWEEN $1::date AND $2::date GROUP BY 1, 2, 3)
     SELECT c.account, c.ledger, c.party, c.closing::text AS closing, COALESCE(p.debits, 0)::text AS debits,
            COALESCE(p.credits, 0)::text AS credits
       FROM closing c LEFT JOIN period p USING (account, ledger, party)
      ORDER BY c.account COLLATE "C", c.ledger COLLATE "C", c.party COLLATE "C"`,
    [from, to],
  );
  return rows.map((row) => {
    const closing = twd(row.closing, 'balance.closing');
    const debits = twd(row.debits, 'balance.debits');
    const credits = twd(row.credits, 'balance.credits');
    // opening = closing − (debits − credits), in exact integers.
    const opening = twd(BigInt(closing) - BigInt(debits) + BigInt(credits), 'balance.opening');
    return { account: row.account, ledger: row.ledger, party: row.party, opening, debits, credits, closing };
  });
}

/**
 * For a reader outside a run (the console): brings the snapshots up to date, then reads `balancesAsOf` in a
 * REPEATABLE READ transaction. A writer that posts in between marks its day stale and the read is tried again.
 */
export async function currentBalancesAsOf(dataSource: DataSource, day: string): Promise<Balance[]> {
  checkDate(day, 'day');
  for (let attempt = 1; ; attempt++) {
    await refreshSnapshots(dataSource);
    try {
      return await dataSource.transaction('REPEATABLE READ', (tx) => balancesAsOf(tx, day));
    } catch (error) {
      if (!(error instanceof BalancesError) || error.code !== BalancesErrorCode.Stale || attempt >= 3)
        throw error;
    }
  }
}

/**
 * A full sum of the journal by group as of the end of `day`, for checks (specs, `verify`): what the snapshot
 * must equal. It reads every line ever posted: never on a night's path. An entry naming a run that does not
 * exist belongs to no posted day (the exports' rule), here as in the snapshots.
 */
export async function journalBalancesAsOf(tx: Tx, day: string): Promise<Balance[]> {
  const rows = await tx.query<Array<Record<'account' | 'ledger' | 'party' | 'closing', string>>>(
    `SELECT account, ledger, party, closing::text AS closing FROM (
       SELECT l.account, COALESCE(l.ledger, '') AS ledger, COALESCE(l.party, '') AS party, sum(l.amount) AS closing
         FROM journal_entries e LEFT JOIN settlement_runs r ON r.id = e.run_id
         JOIN journal_lines l ON l.entry_id = e.id
        WHERE COALESCE(r.period_end, e.business_date) <= $1::date AND (e.run_id IS NULL OR r.id IS NOT NULL)
        GROUP BY 1, 2, 3) g
      ORDER BY account COLLATE "C", ledger COLLATE "C", party COLLATE "C"`,
    [checkDate(day, 'day')],
  );
  return rows.map((row) => ({
    account: row.account,
    ledger: row.ledger,
    party: row.party,
    closing: twd(row.closing, 'balance.closing'),
  }));
}
