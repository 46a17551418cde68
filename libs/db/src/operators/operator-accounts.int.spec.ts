import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createDataSource } from '../data-source';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { OperatorAccounts } from './operator-accounts';

const CLI = { actor: 'spec', actorRole: null };

describe('operator accounts: the last enabled admin stays', () => {
  let db: TestDatabase;
  let accounts: OperatorAccounts;
  beforeAll(async () => {
    db = await createTestDatabase();
    accounts = new OperatorAccounts(db.dataSource);
  });
  afterAll(() => db.drop());
  beforeEach(() => db.dataSource.query('DELETE FROM operators'));

  const admins = async () =>
    (
      await db.dataSource.query<{ name: string }[]>(
        `SELECT name FROM operators WHERE role = 'admin' AND disabled_at IS NULL ORDER BY name`,
      )
    ).map((r) => r.name);
  const refusals = (target: string) =>
    db.dataSource.query<{ action: string; result: string }[]>(
      `SELECT action, result FROM operator_audit WHERE target = $1 AND result <> 'ok' ORDER BY id`,
      [target],
    );

  it('refuses to disable or demote the last enabled admin, audits the refusal, and changes nothing', async () => {
    await accounts.add({ name: 'solo', role: 'admin', password: null }, CLI);
    await accounts.add({ name: 'off', role: 'admin', password: null }, CLI);
    await accounts.disable('off', CLI);
    await expect(accounts.disable('solo', CLI)).rejects.toMatchObject({
      code: 'OPERATOR_LAST_ADMIN',
      field: 'name',
    });
    await expect(accounts.setRole('solo', 'finance', CLI)).rejects.toMatchObject({
      code: 'OPERATOR_LAST_ADMIN',
    });
    expect(await admins()).toEqual(['solo']);
    expect(await refusals('solo')).toEqual([
      { action: 'operator.disable', result: 'OPERATOR_LAST_ADMIN' },
      { action: 'operator.set_role', result: 'OPERATOR_LAST_ADMIN' },
    ]);
    // Setting the admin role again, or other changes that keep it an enabled admin, pass.
    await expect(accounts.setRole('solo', 'admin', CLI)).resolves.toMatchObject({ role: 'admin' });
    // A disabled admin does not count: enabling it makes the other one free to go.
    await accounts.enable('off', CLI);
    await expect(accounts.setRole('solo', 'viewer', CLI)).resolves.toMatchObject({ role: 'viewer' });
    expect(await admins()).toEqual(['off']);
  });

  it('lets a non-admin be disabled and demoted while one admin remains', async () => {
    await accounts.add({ name: 'boss', role: 'admin', password: null }, CLI);
    await accounts.add({ name: 'fin', role: 'finance', password: null }, CLI);
    await expect(accounts.disable('fin', CLI)).resolves.toMatchObject({ name: 'fin' });
    await expect(accounts.setRole('fin', 'viewer', CLI)).resolves.toMatchObject({ role: 'viewer' });
  });

  it('two demotions of the last two admins at once: one passes, the other is refused, one admin is left', async () => {
    await accounts.add({ name: 'amy', role: 'admin', password: null }, CLI);
    await accounts.add({ name: 'ben', role: 'admin', password: null }, CLI);
    // A second process on the same database (as a second API replica, or the CLI beside the API).
    const other = await createDataSource(db.url, { logging: false }).initialize();
    const holder = db.dataSource.createQueryRunner();
    try {
      // Both changes are held at their audit line (after they counted the admins) until both are under way:
      // without the lock, each counts the other as an admin still, and both pass.
      await holder.connect();
      await holder.startTransaction();
      await holder.query('LOCK TABLE operator_audit IN EXCLUSIVE MODE');
      const demotions = [
        accounts.setRole('amy', 'finance', CLI),
        new OperatorAccounts(other).disable('ben', CLI),
      ];
      await waitForBlocked(db, 2);
      await holder.commitTransaction();
      const settled = await Promise.allSettled(demotions);
      expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
      const refused = settled.find((s) => s.status === 'rejected');
      expect(refused?.reason).toMatchObject({ code: 'OPERATOR_LAST_ADMIN' });
      expect(await admins()).toHaveLength(1);
    } finally {
      await holder.release();
      await other.destroy();
    }
  });
});

/** Waits until `n` sessions of the database wait on a lock (the changes under way are where the spec wants them). */
async function waitForBlocked(db: TestDatabase, n: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const [row] = await db.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if ((row?.n ?? 0) >= n) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`fewer than ${n} sessions ever waited on a lock`);
}
