import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KeyRing } from '@tixclear/crypto';
import { twd } from '@tixclear/domain';
import {
  createTestDatabase,
  ensureSamplePartner,
  PartnerRegistry,
  SAMPLE_PARTNER,
  type TestDatabase,
} from '@tixclear/db';
import { GatewayClient } from '@tixclear/gateway-client';
// eslint-disable-next-line @nx/enforce-module-boundaries -- spec support only: the simulator plays the gateway
import { ManualClock, startSimulator, type RunningSimulator } from '@tixclear/gateway-simulator';
import { postTrustMovements } from '../posting';
import { ReconciliationErrorCode } from './errors';
import { reconcileBooks } from './reconcile';
import { simulatorSource } from './simulator-source';
import { statementDirectorySource } from './statement-source';

/*
 * The reconciliation against the gateway simulator over real HTTP and a real PostgreSQL: purchases paid at the
 * gateway (its holdings) and in our books (posted by the settlement's own posting step), then compared.
 */

const M = SAMPLE_PARTNER.partnerUid;
const DATE = '2026-12-05';
const NOON = new Date(`${DATE}T12:00:00+08:00`);

describe('reconcileBooks', () => {
  let db: TestDatabase;
  let sim: RunningSimulator;
  let client: GatewayClient;
  let partnerId: string;
  let statements: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    await ensureSamplePartner(new PartnerRegistry(db.dataSource, randomBytes(32)));
    partnerId = (
      await db.dataSource.query<[{ id: string }]>(`SELECT id FROM partners WHERE partner_uid = $1`, [M])
    )[0].id;
    sim = await startSimulator({
      clock: new ManualClock(NOON),
      notifyUrl: null,
      log: () => undefined,
      payoff: { approval: 'manual', remitDelayMs: 0 },
    });
    client = new GatewayClient({
      baseUrl: sim.baseUrl,
      merchant: {
        mode: 'store',
        uid: M,
        keyRing: new KeyRing([
          {
            id: 'k',
            secret: SAMPLE_PARTNER.key,
            validFrom: new Date('2000-01-01T00:00:00Z'),
            validUntil: new Date('2100-01-01T00:00:00Z'),
          },
        ]),
      },
      timeoutMs: 5_000,
      sleep: () => Promise.resolve(),
    });
    statements = mkdtempSync(path.join(tmpdir(), 'tixclear-statements-'));
  });

  afterAll(async () => {
    rmSync(statements, { recursive: true, force: true });
    await sim.close();
    await db.drop();
  });

  /** A purchase of `count` paid vouchers of 50, paid at the gateway. */
  async function payAtGateway(orderId: string, count: number): Promise<void> {
    const serials = Array.from({ length: count }, (_, i) => `${orderId}S${i}`);
    const answer = await client.voucherPurchase({
      store_uid: M,
      order_id: orderId,
      pfn: '0',
      user_data: { user_id: 'buyer', ip: '127.0.0.1' },
      cost: twd(50 * count),
      currency: 'TWD',
      items: [
        {
          id: 'H01',
          name: '用餐券',
          amount: count,
          price: twd(50),
          cost: twd(50),
          total_price: twd(50 * count),
          total_cost: twd(50 * count),
          gift_number: 0,
          trust_start_date: '20261201',
          trust_end_date: '20280101',
          is_custom_serial: 1,
          serial_numbers: serials,
          gift_serial_numbers: [],
          sharing: { headquarters: '0.15', sales: '0.1', reimbursement: '0.75' },
        },
      ],
      declarations: [{ name: '用餐券', content: '<h6>使用需知</h6>' }],
    });
    expect(sim.control.pay(Number(answer.uid)).moved).toBe(true);
  }

  /** Our record of that purchase, paid at noon, with its vouchers; then the settlement's posting of the date. */
  async function recordPaid(orderId: string, count: number): Promise<void> {
    const [operation] = await db.dataSource.query<[{ id: string }]>(
      `INSERT INTO operations (partner_id, order_id, upstream_order_id, kind, command, request_hash, request, state,
                               completed_at)
       VALUES ($1, $2, $2, 'purchase', 'voucherservicepurchase', 'spec', '{}', 'paid', $3) RETURNING id`,
      [partnerId, orderId, NOON],
    );
    for (let i = 0; i < count; i += 1)
      await db.dataSource.query(
        `INSERT INTO vouchers (partner_id, purchase_operation_id, item_id, item_name, serial_number, is_paid, price,
           cost, sharing_headquarters, sharing_sales, sharing_reimbursement, trust_end_date, validity_end_date,
           sales_point, state)
         VALUES ($1, $2, 'H01', '用餐券', $3, true, 50, 50, 0.15, 0.1, 0.75, '2028-01-01', '2028-01-01', $4, 'issued')`,
        [partnerId, operation.id, `${orderId}S${i}`, M],
      );
    // A run of the date: the posting's entries name it, and the balance snapshots date their day from it.
    const [{ id: run }] = await db.dataSource.query<[{ id: string }]>(
      `INSERT INTO settlement_runs (period_start, period_end, state, summary) VALUES ($1, $1, 'posting', '{}')
       ON CONFLICT (period_start, period_end) DO UPDATE SET state = EXCLUDED.state RETURNING id`,
      [DATE],
    );
    await postTrustMovements(db.dataSource, run, DATE);
  }

  const openItems = () =>
    db.dataSource.query<{ reference: string; details: { differences: number } }[]>(
      `SELECT reference, details FROM operator_items WHERE kind = 'books_gateway_difference' AND state = 'open'`,
    );

  it('agrees when the books hold what the gateway holds, and stores that', async () => {
    await payAtGateway('RCA1', 2);
    await recordPaid('RCA1', 2);
    const result = await reconcileBooks(db.dataSource, simulatorSource(sim.url), DATE, { merchants: [M] });
    expect(result.differences).toBe(0);
    const [merchant] = result.merchants;
    expect({ books: merchant!.booksHeld, gateway: merchant!.gatewayHeld }).toEqual({
      books: 100,
      gateway: 100,
    });
    expect(merchant!.kinds.purchase_paid).toEqual({
      operations: 1,
      booked: 1,
      gateway: 1,
      bookedAmount: 100,
      gatewayAmount: 100,
    });
    const [row] = await db.dataSource.query<
      { books_held: string; gateway_held: string; difference_count: number }[]
    >(
      `SELECT books_held, gateway_held, difference_count FROM books_gateway_reconciliations
        WHERE business_date = $1 AND merchant_uid = $2`,
      [DATE, M],
    );
    expect(row).toEqual({ books_held: '100', gateway_held: '100', difference_count: 0 });
    expect(await openItems()).toEqual([]);
  });

  it('names a payment the gateway took that the books lack, once on the queue, and resolves it once booked', async () => {
    await payAtGateway('RCB1', 3);
    const source = simulatorSource(sim.url);
    const first = await reconcileBooks(db.dataSource, source, DATE, { merchants: [M] });
    const [merchant] = first.merchants;
    expect(merchant!.differences.map((d) => [d.subject, d.reference, d.gateway, d.books])).toEqual([
      ['purchase_paid', 'RCB1', 150, undefined],
      ['purchase_paid', undefined, 2, 1],
      ['purchase_paid', undefined, 250, 100],
      ['held', undefined, 250, 100],
    ]);
    expect(await openItems()).toEqual([
      expect.objectContaining({
        reference: `${DATE}:${M}`,
        details: expect.objectContaining({ differences: 4 }),
      }),
    ]);
    // Again: still one open item, its details the latest comparison; one stored row per date and merchant.
    await reconcileBooks(db.dataSource, source, DATE, { merchants: [M] });
    expect(await openItems()).toHaveLength(1);

    await recordPaid('RCB1', 3);
    const after = await reconcileBooks(db.dataSource, source, DATE, { merchants: [M] });
    expect(after.differences).toBe(0);
    expect(await openItems()).toEqual([]);
    const [resolved] = await db.dataSource.query<{ resolved_by: string; resolution: string }[]>(
      `SELECT resolved_by, resolution FROM operator_items WHERE kind = 'books_gateway_difference'`,
    );
    expect(resolved).toEqual({ resolved_by: 'reconciliation', resolution: 'reconciled' });
    const rows = await db.dataSource.query<{ n: string }[]>(
      `SELECT count(*)::text AS n FROM books_gateway_reconciliations WHERE business_date = $1 AND merchant_uid = $2`,
      [DATE, M],
    );
    expect(rows).toEqual([{ n: '1' }]);
  });

  it('takes the gateway figures of an imported statement, and makes a missing or bad one a difference', async () => {
    const source = statementDirectorySource(statements);
    const merchantDir = path.join(statements, M);
    mkdirSync(merchantDir, { recursive: true });
    const statement = {
      merchantUid: M,
      date: DATE,
      held: 250,
      byKind: { purchase_paid: 250, redemption: 0, refund: 0, payoff_item: 0 },
      movements: [
        { kind: 'purchase_paid', reference: 'RCA1', amount: 100 },
        { kind: 'purchase_paid', reference: 'RCB1', amount: 150 },
      ],
    };
    const reconcile = async (content: unknown) => {
      writeFileSync(path.join(merchantDir, `${DATE}.json`), JSON.stringify(content));
      return (await reconcileBooks(db.dataSource, source, DATE, { merchants: [M] })).merchants[0]!;
    };
    expect((await reconcile(statement)).differences).toEqual([]);
    // A statement whose operations do not make its totals, one of another merchant, one that is not JSON of the
    // shape: refused whole, recorded as the date's difference (no figures), never half read.
    for (const bad of [
      { ...statement, byKind: { ...statement.byKind, purchase_paid: 260 } },
      { ...statement, merchantUid: '289151880143' },
      { ...statement, held: 250.5 },
      { ...statement, extra: 1 },
    ]) {
      const result = await reconcile(bad);
      expect(result.gatewayHeld).toBeNull();
      expect(result.differences.map((d) => d.subject)).toEqual(['held']);
    }
    rmSync(path.join(merchantDir, `${DATE}.json`));
    const missing = (await reconcileBooks(db.dataSource, source, DATE, { merchants: [M] })).merchants[0]!;
    expect(missing.gatewayHeld).toBeNull();
    expect(missing.differences).toHaveLength(1);
    // A merchant uid is never a path.
    const escaped = (await reconcileBooks(db.dataSource, source, DATE, { merchants: ['../etc'] }))
      .merchants[0]!;
    expect(escaped.gatewayHeld).toBeNull();
  });

  it('has no figures for a merchant the gateway does not know, and refuses a date that is not one', async () => {
    const result = await reconcileBooks(db.dataSource, simulatorSource(sim.url), DATE, {
      merchants: ['289151899999'],
    });
    expect(result.merchants[0]!.gatewayHeld).toBeNull();
    expect(result.differences).toBe(1);
    for (const date of ['2026-02-30', '20261205', "2026-12-05' OR 1=1"])
      await expect(reconcileBooks(db.dataSource, simulatorSource(sim.url), date)).rejects.toMatchObject({
        code: ReconciliationErrorCode.DateInvalid,
        field: 'date',
      });
  });

  it("makes a gateway answer it cannot read that merchant's difference, never a guess", async () => {
    // A control endpoint that misbehaves: not JSON, a fraction of a dollar, a kind nobody mapped, an error.
    const answers = [
      '<html>busy</html>',
      JSON.stringify({ total: 10.5, list: [] }),
      JSON.stringify({ total: 10, list: [{ kind: 'bonus', amount: 10, at: NOON.toISOString(), ref: 'X' }] }),
      'oops',
    ];
    let next = 0;
    const server = http.createServer((_request, response) => {
      const index = next++;
      response.writeHead(index === 3 ? 500 : 200, { 'content-type': 'application/json' });
      response.end(answers[index]);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const source = simulatorSource(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      for (let i = 0; i < answers.length; i += 1) {
        const [merchant] = (await reconcileBooks(db.dataSource, source, DATE, { merchants: [M] })).merchants;
        expect({
          held: merchant!.gatewayHeld,
          subjects: merchant!.differences.map((d) => d.subject),
        }).toEqual({
          held: null,
          subjects: ['held'],
        });
      }
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
