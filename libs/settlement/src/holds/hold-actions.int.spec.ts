import { randomUUID } from 'node:crypto';
import { OperatorItemEntity, SAMPLE_FEE_SCHEDULE, SAMPLE_PARTNER, type TestDatabase } from '@tixclear/db';
import { FeeScheduleBook } from '@tixclear/fee-engine';
import { pointParty } from '../accounts';
import { clearAll } from '../clearing/clear-all';
import { Clearing } from '../clearing/clearing';
import { CLEARING_LOCK } from '../settlement-runner';
import { writeSyntheticDay } from '../testing/synthetic-day';
import { listHolds, reclearHold, settleHoldOutside } from './hold-actions';
import { sampleDatabase } from '../testing/sample-night';

/*
 * Every settlement hold has an operator action, on a real PostgreSQL: re-clear after a correction (our record
 * read again, or one side's split accepted) and the next run clears it; or settle it outside, and no run ever
 * clears it while the journal still balances and the trust liability still equals the value outstanding. Each
 * action records who and why and closes the line's operator item.
 */

const book = new FeeScheduleBook([SAMPLE_FEE_SCHEDULE]);
const store = pointParty(SAMPLE_PARTNER.partnerUid, `store:${SAMPLE_PARTNER.partnerUid}`);
const accounts = new Map([[store, 'payee-1']]);
/** The sample split of a 50 TWD voucher, as the fee engine makes it. */
const OURS = {
  cost: 50,
  gateway_fee: 1,
  escrow_fee: 1,
  issuance_layer: 2,
  issuance_fee: 1,
  headquarters: 7,
  sales: 5,
  reimbursement: 35,
};
const actor = { by: 'ops-amy', note: 'checked with the gateway' };

let db: TestDatabase;
let partnerId: string;
let day = 0;

beforeAll(async () => {
  ({ db, partnerId } = await sampleDatabase());
});
afterAll(async () => {
  await db?.drop();
});

/** A fresh day of `vouchers` redeemed vouchers (serial prefix `prefix`), its date. */
async function redeemedDay(prefix: string, vouchers = 1): Promise<string> {
  day += 1;
  const date = `2026-10-${String(day).padStart(2, '0')}`;
  await writeSyntheticDay(db.dataSource, { partnerId, businessDate: date, vouchers, prefix });
  return date;
}

/** A settlement run's clearing of `date`, as the runner does it. */
async function clearDay(date: string, payees = accounts) {
  const [run] = await db.dataSource.query<[{ id: string }]>(
    `INSERT INTO settlement_runs (period_start, period_end, state, summary) VALUES ($1, $1, 'clearing', '{}')
     ON CONFLICT (period_start, period_end) DO UPDATE SET state = 'clearing' RETURNING id`,
    [date],
  );
  return clearAll(new Clearing(db.dataSource, book, payees), run.id, date, { chunkSize: 50, lanes: 1 });
}

async function lineOf(serial: string) {
  const [line] = await db.dataSource.query<
    { id: string; fee_issue: string | null; fee_accepted: boolean; sharing_sales: string }[]
  >(
    `SELECT id, fee_issue, fee_accepted, sharing_sales::text AS sharing_sales FROM redemption_lines
      WHERE serial_number = $1`,
    [serial],
  );
  return line!;
}

async function clearingOf(lineId: string) {
  const [row] = await db.dataSource.query<{ sales: string; reimbursement: string; escrow_fee: string }[]>(
    `SELECT sales::text, reimbursement::text, escrow_fee::text FROM clearings WHERE redemption_line_id = $1`,
    [lineId],
  );
  return row;
}

function itemsOf(lineId: string) {
  return db.dataSource
    .getRepository(OperatorItemEntity)
    .find({ where: { kind: 'settlement_hold', reference: lineId }, order: { createdAt: 'ASC' } });
}

async function trialBalance(): Promise<number> {
  const [row] = await db.dataSource.query<[{ total: number }]>(
    `SELECT coalesce(sum(amount), 0)::int AS total FROM journal_lines`,
  );
  return row.total;
}

