import type { TestDatabase } from '@tixclear/db';
import { postCorrection } from '../periods/index';
import { postTrustMovements } from '../posting';
import { clearSampleNight, sampleDatabase } from '../testing/sample-night';
import { balancesAsOf, balancesOver, journalBalancesAsOf, refreshSnapshots, staleDays } from './index';

const NIGHTS = ['2026-11-20', '2026-11-21', '2026-11-22'];

describe('balance snapshots', () => {
  let db: TestDatabase;
  let partnerId: string;
  const query = <T = unknown>(sql: string, params: unknown[] = []) => db.dataSource.query<T[]>(sql, params);

  /** A night as the runner's first two steps post it: the day's vouchers cleared, the purchases posted. */
  async function settle(date: string, vouchers: number): Promise<string> {
    const runId = await clearSampleNight(db.dataSource, partnerId, date, vouchers, { state: 'posting' });
    await postTrustMovements(db.dataSource, runId, date);
    return runId;
  }

  /** The snapshot of `day` against a full sum of the journal, in one snapshot of the database. */
  const compare = (day: string) =>
    db.dataSource.transaction('REPEATABLE READ', async (tx) => ({
      snapshot: await balancesAsOf(tx, day),
      journal: await journalBalancesAsOf(tx, day),
    }));

  beforeAll(async () => {
    ({ db, partnerId } = await sampleDatabase());
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('equals a full sum of the journal after each of several nights, for every day so far', async () => {
    for (const [index, night] of NIGHTS.entries()) {
      await settle(night, 20 + index * 9);
      expect(await staleDays(db.dataSource.manager, night)).toEqual([night]);
      expect(await refreshSnapshots(db.dataSource)).toEqual([night]);
      for (const day of NIGHTS.slice(0, index + 1)) {
        const { snapshot, journal } = await compare(day);
        expect(journal.length).toBeGreaterThan(3);
        expect(snapshot).toEqual(journal);
      }
    }
    // Nothing stale: a second refresh writes nothing.
    expect(await refreshSnapshots(db.dataSource)).toEqual([]);
    // A day between two snapshot days reads the one before it; the opening of a period is the day before's.
    const [over] = [await balancesOver(db.dataSource.manager, NIGHTS[1]!, NIGHTS[2]!)];
    const before = await journalBalancesAsOf(db.dataSource.manager, NIGHTS[0]!);
    const trust = over.find((group) => group.account === 'trust_liability')!;
    expect(trust.opening).toBe(before.find((group) => group.account === 'trust_liability')!.closing);
    expect(trust.closing).toBe(trust.opening + trust.debits - trust.credits);
  });

  it('is refused while the journal holds entries its snapshot does not, and a correction supersedes it', async () => {
    const [cleared] = await query<{ id: string }>(
      `SELECT e.id::text AS id FROM journal_entries e JOIN settlement_runs r ON r.id = e.run_id
        WHERE r.period_end = $1 AND e.kind = 'clearing' ORDER BY e.reference LIMIT 1`,
      [NIGHTS[0]],
    );
    // An operator's reversal of a cleared voucher of the first night, dated the third night's day.
    await postCorrection(
      db.dataSource,
      { correctsEntryId: cleared!.id, by: 'alice', note: 'cleared twice by the issuer' },
      new Date(`${NIGHTS[2]}T03:00:00Z`),
    );
    await expect(compare(NIGHTS[2]!)).rejects.toMatchObject({ code: 'BALANCES_STALE', field: 'day' });
    // Days before the correction's are still current.
    expect((await compare(NIGHTS[1]!)).snapshot).toEqual((await compare(NIGHTS[1]!)).journal);
    expect(await refreshSnapshots(db.dataSource)).toEqual([NIGHTS[2]]);
    const { snapshot, journal } = await compare(NIGHTS[2]!);
    expect(snapshot).toEqual(journal);

    // An entry posted on an earlier day after later days were written (a run-less entry of the second day):
    // that day and every later one are written again, the later ones carrying it.
    await db.dataSource.transaction(async (tx) => {
      const [entry] = await tx.query<{ id: string }[]>(
        `INSERT INTO journal_entries (run_id, kind, reference, business_date, description)
         VALUES (NULL, 'correction', 'late:1', $1, 'late') RETURNING id`,
        [NIGHTS[1]],
      );
      await tx.query(
        `INSERT INTO journal_lines (entry_id, account, ledger, party, amount, business_date)
         VALUES ($1, 'paid_outside', NULL, NULL, 13, $2), ($1, 'trust_liability', NULL, NULL, -13, $2)`,
        [entry!.id, NIGHTS[1]],
      );
    });
    expect(await staleDays(db.dataSource.manager, NIGHTS[2]!)).toEqual([NIGHTS[1]]);
    expect(await refreshSnapshots(db.dataSource)).toEqual([NIGHTS[1], NIGHTS[2]]);
    for (const day of NIGHTS) {
      const compared = await compare(day);
      expect(compared.snapshot).toEqual(compared.journal);
    }
  });

  it('leaves no snapshot that disagrees with the journal after a crash between posting and snapshot', async () => {
    const night = '2026-11-23';
    await settle(night, 11);
    // The snapshot's transaction dies before it commits (as a killed worker's would).
    await query(
      `CREATE FUNCTION balances_spec_crash() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'crash'; END $$`,
    );
    await query(
      `CREATE TRIGGER balances_spec_crash BEFORE UPDATE ON balance_snapshot_days
       FOR EACH ROW WHEN (OLD.stale AND NOT NEW.stale) EXECUTE FUNCTION balances_spec_crash()`,
    );
    await expect(refreshSnapshots(db.dataSource)).rejects.toThrow('crash');
    await query(`DROP TRIGGER balances_spec_crash ON balance_snapshot_days`);
    await query(`DROP FUNCTION balances_spec_crash()`);
    expect(
      await query(`SELECT count(*)::int AS n FROM balance_snapshots WHERE posted_on = $1`, [night]),
    ).toEqual([{ n: 0 }]);
    await expect(compare(night)).rejects.toMatchObject({ code: 'BALANCES_STALE' });
    // The worker started again writes it.
    expect(await refreshSnapshots(db.dataSource)).toEqual([night]);
    const { snapshot, journal } = await compare(night);
    expect(snapshot).toEqual(journal);
    expect(snapshot.reduce((sum, group) => sum + group.closing, 0)).toBe(0);
  });

  it('marks nothing for a posting that rolls back', async () => {
    const night = '2026-11-24';
    await db.dataSource
      .transaction(async (tx) => {
        await tx.query(
          `INSERT INTO journal_entries (run_id, kind, reference, business_date, description)
           VALUES (NULL, 'correction', 'rolled:1', $1, 'rolled back')`,
          [night],
        );
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    expect(await query(`SELECT posted_on FROM balance_snapshot_days WHERE posted_on = $1`, [night])).toEqual(
      [],
    );
  });

  it('marks no day for an entry whose run does not exist, and does not refuse it', async () => {
    await query(
      `INSERT INTO journal_entries (run_id, kind, reference, business_date, description)
       VALUES ('00000000-0000-7000-8000-000000000001', 'correction', 'orphan:1', '2026-11-25', 'no such run')`,
    );
    expect(await query(`SELECT posted_on FROM balance_snapshot_days WHERE posted_on = '2026-11-25'`)).toEqual(
      [],
    );
  });

  it('refuses a date that is not one', async () => {
    await expect(balancesAsOf(db.dataSource.manager, '2026-13-45')).rejects.toMatchObject({
      code: 'BALANCES_DATE_INVALID',
      field: 'day',
    });
  });
});
