import { randomBytes } from 'node:crypto';
import {
  createTestDatabase,
  ensureSamplePartner,
  PartnerRegistry,
  SAMPLE_FEE_SCHEDULE,
  SAMPLE_PARTNER,
  type TestDatabase,
} from '@tixclear/db';
import { computeFees, FeeScheduleBook } from '@tixclear/fee-engine';
import { pointParty } from '../accounts';
import { postTrustMovements } from '../posting';
import { writeSyntheticDay } from '../testing/synthetic-day';
import { clearAll as clearInLanes } from './clear-all';
import { Clearing, jsonbText } from './clearing';

const book = new FeeScheduleBook([SAMPLE_FEE_SCHEDULE]);
const accounts = new Map([
  [pointParty(SAMPLE_PARTNER.partnerUid, `store:${SAMPLE_PARTNER.partnerUid}`), 'payee-1'],
]);
const store999 = pointParty(SAMPLE_PARTNER.partnerUid, 'store:999');

/** A scratch database with the sample partner for the enclosing describe: handed over once it is ready. */
function useScratchDatabase(ready: (db: TestDatabase, samplePartnerId: string) => void): void {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    const registry = new PartnerRegistry(db.dataSource, randomBytes(32));
    await ensureSamplePartner(registry);
    ready(db, (await registry.findByUid(SAMPLE_PARTNER.partnerUid))!.id);
  });
  afterAll(async () => {
    await db?.drop();
  });
}

async function startRun(db: TestDatabase, date: string): Promise<string> {
  const [run] = await db.dataSource.query<[{ id: string }]>(
    `INSERT INTO settlement_runs (period_start, period_end, state, summary) VALUES ($1, $1, 'clearing', '{}') RETURNING id`,
    [date],
  );
  return run.id;
}

