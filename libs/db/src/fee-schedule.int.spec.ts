import { createTestDatabase, type TestDatabase } from './testing/test-database';
import { FeeScheduleEntity } from './entities';

describe('fee_schedules table', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('keeps rates exact and money as integers', async () => {
    const repo = db.dataSource.getRepository(FeeScheduleEntity);
    const saved = await repo.save(
      repo.create({
        issuerId: 'ISS1',
        effectiveFrom: '2026-01-01',
        escrowRate: '0.015',
        gatewayRate: '0.01',
        issuanceFee: 1,
        issuanceLayer: 2,
      }),
    );
    const read = await repo.findOneByOrFail({ id: saved.id });
    expect(read.escrowRate).toBe('0.015000');
    expect(read.issuanceFee).toBe(1);
    expect(read.effectiveFrom).toBe('2026-01-01');
  });

  it('refuses two schedules of one issuer from the same date (unique index)', async () => {
    const repo = db.dataSource.getRepository(FeeScheduleEntity);
    const row = {
      issuerId: 'ISS2',
      effectiveFrom: '2026-02-01',
      escrowRate: '0.02',
      gatewayRate: '0.01',
      issuanceFee: 1,
      issuanceLayer: 1,
    };
    await repo.insert({ ...row });
    await expect(repo.insert({ ...row })).rejects.toMatchObject({
      code: '23505',
      constraint: 'fee_schedules_issuer_effective_uq',
    });
  });
});