it('puts each held line on the operators’ queue once, and closes its item when a later run clears it', async () => {
  const date = await redeemedDay('QUEUE');
  await db.dataSource.query(
    `UPDATE redemption_lines SET redemption_point = 'store:998' WHERE serial_number = 'QUEUE1'`,
  );
  expect(await clearDay(date)).toEqual({ cleared: 0, held: 1 });
  expect(await clearDay(date)).toEqual({ cleared: 0, held: 1 });
  const line = await lineOf('QUEUE1');
  const [item] = await itemsOf(line.id);
  expect(await itemsOf(line.id)).toHaveLength(1);
  expect(item).toMatchObject({ state: 'open', partnerId, details: { serial: 'QUEUE1' } });
  expect((await listHolds(db.dataSource)).map((h) => h.serialNumber)).toContain('QUEUE1');

  const payee = pointParty(SAMPLE_PARTNER.partnerUid, 'store:998');
  expect(await clearDay(date, new Map([...accounts, [payee, 'payee-998']]))).toEqual({ cleared: 1, held: 0 });
  expect(await itemsOf(line.id)).toMatchObject([
    { state: 'resolved', resolvedBy: 'settlement', resolution: 'cleared' },
  ]);
  expect((await listHolds(db.dataSource)).map((h) => h.serialNumber)).not.toContain('QUEUE1');
});

it('re-clears a line after the voucher’s terms are corrected: read again from our record, split again, cleared', async () => {
  const date = await redeemedDay('TERMS');
  // Sold with shares that cannot split (as a rounded ratio would leave them): no split at redemption.
  await db.dataSource.query(
    `UPDATE vouchers SET sharing_sales = 0.100001 WHERE serial_number = 'TERMS1';
     UPDATE redemption_lines SET sharing_sales = 0.100001, our_fee = NULL, fee_issue = 'no fee split: SHARING_INVALID'
      WHERE serial_number = 'TERMS1'`,
  );
  expect(await clearDay(date)).toEqual({ cleared: 0, held: 1 });
  const line = await lineOf('TERMS1');

  await db.dataSource.query(`UPDATE vouchers SET sharing_sales = 0.1 WHERE serial_number = 'TERMS1'`);
  expect(await reclearHold(db.dataSource, line.id, actor)).toEqual({
    lineId: line.id,
    action: 'recleared',
    feeIssue: null,
  });
  expect(await lineOf('TERMS1')).toMatchObject({ fee_issue: null, sharing_sales: '0.100000' });
  expect(await itemsOf(line.id)).toMatchObject([
    { state: 'resolved', resolvedBy: 'ops-amy', resolution: 'recleared' },
  ]);
  const actions = await db.dataSource.query<{ action: string; acted_by: string; note: string }[]>(
    `SELECT action, acted_by, note FROM settlement_hold_actions WHERE redemption_line_id = $1`,
    [line.id],
  );
  expect(actions).toEqual([{ action: 'recleared', acted_by: 'ops-amy', note: 'checked with the gateway' }]);

  expect(await clearDay(date)).toEqual({ cleared: 1, held: 0 });
  expect(await clearingOf(line.id)).toEqual({ sales: '5', reimbursement: '35', escrow_fee: '1' });
  expect(await trialBalance()).toBe(0);
});

