import { randomBytes } from 'node:crypto';
import {
  createTestDatabase,
  ensureSamplePartner,
  PartnerRegistry,
  SAMPLE_FEE_SCHEDULE,
  SAMPLE_PARTNER,
  type TestDatabase,
} from '@tixclear/db';
import { FeeScheduleBook } from '@tixclear/fee-engine';
import {
  clearAll,
  Clearing,
  headquartersParty,
  pointParty,
  postCorrection,
  postTrustMovements,
  writeSyntheticDay,
} from '@tixclear/settlement';
import {
  ledgerParties,
  PARTY_DAYS_PER_PAGE,
  partyEntries,
  trialBalance,
  trustCheck,
  trustSeries,
} from './ledger-reads';

/*
 * The console's reads over ten settled nights against full sums of the journal: parties' balances, the trial
 * balance, the trust liability day by day, and a party's entries walked page by page across the days (a page
 * reads at most PARTY_DAYS_PER_PAGE days); then a correction, which the next read shows.
 */

const book = new FeeScheduleBook([SAMPLE_FEE_SCHEDULE]);
const STORE = pointParty(SAMPLE_PARTNER.partnerUid, `store:${SAMPLE_PARTNER.partnerUid}`);
const accounts = new Map([[STORE, 'payee-1']]);
const NIGHTS = Array.from({ length: 10 }, (_, i) => `2026-11-${String(10 + i).padStart(2, '0')}`);

