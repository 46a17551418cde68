import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDataSource, createTestDatabase, OperatorAccounts, type TestDatabase } from '@tixclear/db';
import type { DataSource } from 'typeorm';
import { ConsoleSessions, SIGN_IN_FAILURES_PER_ADDRESS, SIGN_IN_FAILURES_PER_NAME } from './session.service';

/*
 * The sign-in limits as several API replicas see them: two ConsoleSessions, each on its own connection pool
 * (as two processes), on one database. Failures counted by one count for the other.
 */

const PASSWORD = 'a long enough password';
const CLI = { actor: 'spec', actorRole: null };

describe('console sign-in limits across API processes (PostgreSQL)', () => {
  let db: TestDatabase;
  let second: DataSource;
  let a: ConsoleSessions;
  let b: ConsoleSessions;
  beforeAll(async () => {
    db = await createTestDatabase();
    second = await createDataSource(db.url, { logging: false }).initialize();
    a = new ConsoleSessions(db.dataSource);
    b = new ConsoleSessions(second);
    const accounts = new OperatorAccounts(db.dataSource);
    for (const name of ['rita', 'vera', 'otto'])
      await accounts.add({ name, role: 'viewer', password: PASSWORD }, CLI);
  });
  afterAll(async () => {
    await second.destroy();
    await db.drop();
  });

  const code = (attempt: Promise<unknown>) =>
    attempt.then(
      () => 'ok',
      (error: unknown) => (error as { code?: string }).code,
    );

  it('counts a name’s failures on every process: the 6th attempt is RATE_LIMITED on either, right password or not', async () => {
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < SIGN_IN_FAILURES_PER_NAME; i++)
      codes.push(await code((i % 2 ? b : a).signIn('rita', `wrong password ${i}`, '10.0.0.1')));
    expect(codes).toEqual(Array(SIGN_IN_FAILURES_PER_NAME).fill('SIGN_IN_FAILED'));
    expect(await code(a.signIn('rita', PASSWORD, '10.0.0.2'))).toBe('RATE_LIMITED');
    expect(await code(b.signIn('rita', PASSWORD, '10.0.0.3'))).toBe('RATE_LIMITED');
    // Another name from the same address is not held by rita's failures.
    expect(await code(b.signIn('vera', PASSWORD, '10.0.0.1'))).toBe('ok');
  });

  it('counts an address’s failures on every process, names or links alike, and holds the address only', async () => {
    const from = '192.0.2.7';
    for (let i = 0; i < SIGN_IN_FAILURES_PER_ADDRESS; i++) {
      const on = i % 2 ? b : a;
      // Half wrong passwords for distinct names (no name reaches its own limit), half unknown link tokens.
      const outcome =
        i % 4 < 2 ? on.signIn(`user${i}`, 'wrong password', from) : on.redeemLink('x'.repeat(43), from);
      expect(await code(outcome)).toMatch(/^(SIGN_IN_FAILED|LINK_INVALID)$/);
    }
    expect(await code(a.signIn('otto', PASSWORD, from))).toBe('RATE_LIMITED');
    expect(await code(b.redeemLink('y'.repeat(43), from))).toBe('RATE_LIMITED');
    expect(await code(a.signIn('otto', PASSWORD, '192.0.2.8'))).toBe('ok');
  });

  it('keeps no name or address in clear, and lets a key go when its window ends (ended windows pruned)', async () => {
    const rows = await db.dataSource.query<{ key_hash: string; failures: number }[]>(
      'SELECT key_hash, failures FROM operator_sign_in_failures',
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toMatch(/rita|192\.0\.2/);
    // The minute is over for every key (as if it had passed).
    await db.dataSource.query(
      `UPDATE operator_sign_in_failures SET window_start = now() - interval '61 seconds'`,
    );
    expect(await code(b.signIn('rita', PASSWORD, '10.0.0.2'))).toBe('ok');
    expect(await code(a.signIn('otto', PASSWORD, '192.0.2.7'))).toBe('ok');
    // A new failure starts a fresh window of one, and the ended ones are deleted.
    expect(await code(a.signIn('rita', 'wrong again', '10.0.0.9'))).toBe('SIGN_IN_FAILED');
    const left = await db.dataSource.query<{ failures: number; fresh: boolean }[]>(
      `SELECT failures, window_start > now() - interval '10 seconds' AS fresh FROM operator_sign_in_failures`,
    );
    expect(left).toEqual([
      { failures: 1, fresh: true },
      { failures: 1, fresh: true },
    ]);
  });
});
