import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PartnerRegistry } from './partners/partner-registry';
import { ensureSamplePartner, SAMPLE_PARTNER } from './partners/sample-partner';
import { createTestDatabase, type TestDatabase } from './testing/test-database';

/*
 * A partner's keys, API keys and points belong to it (migration 053): a row naming no partner is refused, and a
 * partner with rows is not deleted from under them. PostgreSQL's own check, code 23503, on the constraint named.
 */

let db: TestDatabase;
let partnerId: string;
beforeAll(async () => {
  db = await createTestDatabase();
  const registry = new PartnerRegistry(db.dataSource, randomBytes(32));
  await ensureSamplePartner(registry);
  await registry.issueApiKey(SAMPLE_PARTNER.partnerUid);
  partnerId = (await registry.findByUid(SAMPLE_PARTNER.partnerUid))!.id;
});
afterAll(() => db.drop());

const ORPHANS = [
  {
    table: 'partner_keys',
    constraint: 'partner_keys_partner_fk',
    insert: `INSERT INTO partner_keys (partner_id, purpose, key_id, secret_sealed, valid_from, valid_until)
             VALUES ($1, 'inbound', 'k-orphan', 'sealed', now(), now() + interval '1 year')`,
  },
  {
    table: 'partner_api_keys',
    constraint: 'partner_api_keys_partner_fk',
    insert: `INSERT INTO partner_api_keys (partner_id, prefix, key_hash) VALUES ($1, 'orphan', md5(random()::text))`,
  },
  {
    table: 'partner_points',
    constraint: 'partner_points_partner_fk',
    insert: `INSERT INTO partner_points (partner_id, kind, point_ref, name) VALUES ($1, 'dealer', 'P-orphan', 'orphan')`,
  },
] as const;

describe.each(ORPHANS)('$table', ({ table, constraint, insert }) => {
  it('refuses a row naming no partner, and writes nothing', async () => {
    await expect(db.dataSource.query(insert, [randomUUID()])).rejects.toMatchObject({
      code: '23503',
      constraint,
    });
    const [{ n }] = await db.dataSource.query<[{ n: number }]>(
      `SELECT count(*)::int AS n FROM ${table} WHERE partner_id <> $1`,
      [partnerId],
    );
    expect(n).toBe(0);
  });

  it('takes the same row naming the partner', async () => {
    await expect(db.dataSource.query(insert, [partnerId])).resolves.toBeDefined();
  });

  it('refuses to move a row to a partner that does not exist', async () => {
    await expect(
      db.dataSource.query(`UPDATE ${table} SET partner_id = $1 WHERE partner_id = $2`, [
        randomUUID(),
        partnerId,
      ]),
    ).rejects.toMatchObject({ code: '23503', constraint });
  });
});

it('does not delete a partner from under its keys, API keys and points', async () => {
  const error = await db.dataSource
    .query(`DELETE FROM partners WHERE id = $1`, [partnerId])
    .catch((e: unknown) => e);
  expect(error).toMatchObject({ code: '23503' });
  const [{ n }] = await db.dataSource.query<[{ n: number }]>(
    `SELECT count(*)::int AS n FROM partners WHERE id = $1`,
    [partnerId],
  );
  expect(n).toBe(1);
});