describe('ledger reads', () => {
  let db: TestDatabase;
  const query = <T = unknown>(sql: string, params: unknown[] = []) => db.dataSource.query<T[]>(sql, params);

  beforeAll(async () => {
    db = await createTestDatabase();
    const registry = new PartnerRegistry(db.dataSource, randomBytes(32));
    await ensureSamplePartner(registry);
    const partnerId = (await registry.findByUid(SAMPLE_PARTNER.partnerUid))!.id;
    for (const [i, night] of NIGHTS.entries()) {
      await writeSyntheticDay(db.dataSource, { partnerId, businessDate: night, vouchers: 2 + (i % 3) });
      const [run] = await query<{ id: string }>(
        `INSERT INTO settlement_runs (period_start, period_end, state, summary) VALUES ($1, $1, 'posting', '{}')
         RETURNING id`,
        [night],
      );
      await clearAll(new Clearing(db.dataSource, book, accounts), run!.id, night, { chunkSize: 5 });
      await postTrustMovements(db.dataSource, run!.id, night);
    }
  }, 120_000);

  afterAll(async () => {
    await db?.drop();
  });

  /** The journal's sum by a column, in full: what the snapshots must equal. */
  const journalSums = async (column: 'account' | 'party', where = 'true') =>
    new Map(
      (
        await query<{ key: string; sum: string }>(
          `SELECT ${column} AS key, sum(amount)::text AS sum FROM journal_lines WHERE ${where} GROUP BY 1`,
        )
      ).map((r) => [r.key, r.sum]),
    );

  it('shows balances and a trial balance equal to the journal, debits equal to credits', async () => {
    for (const ledger of ['headquarters', 'sales', 'reimbursement'] as const) {
      const page = await ledgerParties(db.dataSource, ledger, { limit: 50 });
      expect(page.basis.postedThrough).toBe(NIGHTS.at(-1));
      const sums = await journalSums('party', `ledger = '${ledger}'`);
      expect(page.parties).toEqual(
        [...sums]
          .sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
          .map(([party, balance]) => ({ party, balance })),
      );
      expect(page.parties.length).toBeGreaterThan(0);
    }
    const trial = await trialBalance(db.dataSource);
    const sums = await journalSums('account');
    for (const row of trial.accounts)
      expect(BigInt(row.debit) - BigInt(row.credit)).toBe(BigInt(sums.get(row.account) ?? '0'));
    expect(trial.balanced).toBe(true);
    expect(BigInt(trial.debits)).toBeGreaterThan(0n);
  });

  it('walks a party through every entry across the days, newest first, a bounded number of days a page', async () => {
    const all = await query<{ entry_id: string; amount: string }>(
      `SELECT l.entry_id::text AS entry_id, sum(l.amount)::text AS amount
         FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
         JOIN settlement_runs r ON r.id = e.run_id
        WHERE l.ledger = 'reimbursement' AND l.party = $1
        GROUP BY r.period_end, l.entry_id, l.serial_number ORDER BY r.period_end DESC, l.entry_id DESC`,
      [STORE],
    );
    expect(all.length).toBeGreaterThan(20);
    // A page as large as the history still reads only PARTY_DAYS_PER_PAGE days, and says where to go on.
    const wide = await partyEntries(db.dataSource, 'reimbursement', STORE, { limit: 200 });
    expect(new Set(wide.entries.map((e) => e.posted_on))).toEqual(
      new Set(NIGHTS.slice(-PARTY_DAYS_PER_PAGE)),
    );
    expect(wide.next).toBe(`${NIGHTS.at(-PARTY_DAYS_PER_PAGE - 1)}.999999999999999999`);
    // Pages of 4: every entry once, in order, the balance the journal's.
    const seen: { entry_id: string; amount: string }[] = [];
    let before: string | undefined;
    for (let pages = 0; pages < 50; pages++) {
      const page = await partyEntries(db.dataSource, 'reimbursement', STORE, { before, limit: 4 });
      expect(page.entries.length).toBeLessThanOrEqual(4);
      seen.push(...page.entries.map(({ entry_id, amount }) => ({ entry_id, amount })));
      expect(page.balance).toBe(all.reduce((s, e) => s + BigInt(e.amount), 0n).toString());
      if (!page.next) break;
      before = page.next;
    }
    expect(seen).toEqual(all);
  });

  it('draws the trust liability as each day closed, and checks it against the vouchers outstanding', async () => {
    const series = await trustSeries(db.dataSource, NIGHTS.at(-1)!, 12);
    expect(series).toHaveLength(12);
    for (const point of series) {
      const [row] = await query<{ liability: string }>(
        `SELECT (-COALESCE(sum(l.amount), 0))::text AS liability
           FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
           LEFT JOIN settlement_runs r ON r.id = e.run_id
          WHERE l.account = 'trust_liability' AND COALESCE(r.period_end, e.business_date) <= $1::date`,
        [point.date],
      );
      expect(point.liability).toBe(row!.liability);
    }
    // The synthetic nights redeem every voucher they sell: nothing outstanding, nothing held in trust.
    expect(await trustCheck(db.dataSource)).toMatchObject({
      liability: '0',
      outstanding_value: '0',
      difference: '0',
    });
  });

  it('shows a correction posted after the snapshots on the next read', async () => {
    const hq = headquartersParty(SAMPLE_PARTNER.partnerUid);
    const before = (await ledgerParties(db.dataSource, 'headquarters', { limit: 50 })).parties;
    const [entry] = await query<{ id: string }>(
      `SELECT e.id::text AS id FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id
        WHERE e.kind = 'clearing' AND l.ledger = 'headquarters' AND l.amount <> 0 ORDER BY e.id LIMIT 1`,
    );
    const [line] = await query<{ amount: string }>(
      `SELECT amount::text AS amount FROM journal_lines WHERE entry_id = $1 AND ledger = 'headquarters'`,
      [entry!.id],
    );
    await postCorrection(db.dataSource, { correctsEntryId: entry!.id, by: 'spec', note: 'storno' });
    const after = (await ledgerParties(db.dataSource, 'headquarters', { limit: 50 })).parties;
    const was = BigInt(before.find((p) => p.party === hq)!.balance);
    expect(after.find((p) => p.party === hq)!.balance).toBe((was - BigInt(line!.amount)).toString());
    expect((await trialBalance(db.dataSource)).balanced).toBe(true);
    const newest = await partyEntries(db.dataSource, 'headquarters', hq, { limit: 1 });
    expect(newest.entries[0]).toMatchObject({
      kind: 'correction',
      amount: (-BigInt(line!.amount)).toString(),
    });

    // A party that moved on one day only: its page reads that day, not the ten nights before it.
    const sparse = `${SAMPLE_PARTNER.partnerUid}:store:sparse`;
    await postCorrection(db.dataSource, {
      correctsEntryId: entry!.id,
      by: 'spec',
      note: 'owed by hand',
      reference: 'spec-sparse',
      lines: [
        { account: 'payable_sales', ledger: 'sales', party: sparse, amount: -5 },
        { account: 'paid_outside', amount: 5 },
      ],
    });
    const page = await partyEntries(db.dataSource, 'sales', sparse, { limit: 50 });
    expect(page.entries.map((e) => [e.kind, e.amount])).toEqual([['correction', '-5']]);
    expect(page.next).toBeNull();
    expect(page.balance).toBe('-5');
  });
});
