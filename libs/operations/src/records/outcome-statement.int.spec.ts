import { createTestDatabase, insertTestPurchase, OperationEntity, type TestDatabase } from '@tixclear/db';
import { OPEN_STATES, OperationRecorder } from './operation-recorder';
import { noDispatch } from '../reports/partner-outbox';
import { systemClock } from '../ports';
import { settleWithLines } from './outcome-statement';
import { insertLinesSql, linesParameter, type NewRedemptionLine } from '../lines/redemption-lines';
import { beginWithHolds } from './voucher-hold-intent';

/*
 * The online redemption's outcome in one statement, against a real PostgreSQL: settled once from an open state,
 * one partner report written with it, lines and the vouchers' move idempotent, exact values stored.
 */

let db: TestDatabase;
let partnerId: string;
let purchaseId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  ({ partnerId, purchaseId } = await insertTestPurchase(db.dataSource, 'OUTCOME1'));
  await db.dataSource.query(
    `INSERT INTO vouchers (partner_id, purchase_operation_id, item_id, item_name, serial_number, is_paid, price,
       cost, sharing_headquarters, sharing_sales, sharing_reimbursement, trust_end_date, validity_end_date,
       sales_point, state)
     VALUES ($1, $2, 'H01', 'spec voucher', 'S1', true, 150, 100, 0.15, 0.1, 0.75, '2099-12-31', '2099-12-31',
       'STORE1', 'issued')`,
    [partnerId, purchaseId],
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
    `SELECT voucher_id, cost, gateway_sharing IS NULL AS sql_null_sharing, gateway_fee, our_fee, fee_issue, redeemed_at, business_date::text,
            item_name, sharing_headquarters, sharing_sales, sharing_reimbursement
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
      // The product and sharing as sold, copied from the voucher for settlement.
      item_name: 'spec voucher',
      sharing_headquarters: '0.150000',
      sharing_sales: '0.100000',
      sharing_reimbursement: '0.750000',
    },
  ]);
  const [held] = await db.dataSource.query<{ state: string }[]>('SELECT state FROM vouchers WHERE id = $1', [
    voucher.id,
  ]);
  expect(held).toEqual({ state: 'redeemed' });
});

it('looks up the voucher of each line by its key, not by a scan of every voucher', async () => {
  // A few thousand vouchers, analysed: the flat join was planned as a hash of the whole table per redemption.
  await db.dataSource.query(
    `INSERT INTO vouchers (partner_id, purchase_operation_id, item_id, item_name, serial_number, is_paid, price,
       cost, sharing_headquarters, sharing_sales, sharing_reimbursement, trust_end_date, validity_end_date,
       sales_point, state)
     SELECT $1, $2, 'H01', 'spec voucher', 'BULK' || n, true, 150, 100, 0.15, 0.1, 0.75, '2099-12-31',
       '2099-12-31', 'STORE1', 'redeemed'
       FROM generate_series(1, 5000) AS n`,
    [partnerId, purchaseId],
  );
  await db.dataSource.query('ANALYZE vouchers');
  const [{ 'QUERY PLAN': plan }] = await db.dataSource.query<[{ 'QUERY PLAN': unknown }]>(
    `EXPLAIN (FORMAT JSON) ${insertLinesSql('$1')}`,
    [linesParameter([])],
  );
  const vouchersRead = nodesOf((plan as [{ Plan: PlanNode }])[0].Plan)
    .filter((node) => node['Relation Name'] === 'vouchers')
    .map((node) => node['Node Type']);
  expect(vouchersRead).toEqual(['Index Scan']);
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}
const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

describe('an outcome for an operation that is no longer open', () => {
  /** A redemption of a fresh issued voucher, held, its line ready for the outcome. */
  async function heldRedemption(serial: string) {
    await db.dataSource.query(
      `INSERT INTO vouchers (partner_id, purchase_operation_id, item_id, item_name, serial_number, is_paid, price,
         cost, sharing_headquarters, sharing_sales, sharing_reimbursement, trust_end_date, validity_end_date,
         sales_point, state)
       VALUES ($1, $2, 'H01', 'spec voucher', $3, true, 150, 100, 0.15, 0.1, 0.75, '2099-12-31', '2099-12-31',
         'STORE1', 'issued')`,
      [partnerId, purchaseId, serial],
    );
    const orderId = `O-${serial}`;
    const request = { order_id: orderId, items: [{ id: 'H01', serial_number: serial }] };
    const begun = await beginWithHolds(
      db.dataSource,
      { partnerId, orderId, kind: 'redemption', command: 'vouchertransaction', request },
      request.items,
      'redeeming',
    );
    const voucher = begun.vouchers[0]!;
    const line: NewRedemptionLine = {
      operationId: begun.operation.id,
      partnerId,
      voucherId: voucher.id,
      serialNumber: serial,
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
    const settle = (gateway: { uid: string; key: string }) =>
      settleWithLines(db.dataSource, {
        operationId: begun.operation.id,
        completion: {
          state: 'succeeded',
          code: '250',
          body: { code: '250', order_id: orderId },
          gateway,
          report: 'redemption',
        },
        completedAt: new Date('2026-11-21T16:30:01Z'),
        openStates: OPEN_STATES,
        lines: [line],
        vouchers: [['redeeming', 'redeem_unknown'], 'redeemed'],
      });
    return { operationId: begun.operation.id, voucherId: voucher.id, settle };
  }

  it('writes no line and moves no voucher for an operation already failed', async () => {
    const { operationId, voucherId, settle } = await heldRedemption('S-FAILED');
    // Failed (as the reconciler fails an order the gateway never received), the voucher held still.
    await db.dataSource.query(`UPDATE operations SET state = 'failed' WHERE id = $1`, [operationId]);

    expect(await settle({ uid: '91', key: 'k'.repeat(32) })).toEqual({ settled: false });
    const lines = await db.dataSource.query<unknown[]>(
      `SELECT 1 FROM redemption_lines WHERE partner_id = $1 AND serial_number = 'S-FAILED'`,
      [partnerId],
    );
    expect(lines).toHaveLength(0);
    const [voucher] = await db.dataSource.query<{ state: string }[]>(
      'SELECT state FROM vouchers WHERE id = $1',
      [voucherId],
    );
    expect(voucher).toEqual({ state: 'redeeming' });
  });

  it('keeps a uid and key already stored', async () => {
    const { operationId, settle } = await heldRedemption('S-KEYED');
    await db.dataSource.query(
      `UPDATE operations SET state = 'outcome_unknown', gateway_uid = '77', gateway_key = 'genuine' WHERE id = $1`,
      [operationId],
    );
    expect((await settle({ uid: '66', key: 'forged' })).settled).toBe(true);
    const [operation] = await db.dataSource.query<Record<string, unknown>[]>(
      'SELECT state, gateway_uid, gateway_key FROM operations WHERE id = $1',
      [operationId],
    );
    expect(operation).toEqual({ state: 'succeeded', gateway_uid: '77', gateway_key: 'genuine' });
  });

  it('keeps a uid and key already stored through the recorder too', async () => {
    const { operationId } = await heldRedemption('S-RECORDER');
    await db.dataSource.query(
      `UPDATE operations SET state = 'outcome_unknown', gateway_uid = '78', gateway_key = 'genuine' WHERE id = $1`,
      [operationId],
    );
    const recorder = new OperationRecorder(systemClock, noDispatch);
    const operation = await db.dataSource.getRepository(OperationEntity).findOneByOrFail({ id: operationId });
    const completion = await db.dataSource.transaction((tx) =>
      recorder.complete(tx, operation, {
        state: 'failed',
        code: '300',
        body: { code: '300' },
        gateway: { uid: '66', key: 'forged' },
        report: 'redemption',
      }),
    );
    expect(completion.settled).toBe(true);
    expect(
      await db.dataSource.getRepository(OperationEntity).findOneByOrFail({ id: operationId }),
    ).toMatchObject({ state: 'failed', gatewayUid: '78', gatewayKey: 'genuine' });
  });
});