describe('clearing', () => {
  let db: TestDatabase;
  let partnerId: string;

  useScratchDatabase((scratch, samplePartnerId) => {
    db = scratch;
    partnerId = samplePartnerId;
  });

  const runId = (date: string) => startRun(db, date);

  /** One lane of small chunks, so that a day takes several. */
  async function clearAll(run: string, date: string, clearing = new Clearing(db.dataSource, book, accounts)) {
    return clearInLanes(clearing, run, date, { chunkSize: 7, lanes: 1 });
  }

  it('clears each redeemed voucher once, with the fee engine split and a balanced entry', async () => {
    await writeSyntheticDay(db.dataSource, {
      partnerId,
      businessDate: '2026-11-20',
      vouchers: 30,
      giftEvery: 10,
    });
    const run = await runId('2026-11-20');
    expect(await clearAll(run, '2026-11-20')).toEqual({ cleared: 30, held: 0 });
    // A second pass (a rerun, a crash-resume) finds nothing left.
    expect(await clearAll(run, '2026-11-20')).toEqual({ cleared: 0, held: 0 });

    const expected = computeFees({
      cost: 50,
      escrowRate: '0.02',
      gatewayRate: '0.01',
      issuanceFee: 1,
      issuanceLayer: 2,
      isPaid: true,
      sharing: { headquarters: '0.15', sales: '0.1', reimbursement: '0.75' },
    });
    const rows = await db.dataSource.query<Array<Record<string, number | boolean>>>(
      `SELECT is_paid, headquarters::int, sales::int, reimbursement::int, escrow_fee::int, gateway_fee::int, issuance_fee::int
         FROM clearings WHERE run_id = $1`,
      [run],
    );
    const paid = rows.filter((r) => r.is_paid);
    expect(paid).toHaveLength(27);
    for (const row of paid) {
      expect(row).toMatchObject({
        headquarters: expected.headquarters,
        sales: expected.sales,
        reimbursement: expected.reimbursement,
        escrow_fee: expected.escrow_fee,
        gateway_fee: expected.gateway_fee,
        issuance_fee: expected.issuance_fee,
      });
    }
    const unbalanced = await db.dataSource.query(
      `SELECT e.id FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id GROUP BY e.id HAVING sum(l.amount) <> 0`,
    );
    expect(unbalanced).toEqual([]);
    const [ledger] = await db.dataSource.query<[{ sales: number; reimb: number }]>(
      `SELECT sum(amount) FILTER (WHERE ledger = 'sales')::int AS sales, sum(amount) FILTER (WHERE ledger = 'reimbursement')::int AS reimb
         FROM journal_lines`,
    );
    expect(ledger).toEqual({ sales: -5 * 27, reimb: -35 * 27 });
  });

  it('holds a voucher whose payee has no payout account, and clears it once the account exists', async () => {
    await writeSyntheticDay(db.dataSource, {
      partnerId,
      businessDate: '2026-11-21',
      vouchers: 3,
      prefix: 'HOLD',
    });
    await db.dataSource.query(
      `UPDATE redemption_lines SET redemption_point = 'store:999' WHERE serial_number LIKE 'HOLD%'`,
    );
    const run = await runId('2026-11-21');
    expect(await clearAll(run, '2026-11-21')).toEqual({ cleared: 0, held: 3 });
    const holds = await db.dataSource.query<{ reason: string }[]>(
      `SELECT reason FROM settlement_holds WHERE run_id = $1`,
      [run],
    );
    expect(holds.map((h) => h.reason)).toEqual(Array(3).fill(`no payout account for ${store999}`));

    const later = await runId('2026-11-22');
    const withAccount = new Clearing(db.dataSource, book, new Map([...accounts, [store999, 'payee-999']]));
    expect(await clearAll(later, '2026-11-22', withAccount)).toEqual({ cleared: 3, held: 0 });
  });

  it('holds a voucher whose gateway fee object disagreed with ours', async () => {
    await writeSyntheticDay(db.dataSource, {
      partnerId,
      businessDate: '2026-11-23',
      vouchers: 1,
      prefix: 'MISM',
    });
    await db.dataSource.query(
      `UPDATE redemption_lines SET fee_issue = 'fee mismatch: sales' WHERE serial_number LIKE 'MISM%'`,
    );
    const run = await runId('2026-11-23');
    expect(await clearAll(run, '2026-11-23')).toEqual({ cleared: 0, held: 1 });
  });

  it('posts paid purchases to the trust liability once, so it equals the value outstanding', async () => {
    await postTrustMovements(db.dataSource, await runId('2026-11-24'), '2026-11-24');
    await postTrustMovements(db.dataSource, await runId('2026-11-25'), '2026-11-25');
    const [trust] = await db.dataSource.query<[{ balance: number }]>(
      `SELECT coalesce(sum(amount), 0)::int AS balance FROM journal_lines WHERE account = 'trust_liability'`,
    );
    // Outstanding: paid vouchers sold whose redemption is not cleared yet (the held mismatch one).
    const [outstanding] = await db.dataSource.query<[{ value: number }]>(
      `SELECT coalesce(sum(v.cost), 0)::int AS value FROM vouchers v
        WHERE v.is_paid AND NOT EXISTS (SELECT 1 FROM redemption_lines rl JOIN clearings c ON c.redemption_line_id = rl.id WHERE rl.voucher_id = v.id)`,
    );
    expect(-trust.balance).toBe(outstanding.value);
    const [trial] = await db.dataSource.query<[{ total: number }]>(
      `SELECT sum(amount)::int AS total FROM journal_lines`,
    );
    expect(trial.total).toBe(0);
  });

  it('clears a day in concurrent lanes, each voucher once', async () => {
    await writeSyntheticDay(db.dataSource, {
      partnerId,
      businessDate: '2026-11-26',
      vouchers: 50,
      prefix: 'LANE',
    });
    const run = await runId('2026-11-26');
    const clearing = new Clearing(db.dataSource, book, accounts);
    const result = await clearInLanes(clearing, run, '2026-11-26', { chunkSize: 4, lanes: 3 });
    // The mismatched voucher of an earlier day is tried again, and held again.
    expect(result).toEqual({ cleared: 50, held: 1 });
    const [count] = await db.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM clearings WHERE serial_number LIKE 'LANE%'`,
    );
    expect(count!.n).toBe(50);
    expect(await clearInLanes(clearing, run, '2026-11-26', { chunkSize: 4, lanes: 3 })).toEqual({
      cleared: 0,
      held: 1,
    });
  });

  it('writes product names and serials with tabs, line breaks and backslashes exactly as they are', async () => {
    await writeSyntheticDay(db.dataSource, {
      partnerId,
      businessDate: '2026-12-01',
      vouchers: 2,
      prefix: 'ESC',
    });
    const product = 'tea\tset\nfor two \\ 茶\r';
    await db.dataSource.query(`UPDATE redemption_lines SET item_name = $1 WHERE serial_number LIKE 'ESC%'`, [
      product,
    ]);
    await db.dataSource.query(
      `UPDATE redemption_lines SET serial_number = serial_number || E'\\\\x' WHERE serial_number LIKE 'ESC%'`,
    );
    const run = await runId('2026-12-01');
    await clearAll(run, '2026-12-01');
    const cleared = await db.dataSource.query<{ product: string; serial_number: string }[]>(
      `SELECT product, serial_number FROM clearings WHERE run_id = $1 AND serial_number LIKE 'ESC%' ORDER BY serial_number`,
      [run],
    );
    expect(cleared).toEqual([
      { product, serial_number: 'ESC1\\x' },
      { product, serial_number: 'ESC2\\x' },
    ]);
    const lines = await db.dataSource.query<{ serial_number: string }[]>(
      `SELECT DISTINCT l.serial_number FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
        WHERE e.run_id = $1 AND l.serial_number LIKE 'ESC%' ORDER BY 1`,
      [run],
    );
    expect(lines).toEqual([{ serial_number: 'ESC1\\x' }, { serial_number: 'ESC2\\x' }]);
  });

  /**
   * Waits until no transaction older than the last line written is running anywhere on the server (the other
   * test files' databases share it): from then on a run's horizon is above every line written so far.
   */
  async function untilHorizonPassesEveryLine(): Promise<void> {
    for (let attempt = 0; attempt < 400; attempt++) {
      const [{ passed }] = await db.dataSource.query<[{ passed: boolean }]>(
        `SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint > (SELECT max(created_xid) FROM redemption_lines) AS passed`,
      );
      if (passed) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('a transaction older than the last line kept running for 10 s');
  }

  async function backlogSerials(prefix: string): Promise<string[]> {
    const rows = await db.dataSource.query<{ serial_number: string }[]>(
      `SELECT rl.serial_number FROM clearing_backlog b JOIN redemption_lines rl ON rl.id = b.redemption_line_id
        WHERE rl.serial_number LIKE $1 ORDER BY 1`,
      [`${prefix}%`],
    );
    return rows.map((row) => row.serial_number);
  }

  // From here on the mismatched voucher of 2026-11-23 waits in the backlog: every run holds it again.

  it('reads only the lines written since the last run, and its backlog', async () => {
    await writeSyntheticDay(db.dataSource, {
      partnerId,
      businessDate: '2026-12-02',
      vouchers: 5,
      prefix: 'OLD',
    });
    await untilHorizonPassesEveryLine();
    expect(await clearAll(await runId('2026-12-02'), '2026-12-02')).toEqual({ cleared: 5, held: 1 });

    await writeSyntheticDay(db.dataSource, {
      partnerId,
      businessDate: '2026-12-03',
      vouchers: 4,
      prefix: 'NEW',
    });
    const clearing = new Clearing(db.dataSource, book, accounts);
    const run = await runId('2026-12-03');
    const pass = await clearing.open(run, '2026-12-03');
    // The fresh walk starts at the last run's horizon: the history before it is not read again.
    const [{ walked }] = await db.dataSource.query<[{ walked: number }]>(
      `SELECT count(*)::int AS walked FROM redemption_lines WHERE created_xid >= $1::bigint`,
      [pass.from],
    );
    expect(walked).toBe(4);
    expect(await clearing.toExamine(pass)).toBe(5);
    expect(await clearAll(run, '2026-12-03', clearing)).toEqual({ cleared: 4, held: 1 });
  });

  it('leaves a line redeemed after the period in the backlog, for the run of its day', async () => {
    await writeSyntheticDay(db.dataSource, {
      partnerId,
      businessDate: '2026-12-05',
      vouchers: 2,
      prefix: 'AFTER',
    });
    await untilHorizonPassesEveryLine();
    expect(await clearAll(await runId('2026-12-04'), '2026-12-04')).toEqual({ cleared: 0, held: 1 });
    expect(await backlogSerials('AFTER')).toEqual(['AFTER1', 'AFTER2']);

    expect(await clearAll(await runId('2026-12-05'), '2026-12-05')).toEqual({ cleared: 2, held: 1 });
    expect(await backlogSerials('AFTER')).toEqual([]);
  });

  it('clears a line committed while a run was clearing in the next run', async () => {
    const writer = db.dataSource.createQueryRunner();
    await writer.connect();
    try {
      await writer.startTransaction();
      await writeSyntheticDay(writer.manager, {
        partnerId,
        businessDate: '2026-12-06',
        vouchers: 3,
        prefix: 'LATE',
      });
      // The run cannot see the lines yet, and its horizon stays below the transaction writing them.
      expect(await clearAll(await runId('2026-12-06'), '2026-12-06')).toEqual({ cleared: 0, held: 1 });
      await writer.commitTransaction();
    } finally {
      await writer.release();
    }
    expect(await clearAll(await runId('2026-12-07'), '2026-12-07')).toEqual({ cleared: 3, held: 1 });
    const [{ cleared }] = await db.dataSource.query<[{ cleared: number }]>(
      `SELECT count(*)::int AS cleared FROM clearings WHERE serial_number LIKE 'LATE%'`,
    );
    expect(cleared).toBe(3);
  });

  it('closes the hold item of a line it clears as fresh (held while an older transaction was open)', async () => {
    // A transaction open elsewhere keeps every run's horizon below the line: it is never left in the backlog,
    // held again as fresh by each run, and cleared as fresh once its payee has an account.
    const old = db.dataSource.createQueryRunner();
    await old.connect();
    try {
      await old.startTransaction();
      await old.query('SELECT txid_current()');
      await writeSyntheticDay(db.dataSource, {
        partnerId,
        businessDate: '2026-12-08',
        vouchers: 1,
        prefix: 'FRESH',
      });
      await db.dataSource.query(
        `UPDATE redemption_lines SET redemption_point = 'store:997' WHERE serial_number LIKE 'FRESH%'`,
      );
      const [line] = await db.dataSource.query<[{ id: string }]>(
        `SELECT id FROM redemption_lines WHERE serial_number LIKE 'FRESH%'`,
      );
      const item = () =>
        db.dataSource.query<{ state: string; resolution: string | null }[]>(
          `SELECT state, resolution FROM operator_items WHERE kind = 'settlement_hold' AND reference = $1`,
          [line.id],
        );
      expect((await clearAll(await runId('2026-12-08'), '2026-12-08')).held).toBeGreaterThanOrEqual(1);
      expect(await item()).toEqual([{ state: 'open', resolution: null }]);
      const withAccount = new Clearing(
        db.dataSource,
        book,
        new Map([...accounts, [pointParty(SAMPLE_PARTNER.partnerUid, 'store:997'), 'payee-997']]),
      );
      await clearAll(await runId('2026-12-09'), '2026-12-09', withAccount);
      const [cleared] = await db.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM clearings WHERE redemption_line_id = $1`,
        [line.id],
      );
      expect(cleared?.n).toBe(1);
      expect(await item()).toEqual([{ state: 'resolved', resolution: 'cleared' }]);
    } finally {
      await old.rollbackTransaction();
      await old.release();
    }
  });

  it('prints a split as PostgreSQL prints its jsonb, so the stored split is compared as text', async () => {
    const split = computeFees({
      cost: 1234,
      escrowRate: '0.02',
      gatewayRate: '0.01',
      issuanceFee: 3,
      issuanceLayer: 1,
      isPaid: true,
      sharing: { headquarters: '0.15', sales: '0.1', reimbursement: '0.75' },
    });
    const [printed] = await db.dataSource.query<[{ text: string }]>(`SELECT $1::jsonb::text AS text`, [
      JSON.stringify(split),
    ]);
    expect(jsonbText(split)).toBe(printed.text);
  });
});

