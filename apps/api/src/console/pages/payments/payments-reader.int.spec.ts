import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@tixclear/db';
import { listPayments, PAYMENTS_LEDGER_SQL, PAYMENTS_LIST_SQL } from './payments-reader';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

const DAY = '2026-11-20';

describe("the payments page's readers", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  /** The plan's scans (node, relation, index) with sequential scans priced out: what the indexes allow. */
  async function scans(sql: string, params: unknown[]): Promise<PlanNode[]> {
    return db.dataSource.transaction(async (tx) => {
      await tx.query('SET LOCAL enable_seqscan = off');
      const [row] = await tx.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(
        `EXPLAIN (FORMAT JSON) ${sql}`,
        params,
      );
      const out: PlanNode[] = [];
      const walk = (node: PlanNode) => {
        if (node['Relation Name']) out.push(node);
        node.Plans?.forEach(walk);
      };
      walk(row!['QUERY PLAN'][0].Plan);
      return out;
    });
  }

  /** The partitioned index an index of a partition belongs to (itself when it is not a partition's). */
  async function parentIndex(name: string): Promise<string> {
    const [row] = await db.dataSource.query<{ parent: string }[]>(
      `SELECT coalesce((SELECT inhparent::regclass::text FROM pg_inherits WHERE inhrelid = $1::text::regclass), $1::text) AS parent`,
      [name],
    );
    return row!.parent;
  }

  it('reads the operations and the journal through their partial indexes, never a sequential scan', async () => {
    const list = await scans(PAYMENTS_LIST_SQL, [DAY, null, null, 51]);
    const operations = list.filter((n) => n['Relation Name'] === 'operations');
    expect(operations.map((n) => n['Index Name'])).toEqual(['operations_payments_day_idx']);

    const ledger = await scans(PAYMENTS_LEDGER_SQL, [DAY]);
    const journal = ledger.filter((n) => /^journal_(entries|lines)/.test(n['Relation Name'] ?? ''));
    expect(journal.length).toBeGreaterThanOrEqual(2);
    expect(journal.filter((n) => n['Node Type'] === 'Seq Scan')).toEqual([]);
    // The lines through the index of the payments ledger's lines only (the entries through either of theirs).
    const lines = journal.filter((n) => n['Relation Name']!.startsWith('journal_lines'));
    expect(lines.length).toBeGreaterThanOrEqual(1);
    const used = await Promise.all(lines.map((n) => parentIndex(n['Index Name']!)));
    expect(new Set(used)).toEqual(new Set(['journal_lines_payments_entry_idx']));
  });

  it('pages a day by keyset, every payment once, rows of the same instant included', async () => {
    const partner = randomUUID();
    const insert = (at: string, kind: string, state: string, n: number) =>
      db.dataSource.query(
        `INSERT INTO operations (partner_id, order_id, upstream_order_id, kind, command, request_hash, request,
                                 state, created_at)
         VALUES ($1, $2, $3, $4, 'orders', 'h', '{"cost": 100}'::jsonb, $5, $6)`,
        [partner, `KS${n}`, `KSU${n}`, kind, state, at],
      );
    // 2026-11-20 in Taipei: from 2026-11-19T16:00Z up to 2026-11-20T16:00Z. Five share one microsecond.
    const same = '2026-11-20T01:02:03.456789Z';
    for (let n = 0; n < 5; n += 1) await insert(same, 'payment', 'paid', n);
    await insert('2026-11-19T16:00:00.000001Z', 'payment', 'paid', 5);
    await insert('2026-11-20T15:59:59.999999Z', 'pay_refund', 'succeeded', 6);
    await insert('2026-11-19T15:59:59.999999Z', 'payment', 'paid', 7); // the day before in Taipei
    await insert('2026-11-20T16:00:00Z', 'payment', 'paid', 8); // the day after
    await insert('2026-11-20T02:00:00Z', 'redemption', 'succeeded', 9); // not a payment
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const { payments, next } = await listPayments(db.dataSource, DAY, { after, limit: 2 });
      seen.push(...payments.map((p) => p.order_id));
      if (!next) break;
      after = next;
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen)).toEqual(new Set(['KS0', 'KS1', 'KS2', 'KS3', 'KS4', 'KS5', 'KS6']));
    expect(seen[0]).toBe('KS5');
    expect(seen.at(-1)).toBe('KS6');
  });
});