it('keeps a line held while the gateway still disagrees, unless one side’s split is accepted', async () => {
  const date = await redeemedDay('FEES', 2);
  // The gateway's split of the same 50: another reimbursement/sales cut, still whole parts summing to 50.
  const gateway = { ...OURS, sales: 6, reimbursement: 34 };
  await db.dataSource.query(
    `UPDATE redemption_lines SET gateway_fee = $1::jsonb, fee_issue = 'fee mismatch: sales, reimbursement'
      WHERE serial_number LIKE 'FEES%'`,
    [JSON.stringify(gateway)],
  );
  expect(await clearDay(date)).toEqual({ cleared: 0, held: 2 });
  const [first, second] = [await lineOf('FEES1'), await lineOf('FEES2')];

  // Nothing corrected: the disagreement is found again and the next run holds the line again.
  expect(await reclearHold(db.dataSource, first.id, actor)).toMatchObject({
    feeIssue: 'fee mismatch: sales, reimbursement',
  });
  expect(await clearDay(date)).toEqual({ cleared: 0, held: 2 });
  expect((await itemsOf(first.id)).map((i) => i.state)).toEqual(['resolved', 'open']);

  // Accepting the gateway's split clears with it; accepting ours clears with ours.
  expect(await reclearHold(db.dataSource, first.id, actor, 'gateway')).toMatchObject({
    action: 'fee_accepted',
    feeIssue: null,
  });
  expect(await lineOf('FEES1')).toMatchObject({ fee_accepted: true });
  expect(await reclearHold(db.dataSource, second.id, actor, 'ours')).toMatchObject({
    action: 'recleared',
    feeIssue: null,
  });
  expect(await clearDay(date)).toEqual({ cleared: 2, held: 0 });
  expect(await clearingOf(first.id)).toEqual({ sales: '6', reimbursement: '34', escrow_fee: '1' });
  expect(await clearingOf(second.id)).toEqual({ sales: '5', reimbursement: '35', escrow_fee: '1' });
  expect(await trialBalance()).toBe(0);
});

it('keeps the gateway’s word on is_paid through a re-clear until one side is accepted', async () => {
  const date = await redeemedDay('SAYS');
  await db.dataSource.query(
    `UPDATE redemption_lines SET fee_issue = 'gateway says is_paid 0' WHERE serial_number = 'SAYS1'`,
  );
  expect(await clearDay(date)).toEqual({ cleared: 0, held: 1 });
  const line = await lineOf('SAYS1');
  expect(await reclearHold(db.dataSource, line.id, actor)).toMatchObject({
    feeIssue: 'gateway says is_paid 0',
  });
  expect(await clearDay(date)).toEqual({ cleared: 0, held: 1 });
  expect(await reclearHold(db.dataSource, line.id, actor, 'ours')).toMatchObject({ feeIssue: null });
  expect(await clearDay(date)).toEqual({ cleared: 1, held: 0 });
  expect(await clearingOf(line.id)).toEqual({ sales: '5', reimbursement: '35', escrow_fee: '1' });
});

it('refuses a gateway split that is not a split of our value, changing nothing', async () => {
  const date = await redeemedDay('BADFEE');
  await db.dataSource.query(
    `UPDATE redemption_lines SET gateway_fee = $1::jsonb, fee_issue = 'fee mismatch: cost'
      WHERE serial_number = 'BADFEE1'`,
    [JSON.stringify({ ...OURS, cost: 5000, reimbursement: 4985 })],
  );
  expect(await clearDay(date)).toEqual({ cleared: 0, held: 1 });
  const line = await lineOf('BADFEE1');
  await expect(reclearHold(db.dataSource, line.id, actor, 'gateway')).rejects.toMatchObject({
    code: 'HOLD_GATEWAY_FEE_UNUSABLE',
    field: 'accept',
  });
  expect(await lineOf('BADFEE1')).toMatchObject({ fee_issue: 'fee mismatch: cost', fee_accepted: false });
  expect((await itemsOf(line.id)).map((i) => i.state)).toEqual(['open']);
  // What is left for it: settling it outside.
  expect(await settleHoldOutside(db.dataSource, line.id, actor)).toEqual({ lineId: line.id, posted: 50 });
});