// Apart, on a database of its own: the first case needs a clearing that has made no split when it reads.
describe('clearing: the split stored at redemption', () => {
  let db: TestDatabase;
  let partnerId: string;

  useScratchDatabase((scratch, samplePartnerId) => {
    db = scratch;
    partnerId = samplePartnerId;
  });

  // A chunk compares stored splits with the splits the clearing has made so far in the database, and reads
  // the text of any other: both ways must judge alike. One chunk for the whole day reads every line before a
  // split is made; chunks of one line read the tampered lines after the clean ones (written first) made both.
  it.each([
    ['read before the clearing made any split', '2026-11-24', 100],
    ['read once the clearing knows the splits', '2026-11-25', 1],
  ])(
    'holds a line whose stored split is not ours and clears one that differs in form only (%s)',
    async (_, date, chunkSize) => {
      const prefix = `ST${date.slice(-2)}X`;
      await writeSyntheticDay(db.dataSource, {
        partnerId,
        businessDate: date,
        vouchers: 2,
        giftEvery: 2,
        prefix: `CLEAN${date.slice(-2)}X`,
      });
      await writeSyntheticDay(db.dataSource, { partnerId, businessDate: date, vouchers: 3, prefix });
      // 1: a paid line stored with the gift's split (a split the clearing knows); 2: with other shares;
      // 3: with our split, its cost printed as 50.0.
      await db.dataSource.query(
        `UPDATE redemption_lines SET our_fee = CASE serial_number
            WHEN $1 || '1' THEN (SELECT our_fee FROM redemption_lines WHERE serial_number = $2)
            WHEN $1 || '2' THEN our_fee || '{"sales": 6, "reimbursement": 34}'
            ELSE our_fee || '{"cost": 50.0}' END
          WHERE serial_number LIKE $1 || '%'`,
        [prefix, `CLEAN${date.slice(-2)}X2`],
      );

      const run = await startRun(db, date);
      const clearing = new Clearing(db.dataSource, book, accounts);
      await clearInLanes(clearing, run, date, { chunkSize, lanes: 1 });
      const held = await db.dataSource.query<{ serial_number: string; reason: string }[]>(
        `SELECT serial_number, reason FROM settlement_holds WHERE run_id = $1 AND serial_number LIKE $2 || '%'
          ORDER BY serial_number`,
        [run, prefix],
      );
      const differs = 'fee split differs from the one at redemption';
      expect(held).toEqual([
        { serial_number: `${prefix}1`, reason: differs },
        { serial_number: `${prefix}2`, reason: differs },
      ]);
      const cleared = await db.dataSource.query<{ serial_number: string }[]>(
        `SELECT serial_number FROM clearings WHERE run_id = $1 ORDER BY serial_number`,
        [run],
      );
      expect(cleared.map((c) => c.serial_number)).toEqual([
        `CLEAN${date.slice(-2)}X1`,
        `CLEAN${date.slice(-2)}X2`,
        `${prefix}3`,
      ]);
    },
  );
});
