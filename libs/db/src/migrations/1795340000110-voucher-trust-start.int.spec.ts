import { createTestDatabase, insertTestPurchase, type TestDatabase } from '../testing/test-database';
import { VoucherTrustStart1795340000110 } from './1795340000110-voucher-trust-start';

/*
 * The backfill of `trust_start_date` for vouchers sold before it was kept: from the purchase request's item of
 * the same id, and NULL (no lower bound) where the request does not say it as a date.
 */

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

it('takes each voucher’s trust start from its purchase’s item, or leaves it unknown', async () => {
  const { partnerId, purchaseId } = await insertTestPurchase(db.dataSource, 'BACKFILL1');
  await db.dataSource.query(`UPDATE operations SET request = $2::jsonb WHERE id = $1`, [
    purchaseId,
    JSON.stringify({
      items: [
        { id: 'H01', trust_start_date: '20250917' },
        { id: 'H02', trust_start_date: 'soon' },
      ],
    }),
  ]);
  await db.dataSource.query(
    `INSERT INTO vouchers (partner_id, purchase_operation_id, item_id, item_name, serial_number, is_paid, price, cost,
       sharing_headquarters, sharing_sales, sharing_reimbursement, trust_end_date, validity_end_date, sales_point, state)
     SELECT $1, $2, s.item, 'v', s.serial, true, 50, 50, 0.15, 0.1, 0.75, '2026-09-16', '2026-09-16', 'S', 'issued'
       FROM (VALUES ('H01', 'A1'), ('H02', 'A2'), ('H03', 'A3')) AS s(item, serial)`,
    [partnerId, purchaseId],
  );
  const runner = db.dataSource.createQueryRunner();
  try {
    await new VoucherTrustStart1795340000110().down(runner);
    await new VoucherTrustStart1795340000110().up(runner);
  } finally {
    await runner.release();
  }
  const rows = await db.dataSource.query<{ serial_number: string; start: string | null }[]>(
    `SELECT serial_number, trust_start_date::text AS start FROM vouchers WHERE partner_id = $1 ORDER BY 1`,
    [partnerId],
  );
  expect(rows).toEqual([
    { serial_number: 'A1', start: '2025-09-17' },
    { serial_number: 'A2', start: null },
    { serial_number: 'A3', start: null },
  ]);
});
