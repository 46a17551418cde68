import { businessDate } from '@tixclear/domain';
import { createTestDatabase, insertTestPurchase, type TestDatabase } from '@tixclear/db';
import { OperationErrorCode } from '../errors';
import { beginWithHolds } from './voucher-hold-intent';

/*
 * The online redemption's intent in one statement, against a real PostgreSQL: all or nothing, the refusals
 * the row-by-row hold gave (same codes, same fields), idempotent on (partner, order_id), and exactly one winner
 * among concurrent holds of one voucher.
 */

let db: TestDatabase;
let partnerId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  let purchaseId: string;
  ({ partnerId, purchaseId } = await insertTestPurchase(db.dataSource, 'HOLDS1'));
  await db.dataSource.query(
    `INSERT INTO vouchers (partner_id, purchase_operation_id, item_id, item_name, serial_number, is_paid, price,
       cost, sharing_headquarters, sharing_sales, sharing_reimbursement, trust_end_date, validity_end_date,
       sales_point, state)
     SELECT $1, $2, 'H01', 'spec voucher', 'S' || g, true, 150, 100, 0.15, 0.1, 0.75, '2099-12-31',
       '2099-12-31', 'STORE1', CASE WHEN g = 9 THEN 'redeemed' ELSE 'issued' END
     FROM generate_series(1, 9) AS g`,
    [partnerId, purchaseId],
  );
});
afterAll(async () => {
  await db.drop();
});

const intent = (orderId: string, serials: readonly string[]) => ({
  partnerId,
  orderId,
  kind: 'redemption' as const,
  command: 'vouchertransaction',
  request: { order_id: orderId, items: serials.map((s) => ({ id: 'H01', serial_number: s })) },
});
const items = (serials: readonly string[], itemId = 'H01') =>
  serials.map((serial_number) => ({ id: itemId, serial_number }));
const begin = (orderId: string, serials: readonly string[], itemId = 'H01') =>
  beginWithHolds(db.dataSource, intent(orderId, serials), items(serials, itemId), 'redeeming');

async function stateOf(serial: string): Promise<{ state: string; holder: string | null }> {
  const rows = await db.dataSource.query<{ state: string; holder: string | null }[]>(
    'SELECT state, holder_operation_id AS holder FROM vouchers WHERE partner_id = $1 AND serial_number = $2',
    [partnerId, serial],
  );
  return rows[0]!;
}
async function operationCount(orderId: string): Promise<number> {
  const rows = await db.dataSource.query<{ n: number }[]>(
    'SELECT count(*)::int AS n FROM operations WHERE partner_id = $1 AND order_id = $2',
    [partnerId, orderId],
  );
  return rows[0]!.n;
}

