import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { voucherStates } from '@tixclear/domain';
import { checkLiterals } from './state-checks';
import { createTestDatabase, type TestDatabase } from './testing/test-database';

describe('the database admits what the domain defines', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  const definitions = async () =>
    new Map(
      (
        await db.dataSource.query<{ table: string; name: string; definition: string }[]>(
          `SELECT c.conrelid::regclass::text AS table, c.conname AS name, pg_get_constraintdef(c.oid) AS definition
             FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
            WHERE c.contype = 'c' AND n.nspname = 'public'`,
        )
      ).map((row) => [`${row.table}.${row.name}`, row.definition]),
    );

  it('holds every CHECK an entity declares, with the very values of its list', async () => {
    const inDatabase = await definitions();
    const declared = db.dataSource.entityMetadatas.flatMap((m) =>
      m.checks.map((check) => ({ key: `${m.tableName}.${check.name}`, expression: check.expression ?? '' })),
    );
    expect(declared.length).toBeGreaterThanOrEqual(13);
    for (const { key, expression } of declared) {
      const definition = inDatabase.get(key);
      expect({ key, values: definition === undefined ? 'missing' : checkLiterals(definition) }).toEqual({
        key,
        values: checkLiterals(expression),
      });
    }
  });

  it('checks every state column of every entity', () => {
    const unchecked = db.dataSource.entityMetadatas.flatMap((m) =>
      m.columns
        .filter((c) => ['state', 'outcome'].includes(c.databaseName))
        .filter((c) => !m.checks.some((check) => (check.expression ?? '').includes(`"${c.databaseName}"`)))
        .map((c) => `${m.tableName}.${c.databaseName}`),
    );
    expect(unchecked).toEqual([]);
  });

  it('refuses a state no machine has, and a purchase state on a redemption', async () => {
    const [partner] = await db.dataSource.query<[{ id: string }]>(
      `INSERT INTO partners (partner_uid, mode, name, upstream_mode, upstream_uid, issuer_id)
       VALUES ('CHK1', 'store', 'checks', 'store', 'CHK1', 'issuer') RETURNING id`,
    );
    const operation = (kind: string, state: string) =>
      db.dataSource.query(
        `INSERT INTO operations (partner_id, order_id, upstream_order_id, kind, command, request_hash, request, state)
         VALUES ($1, $2, $2, $3, 'cmd', 'hash', '{}', $4) RETURNING id`,
        [partner.id, randomUUID(), kind, state],
      );
    await expect(operation('redemption', 'paid')).rejects.toMatchObject({ code: '23514' });
    await expect(operation('purchase', 'succeeded')).rejects.toMatchObject({ code: '23514' });
    await expect(operation('sale', 'created')).rejects.toMatchObject({ code: '23514' });
    const [purchase] = (await operation('purchase', 'paid')) as [{ id: string }];
    await operation('refund', 'outcome_unknown');

    const voucher = (state: string, purchaseId = purchase.id) =>
      db.dataSource.query(
        `INSERT INTO vouchers (partner_id, purchase_operation_id, item_id, item_name, serial_number, is_paid, price,
           cost, sharing_headquarters, sharing_sales, sharing_reimbursement, trust_end_date, validity_end_date,
           sales_point, state)
         VALUES ($1, $2, 'I1', 'item', $3, true, 50, 50, 0.2, 0.3, 0.5, '2027-01-01', '2027-01-01', 'S1', $4)`,
        [partner.id, purchaseId, randomUUID().slice(0, 32).replaceAll('-', ''), state],
      );
    for (const state of voucherStates) await voucher(state);
    await expect(voucher('lost')).rejects.toMatchObject({ code: '23514' });
    // A voucher belongs to its purchase.
    await expect(voucher('issued', randomUUID())).rejects.toMatchObject({ code: '23503' });
  });
});