it('settles a line outside: no run clears it, the trust liability gives up its value, once', async () => {
  const date = await redeemedDay('OUTSIDE');
  await db.dataSource.query(
    `UPDATE redemption_lines SET redemption_point = 'store:997' WHERE serial_number = 'OUTSIDE1'`,
  );
  expect(await clearDay(date)).toEqual({ cleared: 0, held: 1 });
  const line = await lineOf('OUTSIDE1');

  expect(
    await settleHoldOutside(db.dataSource, line.id, { by: 'ops-bo', note: 'paid by bank transfer' }),
  ).toEqual({
    lineId: line.id,
    posted: 50,
  });
  const entry = await db.dataSource.query<{ account: string; amount: number }[]>(
    `SELECT l.account, l.amount::int AS amount FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id
      WHERE e.kind = 'hold_settled' AND e.reference = $1 ORDER BY l.amount`,
    [line.id],
  );
  expect(entry).toEqual([
    { account: 'paid_outside', amount: -50 },
    { account: 'trust_liability', amount: 50 },
  ]);
  expect(await itemsOf(line.id)).toMatchObject([
    { state: 'resolved', resolvedBy: 'ops-bo', resolution: 'settled_outside' },
  ]);
  expect((await listHolds(db.dataSource)).map((h) => h.lineId)).not.toContain(line.id);

  // Even with the payee's account now known, no run clears it, and no action takes it again.
  const payee = pointParty(SAMPLE_PARTNER.partnerUid, 'store:997');
  expect(await clearDay(date, new Map([...accounts, [payee, 'payee-997']]))).toEqual({ cleared: 0, held: 0 });
  expect(await clearingOf(line.id)).toBeUndefined();
  await expect(settleHoldOutside(db.dataSource, line.id, actor)).rejects.toMatchObject({
    code: 'HOLD_NOT_OPEN',
  });
  await expect(reclearHold(db.dataSource, line.id, actor)).rejects.toMatchObject({ code: 'HOLD_NOT_OPEN' });
  expect(await trialBalance()).toBe(0);
});

it('refuses to settle outside while a run clears, and refuses actions without who and why or on no held line', async () => {
  const date = await redeemedDay('BUSY');
  await db.dataSource.query(
    `UPDATE redemption_lines SET redemption_point = 'store:996' WHERE serial_number = 'BUSY1'`,
  );
  expect(await clearDay(date)).toEqual({ cleared: 0, held: 1 });
  const line = await lineOf('BUSY1');

  const runner = db.dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`SELECT pg_advisory_lock(${CLEARING_LOCK})`);
    await expect(settleHoldOutside(db.dataSource, line.id, actor)).rejects.toMatchObject({
      code: 'HOLD_CLEARING_BUSY',
    });
  } finally {
    await runner.query(`SELECT pg_advisory_unlock(${CLEARING_LOCK})`);
    await runner.release();
  }

  await expect(settleHoldOutside(db.dataSource, line.id, { by: 'ops', note: '  ' })).rejects.toMatchObject({
    code: 'HOLD_NOTE_REQUIRED',
    field: 'note',
  });
  await expect(reclearHold(db.dataSource, line.id, { by: '', note: 'x' })).rejects.toMatchObject({
    code: 'HOLD_NOTE_REQUIRED',
    field: 'by',
  });
  await expect(settleHoldOutside(db.dataSource, randomUUID(), actor)).rejects.toMatchObject({
    code: 'HOLD_NOT_FOUND',
    field: 'lineId',
  });
  await expect(reclearHold(db.dataSource, 'not-a-line', actor)).rejects.toMatchObject({
    code: 'HOLD_NOT_FOUND',
  });
  // A line cleared by a run is not held any more.
  await expect(settleHoldOutside(db.dataSource, (await lineOf('TERMS1')).id, actor)).rejects.toMatchObject({
    code: 'HOLD_NOT_OPEN',
  });
  expect((await itemsOf(line.id)).map((i) => i.state)).toEqual(['open']);
  const [{ count }] = await db.dataSource.query<[{ count: number }]>(
    `SELECT count(*)::int AS count FROM settlement_hold_actions WHERE redemption_line_id = $1`,
    [line.id],
  );
  expect(count).toBe(0);
});
