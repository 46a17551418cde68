import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ensureDatabase, dropDatabase } from '../admin';
import { createDataSource } from '../data-source';

export interface TestDatabase {
  url: string;
  dataSource: DataSource;
  /** Drops the database; call from afterAll. */
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database of its own for one suite, on the test run's server (see tools/testing), or on
 * `serverUrl` (the demo and the benchmarks bring their own server).
 */
export async function createTestDatabase(
  serverUrl = process.env.TIXCLEAR_TEST_PG_URL,
): Promise<TestDatabase> {
  if (!serverUrl) throw new Error('TIXCLEAR_TEST_PG_URL is not set: run tests through jest (global setup)');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const url = await ensureDatabase(serverUrl, name);
  const dataSource = await createDataSource(url, { logging: false }).initialize();
  await dataSource.runMigrations();
  return {
    url,
    dataSource,
    drop: async () => {
      await dataSource.destroy();
      await dropDatabase(serverUrl, name);
    },
  };
}

/**
 * A partner and one paid purchase of it, for specs that write vouchers directly: a voucher belongs to both
 * (foreign keys). `uid` must be unique within the database.
 */
export async function insertTestPurchase(
  dataSource: DataSource,
  uid: string,
): Promise<{ partnerId: string; purchaseId: string }> {
  const [{ id: partnerId }] = await dataSource.query<[{ id: string }]>(
    `INSERT INTO partners (partner_uid, mode, name, upstream_mode, upstream_uid, issuer_id)
     VALUES ($1, 'store', $1, 'store', $1, 'issuer') RETURNING id`,
    [uid],
  );
  const [{ id: purchaseId }] = await dataSource.query<[{ id: string }]>(
    `INSERT INTO operations (partner_id, order_id, upstream_order_id, kind, command, request_hash, request, state)
     VALUES ($1, $2, $2, 'purchase', 'voucherservicepurchase', 'spec', '{}', 'paid') RETURNING id`,
    [partnerId, `P-${uid}`],
  );
  return { partnerId, purchaseId };
}
