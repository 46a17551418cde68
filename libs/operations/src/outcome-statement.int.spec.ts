import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@tixclear/db';
import { OPEN_STATES } from './operation-recorder';
import { settleWithLines } from './outcome-statement';
import type { NewRedemptionLine } from './redemption-lines';
import { beginWithHolds } from './voucher-hold-intent';

/*
 * The online redemption's outcome in one statement, against a real PostgreSQL: settled once from an open state,
 * one partner report written with it, lines and the vouchers' move idempotent, exact values stored.
 */

let db: TestDatabase;
const partnerId = randomUUID();

beforeAll(async () => {
  db = await createTestDatabase();
  await db.dataSource.query(
    `INSERT INTO vouchers (partner_id, purchase_operation_id, item_id, item_name, serial_number, is_paid, price,
       cost, sharing_headquarters, sharing_sales, sharing_reimbursement, trust_end_date, validity_end_date,
       sales_point, state)
     VALUES ($1, $2, 'H01', 'spec voucher', 'S1', true, 150, 100, 0.15, 0.1, 0.75, '2099-12-31', '2099-12-31',
       'STORE1', 'issued')`,
    [partnerId, randomUUID()],
  );
});
afterAll(async () => {
  await db.drop();
});

const fee = {
  cost: 100,
  gateway_fee: 2,
  escrow_fee: 1,
  issuance_layer: 2,
  issuance_fee: 1,
  headquarters: 14,
  sales: 10,
  reimbursement: 72,
};

it('settles once, writes its report and lines once, and moves the held vouchers', async () => {
  const request = { order_id: 'O1', items: [{ id: 'H01', serial_number: 'S1' }] };
  const begun = await beginWithHolds(
    db.dataSource,
    { partnerId, orderId: 'O1', kind: 'redemption', command: 'vouchertransaction', request },
    request.items,
    'redeeming',
  );
  const voucher = begun.vouchers[0]!;
  const line: NewRedemptionLine = {
    operationId: begun.operation.id,
    partnerId,
    voucherId: voucher.id,
    serialNumber: 'S1',
    itemId: 'H01',
    isPaid: true,
    cost: 100,
    gatewaySharing: null,
    gatewayFee: fee,
    ourFee: fee,
    feeIssue: null,
    salesPoint: 'store:STORE1',
    redemptionPoint: 'store:STORE2',
    redeemedAt: new Date('2026-11-21T16:30:00Z'),
    businessDate: '2026-11-22',
  };
  const settle = () =>
    settleWithLines(db.dataSource, {
      operationId: begun.operation.id,
      completion: {
        state: 'succeeded',
        code: '250',
        body: { code: '250', order_id: 'O1' },
        gateway: { uid: '77', key: null },
        report: 'redemption',
      },
      completedAt: new Date('2026-11-21T16:30:01Z'),
      openStates: OPEN_STATES,
      lines: [line],
      vouchers: [['redeeming', 'redeem_unknown'], 'redeemed'],
    });

  const first = await settle();
  expect(first.settled).toBe(true);
  expect(first.reportId).toEqual(expect.any(String));
  expect(await settle()).toEqual({ settled: false });

  const [operation] = await db.dataSource.query<Record<string, unknown>[]>(
    'SELECT state, gateway_code, gateway_uid, gateway_key, response, completed_at FROM operations WHERE id = $1',
    [begun.operation.id],
  );
  expect(operation).toEqual({
    state: 'succeeded',
    gateway_code: '250',
    gateway_uid: '77',
    gateway_key: null,
    response: { code: '250', order_id: 'O1' },
    completed_at: new Date('2026-11-21T16:30:01Z'),
  });
  const reports = await db.dataSource.query<Record<string, unknown>[]>(
    'SELECT id, event, payload, state FROM partner_notifications WHERE operation_id = $1',
    [begun.operation.id],
  );
  expect(reports).toEqual([
    { id: first.reportId, event: 'redemption', payload: { code: '250', order_id: 'O1' }, state: 'pending' },
  ]);
  const lines = await db.dataSource.query<Record<string, unknown>[]>(
    `SELECT voucher_id, cost, gateway_sharing IS NULL AS sql_null_sharing, gateway_fee, our_fee, fee_issue, redeemed_at, business_date::text
     FROM redemption_lines WHERE operation_id = $1`,
    [begun.operation.id],
  );
  expect(lines).toEqual([
    {
      voucher_id: voucher.id,
      cost: '100',
      // SQL NULL, not the JSON null: settlement reads absence with IS NULL.
      sql_null_sharing: true,
      gateway_fee: fee,
      our_fee: fee,
      fee_issue: null,
      redeemed_at: new Date('2026-11-21T16:30:00Z'),
      business_date: '2026-11-22',
    },
  ]);
  const [held] = await db.dataSource.query<{ state: string }[]>('SELECT state FROM vouchers WHERE id = $1', [
    voucher.id,
  ]);
  expect(held).toEqual({ state: 'redeemed' });
});
