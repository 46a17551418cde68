import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OperatorItemEntity } from './entities';
import { raiseOperatorItem, resolveOperatorItem } from './operator-items';
import { createTestDatabase, type TestDatabase } from './testing/test-database';

describe('the operators queue', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('keeps one open item per kind and reference, and a new one once that is resolved', async () => {
    const item = { kind: 'late_outcome', reference: 'op-1', details: { code: '250' } } as const;
    const raised = await Promise.all([1, 2, 3].map(() => raiseOperatorItem(db.dataSource.manager, item)));
    expect(raised.filter(Boolean)).toHaveLength(1);
    const open = await db.dataSource.getRepository(OperatorItemEntity).findBy({ reference: 'op-1' });
    expect(open.map((i) => i.state)).toEqual(['open']);

    const by = { by: 'alice', action: 'accepted' };
    expect(await resolveOperatorItem(db.dataSource.manager, open[0]!.id, by)).toBe(true);
    expect(await resolveOperatorItem(db.dataSource.manager, open[0]!.id, by)).toBe(false);
    expect(await raiseOperatorItem(db.dataSource.manager, item)).toBe(true);
    const all = await db.dataSource.getRepository(OperatorItemEntity).findBy({ reference: 'op-1' });
    expect(all.map((i) => i.state).sort()).toEqual(['open', 'resolved']);
  });
});
