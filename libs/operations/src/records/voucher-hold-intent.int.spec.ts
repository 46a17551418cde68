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