describe('beginWithHolds', () => {
  it('records the intent and holds every voucher, returning them with exact money and sharing', async () => {
    const begun = await begin('O-OK', ['S1', 'S2']);
    expect(begun.status).toBe('new');
    expect(begun.operation).toMatchObject({ partnerId, orderId: 'O-OK', state: 'submitted' });
    expect(begun.operation.upstreamOrderId).toMatch(/^TX[0-9A-Z]{24}$/);
    expect(await stateOf('S1')).toEqual({ state: 'redeeming', holder: begun.operation.id });
    expect(await stateOf('S2')).toEqual({ state: 'redeeming', holder: begun.operation.id });
    expect([...begun.vouchers].sort((a, b) => a.serialNumber.localeCompare(b.serialNumber))).toEqual([
      expect.objectContaining({
        serialNumber: 'S1',
        itemId: 'H01',
        isPaid: true,
        cost: 100,
        sharingHeadquarters: '0.150000',
        sharingSales: '0.100000',
        sharingReimbursement: '0.750000',
        salesPoint: 'STORE1',
      }),
      expect.objectContaining({ serialNumber: 'S2', cost: 100 }),
    ]);
  });

  it('refuses the whole request when one voucher is not issued, naming it, and writes nothing', async () => {
    await expect(begin('O-BUSY', ['S3', 'S9'])).rejects.toMatchObject({
      code: OperationErrorCode.VoucherUnavailable,
      field: 'items[1].serial_number',
    });
    expect(await operationCount('O-BUSY')).toBe(0);
    expect(await stateOf('S3')).toEqual({ state: 'issued', holder: null });
  });

  it('refuses an unknown serial and a voucher of another item as invalid requests', async () => {
    await expect(begin('O-UNKNOWN', ['S4', 'NOPE'])).rejects.toMatchObject({
      code: OperationErrorCode.RequestInvalid,
      field: 'items[1].serial_number',
    });
    await expect(begin('O-ITEM', ['S4'], 'H02')).rejects.toMatchObject({
      code: OperationErrorCode.RequestInvalid,
      field: 'items[0].id',
    });
    expect(await operationCount('O-UNKNOWN')).toBe(0);
    expect(await operationCount('O-ITEM')).toBe(0);
    expect(await stateOf('S4')).toEqual({ state: 'issued', holder: null });
  });

  it('is idempotent on the order: in progress, then the stored answer; other content is a conflict', async () => {
    const first = await begin('O-AGAIN', ['S5']);
    expect((await begin('O-AGAIN', ['S5'])).status).toBe('in_progress');
    await db.dataSource.query(`UPDATE operations SET response = '{"code":"250"}' WHERE id = $1`, [
      first.operation.id,
    ]);
    expect(await begin('O-AGAIN', ['S5'])).toMatchObject({ status: 'replay', response: { code: '250' } });
    await expect(begin('O-AGAIN', ['S6'])).rejects.toMatchObject({ code: OperationErrorCode.OrderConflict });
    expect(await stateOf('S6')).toEqual({ state: 'issued', holder: null });
  });

  it('lets exactly one of concurrent holds of one voucher through; the others leave nothing', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => begin(`O-RACE-${i}`, ['S7', 'S8'])),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const lost of results.filter((r) => r.status === 'rejected'))
      expect(lost.reason).toMatchObject({ code: OperationErrorCode.VoucherUnavailable });
    const rows = await db.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM operations WHERE partner_id = $1 AND order_id LIKE 'O-RACE-%'`,
      [partnerId],
    );
    expect(rows[0]!.n).toBe(1);
  });
});

describe('beginWithHolds on a redemption day (docs/protocol.md §7)', () => {
  const on = (orderId: string, serials: readonly string[], day: string) =>
    beginWithHolds(db.dataSource, intent(orderId, serials), items(serials), 'redeeming', businessDate(day));

  beforeAll(async () => {
    const [{ id: purchaseId }] = await db.dataSource.query<[{ id: string }]>(
      `SELECT id FROM operations WHERE partner_id = $1 AND kind = 'purchase'`,
      [partnerId],
    );
    // D1: valid through 2026-12-31 within a trust to 2027-06-30; D2: trust from 2027-01-01.
    await db.dataSource.query(
      `INSERT INTO vouchers (partner_id, purchase_operation_id, item_id, item_name, serial_number, is_paid, price,
         cost, sharing_headquarters, sharing_sales, sharing_reimbursement, trust_start_date, trust_end_date,
         validity_end_date, sales_point, state)
       VALUES ($1, $2, 'H01', 'v', 'D1', true, 50, 50, 0.15, 0.1, 0.75, '2026-01-01', '2027-06-30', '2026-12-31', 'S', 'issued'),
              ($1, $2, 'H01', 'v', 'D2', true, 50, 50, 0.15, 0.1, 0.75, '2027-01-01', '2028-06-30', '2028-06-30', 'S', 'issued'),
              ($1, $2, 'H01', 'v', 'D3', true, 50, 50, 0.15, 0.1, 0.75, '2026-01-01', '2027-06-30', '2026-12-31', 'S', 'issued')`,
      [partnerId, purchaseId],
    );
  });

  it('refuses a voucher the day after its validity, naming it, and writes nothing', async () => {
    await expect(on('O-LATE', ['D1'], '2027-01-01')).rejects.toMatchObject({
      code: OperationErrorCode.VoucherUnavailable,
      field: 'items[0].serial_number',
    });
    await expect(on('O-LATE2', ['D2', 'D1'], '2027-01-01')).rejects.toMatchObject({
      code: OperationErrorCode.VoucherUnavailable,
      field: 'items[1].serial_number',
    });
    expect(await operationCount('O-LATE')).toBe(0);
    expect(await operationCount('O-LATE2')).toBe(0);
    expect(await stateOf('D1')).toEqual({ state: 'issued', holder: null });
    expect(await stateOf('D2')).toEqual({ state: 'issued', holder: null });
  });

  it('refuses a voucher before its trust period starts', async () => {
    await expect(on('O-EARLY', ['D2'], '2026-12-31')).rejects.toMatchObject({
      code: OperationErrorCode.VoucherUnavailable,
      field: 'items[0].serial_number',
    });
    expect(await operationCount('O-EARLY')).toBe(0);
  });

  it('holds a voucher on the last day of its validity', async () => {
    const begun = await on('O-LAST', ['D1'], '2026-12-31');
    expect(begun.status).toBe('new');
    expect(await stateOf('D1')).toEqual({ state: 'redeeming', holder: begun.operation.id });
  });

  it('replays an order taken in time, whatever the day it is asked again', async () => {
    const first = await on('O-REPLAY', ['D3'], '2026-12-31');
    await db.dataSource.query(`UPDATE operations SET response = '{"code":"250"}' WHERE id = $1`, [
      first.operation.id,
    ]);
    expect(await on('O-REPLAY', ['D3'], '2027-01-02')).toMatchObject({
      status: 'replay',
      response: { code: '250' },
    });
  });
});
