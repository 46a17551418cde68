import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@tixclear/db';
import type { DataSource } from 'typeorm';
import { Audited, type AuditedAction, withinTransaction } from './audited';

/** A library function as the settlement ones are: it takes a DataSource and opens its own transaction. */
function addOperator(dataSource: DataSource, name: string): Promise<unknown> {
  return dataSource.transaction((tx) =>
    tx.query(`INSERT INTO operators (name, role) VALUES ($1, 'viewer')`, [name]),
  );
}

describe('audited operator actions', () => {
  let db: TestDatabase;
  let audited: Audited;
  beforeAll(async () => {
    db = await createTestDatabase();
    audited = new Audited(db.dataSource);
  });
  afterAll(() => db.drop());

  const action = (name: string, target: string): AuditedAction => ({
    session: { idHash: 'h', operatorId: 'o', name: 'ann', role: 'admin', csrfToken: 't' },
    clientAddress: '127.0.0.1',
    action: name,
    target,
    snapshot: async (manager) =>
      (
        await manager.query<{ n: number }[]>('SELECT count(*)::int AS n FROM operators WHERE name = $1', [
          target,
        ])
      )[0],
  });
  const audit = (target: string) =>
    db.dataSource.query<{ action: string; result: string; before: unknown; after: unknown }[]>(
      'SELECT action, result, before, after FROM operator_audit WHERE target = $1 ORDER BY id',
      [target],
    );
  const exists = async (name: string) =>
    (await db.dataSource.query('SELECT 1 FROM operators WHERE name = $1', [name])).length === 1;

  it('commits a library function’s own transaction and its audit line together', async () => {
    await audited.inTransaction(action('spec.add', 'one'), (tx) => addOperator(withinTransaction(tx), 'one'));
    expect(await exists('one')).toBe(true);
    expect(await audit('one')).toEqual([
      { action: 'spec.add', result: 'ok', before: { n: 0 }, after: { n: 1 } },
    ]);
  });

  it('rolls the action back when its audit line cannot be written (neither commits)', async () => {
    const tooLong = 'x'.repeat(61);
    await expect(
      audited.inTransaction(action(tooLong, 'two'), (tx) => addOperator(withinTransaction(tx), 'two')),
    ).rejects.toThrow();
    expect(await exists('two')).toBe(false);
  });

  it('records a refused action with its code, after its work rolled back', async () => {
    await addOperator(db.dataSource, 'three');
    // A second operator of the same name: the unique index refuses it, and the action is undone.
    await expect(
      audited.inTransaction(action('spec.add', 'three'), (tx) => addOperator(withinTransaction(tx), 'three')),
    ).rejects.toThrow();
    expect(await audit('three')).toEqual([
      { action: 'spec.add', result: 'INTERNAL', before: { n: 1 }, after: { n: 1 } },
    ]);
  });
});
