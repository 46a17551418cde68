import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach } from '@jest/globals';
import {
  createTestDatabase,
  ensureSamplePartner,
  PartnerRegistry,
  SAMPLE_PARTNER,
  type TestDatabase,
} from '@tixclear/db';
import { GatewayClient } from '@tixclear/gateway-client';
// eslint-disable-next-line @nx/enforce-module-boundaries -- spec support only: the simulator plays the gateway
import { startSimulator, type RunningSimulator } from '@tixclear/gateway-simulator';

export type { RunningSimulator };
import { pointParty } from '../../accounts';
import { PayoutProcessor, type PayoffClient, type PayoutOptions } from '../index';

/*
 * What the pay-off specs share: a fresh migrated database per test, three partners, the gateway simulator
 * in-process (manual approval, remittance at once), and clearing data written as the clearing step writes it.
 *
 * Two paying merchants:
 *  - M1 = the seed's sample store. Partner A (the sample: headquarters NOT paid out; points store:A and
 *    dealer:D1) and partner B (a dealer platform paying through M1; headquarters paid out; point store:S2).
 *  - M2 = its own store, partner C (headquarters paid out; point store:S3).
 */

export const M1 = SAMPLE_PARTNER.partnerUid;
export const M2 = 'C0000000001';
const M2_KEY = 'c2RtZXJjaGFudGtleTAwMDAwMDAwMDAw';
export const B_UID = 'B0000000001';

/** Parties as the clearing names them: headquarters by partner uid, points of their partner (pointParty). */
export const PARTY = {
  hqA: `hq:${M1}`,
  storeA: pointParty(M1, `store:${M1}`),
  dealerD1: pointParty(M1, 'dealer:D1'),
  hqB: `hq:${B_UID}`,
  storeS2: pointParty(B_UID, 'store:S2'),
  hqC: `hq:${M2}`,
  storeS3: pointParty(M2, 'store:S3'),
} as const;

export const ACCOUNT: Readonly<Record<string, string>> = {
  [PARTY.storeA]: `payee-${M1}`,
  [PARTY.dealerD1]: 'payee-D1',
  [PARTY.hqB]: 'payee-hqB',
  [PARTY.storeS2]: 'payee-S2',
  [PARTY.hqC]: 'payee-hqC',
  [PARTY.storeS3]: 'payee-S3',
};

export type PartnerName = 'A' | 'B' | 'C';

/** One cleared voucher: its shares and the parties they go to (fees are 1/1/1 on top). */
export interface ClearedVoucher {
  partner: PartnerName;
  hq: number;
  sales: number;
  reimbursement: number;
  salesParty: string;
  reimbursementParty: string;
}

/** The standard 50 TWD voucher of each partner (HQ 7, sales 5, reimbursement 35). */
export const VOUCHER: Readonly<Record<PartnerName, ClearedVoucher>> = {
  A: {
    partner: 'A',
    hq: 7,
    sales: 5,
    reimbursement: 35,
    salesParty: PARTY.storeA,
    reimbursementParty: PARTY.dealerD1,
  },
  B: {
    partner: 'B',
    hq: 7,
    sales: 5,
    reimbursement: 35,
    salesParty: PARTY.storeS2,
    reimbursementParty: PARTY.storeA,
  },
  C: {
    partner: 'C',
    hq: 7,
    sales: 5,
    reimbursement: 35,
    salesParty: PARTY.storeS3,
    reimbursementParty: PARTY.storeS3,
  },
};

export async function startPayoffSimulator(): Promise<RunningSimulator> {
  return startSimulator({
    notifyUrl: null,
    log: () => undefined,
    payoff: { approval: 'manual', remitDelayMs: 0 },
    merchants: [
      {
        uid: M2,
        mode: 'store',
        name: 'partner C',
        key: M2_KEY,
        notifyUrl: null,
        feeSchedules: [{ escrowRate: '0.02', gatewayRate: '0.01', issuanceFee: 1, issuanceLayer: 2 }],
      },
    ],
  });
}

export interface World {
  readonly db: TestDatabase;
  readonly sim: RunningSimulator;
  readonly registry: PartnerRegistry;
  readonly partnerIds: Readonly<Record<PartnerName, string>>;
  /** A processor speaking to the simulator; `wrap` lets a spec interfere with the client (crashes). */
  processor(options?: PayoutOptions, wrap?: (client: PayoffClient) => PayoffClient): PayoutProcessor;
  newRun(date: string): Promise<string>;
  /** Writes the clearings of a run and their journal entries, as the clearing step does. */
  clear(runId: string, vouchers: readonly ClearedVoucher[]): Promise<void>;
  rows<T>(sql: string, parameters?: unknown[]): Promise<T[]>;
  one<T>(sql: string, parameters?: unknown[]): Promise<T>;
  drop(): Promise<void>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export async function createWorld(sim: RunningSimulator): Promise<World> {
  const db = await createTestDatabase();
  const registry = new PartnerRegistry(db.dataSource, randomBytes(32));
  await ensureSamplePartner(registry);
  await registry.setPoint(M1, {
    kind: 'dealer',
    pointRef: 'D1',
    name: 'own counter',
    payoutAccount: 'payee-D1',
  });
  const validFrom = new Date(Date.now() - DAY_MS);
  await registry.add({
    partnerUid: B_UID,
    mode: 'agent',
    name: 'partner B',
    notifyUrl: null,
    issuerId: SAMPLE_PARTNER.issuerId,
    headquartersPayoutAccount: 'payee-hqB',
    key: 'YmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJi',
    upstream: { mode: 'store', uid: M1, key: SAMPLE_PARTNER.key },
    validFrom,
  });
  await registry.setPoint(B_UID, { kind: 'store', pointRef: 'S2', name: 'S2', payoutAccount: 'payee-S2' });
  await registry.add({
    partnerUid: M2,
    mode: 'store',
    name: 'partner C',
    notifyUrl: null,
    issuerId: SAMPLE_PARTNER.issuerId,
    headquartersPayoutAccount: 'payee-hqC',
    key: M2_KEY,
    validFrom,
  });
  await registry.setPoint(M2, { kind: 'store', pointRef: 'S3', name: 'S3', payoutAccount: 'payee-S3' });
  const id = async (uid: string) => (await registry.findByUid(uid))?.id ?? '';
  const partnerIds = { A: await id(M1), B: await id(B_UID), C: await id(M2) };
  const uidOf: Record<PartnerName, string> = { A: M1, B: B_UID, C: M2 };

  const rows = <T>(sql: string, parameters: unknown[] = []) => db.dataSource.query<T[]>(sql, parameters);
  let serial = 0;

  return {
    db,
    sim,
    registry,
    partnerIds,
    processor: (options = {}, wrap = (client) => client) =>
      new PayoutProcessor(
        db.dataSource,
        {
          partners: registry,
          gateway: {
            clientFor: (partner) =>
              wrap(
                new GatewayClient({
                  baseUrl: sim.baseUrl,
                  merchant: {
                    mode: partner.partner.upstreamMode,
                    uid: partner.partner.upstreamUid,
                    keyRing: partner.upstream,
                  },
                  timeoutMs: 5_000,
                  sleep: () => Promise.resolve(),
                }),
              ),
          },
        },
        { coveringBackoffMs: 0, submitGraceMs: 0, ...options },
      ),
    newRun: async (date) => {
      const [run] = await rows<{ id: string }>(
        `INSERT INTO settlement_runs (period_start, period_end, state, summary)
         VALUES ($1, $1, 'batching', '{}') RETURNING id`,
        [date],
      );
      return run?.id ?? '';
    },
    clear: async (runId, vouchers) => {
      for (const v of vouchers) {
        serial += 1;
        const cost = v.hq + v.sales + v.reimbursement + 3;
        const [clearing] = await rows<{ id: string }>(
          `INSERT INTO clearings (redemption_line_id, run_id, partner_id, serial_number, product, business_date,
                                  is_paid, cost, escrow_fee, gateway_fee, issuance_fee, issuance_layer,
                                  headquarters, sales, reimbursement, headquarters_party, sales_party,
                                  reimbursement_party)
           SELECT gen_random_uuid(), $1, $2, $3, 'H01', r.period_end, true, $4, 1, 1, 1, 2, $5, $6, $7, $8, $9, $10
             FROM settlement_runs r WHERE r.id = $1
           RETURNING redemption_line_id AS id`,
          [
            runId,
            partnerIds[v.partner],
            `S${serial}`,
            cost,
            v.hq,
            v.sales,
            v.reimbursement,
            `hq:${uidOf[v.partner]}`,
            v.salesParty,
            v.reimbursementParty,
          ],
        );
        const [entry] = await rows<{ id: string }>(
          `INSERT INTO journal_entries (run_id, kind, reference, business_date, description)
           SELECT $1, 'clearing', $2, r.period_end, 'redeemed' FROM settlement_runs r WHERE r.id = $1
           RETURNING id`,
          [runId, clearing?.id],
        );
        // Zero shares are written too (the clearing step leaves them out): the build must not care. The
        // issuance fee (layer 2) is owed to headquarters, as the clearing step posts it.
        await rows(
          `INSERT INTO journal_lines (entry_id, account, ledger, party, amount, serial_number, business_date)
           SELECT $1, account, ledger, party, amount, $2, (SELECT business_date FROM journal_entries WHERE id = $1)
             FROM unnest($3::text[], $4::text[], $5::text[], $6::bigint[]) AS l(account, ledger, party, amount)`,
          [
            entry?.id,
            `S${serial}`,
            [
              'trust_liability',
              'fee_escrow',
              'fee_gateway',
              'fee_issuance_l2',
              'payable_headquarters',
              'payable_sales',
              'payable_reimbursement',
            ],
            [null, null, null, null, 'headquarters', 'sales', 'reimbursement'],
            [
              null,
              'institution:escrow',
              'institution:gateway',
              `hq:${uidOf[v.partner]}`,
              `hq:${uidOf[v.partner]}`,
              v.salesParty,
              v.reimbursementParty,
            ],
            [cost, -1, -1, -1, -v.hq, -v.sales, -v.reimbursement],
          ],
        );
      }
    },
    rows,
    one: async <T>(sql: string, parameters: unknown[] = []) => {
      const [row] = await rows<T>(sql, parameters);
      if (row === undefined) throw new Error(`no row: ${sql}`);
      return row;
    },
    drop: () => db.drop(),
  };
}

/**
 * The hooks every pay-off spec shares: one simulator for the file, reset before each test, and a fresh world
 * per test, dropped after it. The world returned stands for the current test's (read it inside tests only).
 */
export function eachTestWorld(): World {
  let sim: RunningSimulator | undefined;
  let world: World | undefined;
  beforeAll(async () => {
    sim = await startPayoffSimulator();
  });
  afterAll(async () => {
    await sim?.close();
  });
  beforeEach(async () => {
    if (!sim) throw new Error('the simulator did not start');
    sim.control.reset();
    world = await createWorld(sim);
  });
  afterEach(async () => {
    await world?.drop();
    world = undefined;
  });
  const current = (): World => {
    if (!world) throw new Error('no world outside a test');
    return world;
  };
  return {
    get db() {
      return current().db;
    },
    get sim() {
      return current().sim;
    },
    get registry() {
      return current().registry;
    },
    get partnerIds() {
      return current().partnerIds;
    },
    processor: (options, wrap) => current().processor(options, wrap),
    newRun: (date) => current().newRun(date),
    clear: (runId, vouchers) => current().clear(runId, vouchers),
    rows: (sql, parameters) => current().rows(sql, parameters),
    one: (sql, parameters) => current().one(sql, parameters),
    drop: () => current().drop(),
  };
}

/** What the gateway remitted to each payee account, over every batch it holds. */
export function remittedByAccount(sim: RunningSimulator): Record<string, number> {
  const paid: Record<string, number> = {};
  for (const batch of sim.state.batches.values())
    for (const item of batch.items)
      if (item.code === 'C1001') paid[item.userId] = (paid[item.userId] ?? 0) + item.money;
  return paid;
}

/** Every journal line ever posted sums to zero. */
export async function trialBalance(world: World): Promise<number> {
  const { total } = await world.one<{ total: number }>(
    `SELECT coalesce(sum(amount), 0)::int AS total FROM journal_lines`,
  );
  return total;
}

/** What we still owe a party on its payable accounts (credit balance, as a positive number). */
/** What the books owe a party: its shares (`payable_*`) and the issuance fees it collects (`fee_issuance_l*`). */
export async function owed(world: World, party: string): Promise<number> {
  const { total } = await world.one<{ total: number }>(
    `SELECT coalesce(-sum(amount), 0)::int AS total FROM journal_lines
      WHERE (account LIKE 'payable_%' OR account LIKE 'fee_issuance_l%') AND party = $1`,
    [party],
  );
  return total;
}

export interface ItemView {
  itemId: string;
  party: string;
  payee: string;
  amount: number;
  state: string;
  groupId: string;
  batchState: string;
}

export async function itemsOfRun(world: World, runId: string): Promise<ItemView[]> {
  return world.rows<ItemView>(
    `SELECT i.item_id AS "itemId", i.party, i.payee_account AS payee, i.amount::int AS amount, i.state,
            b.group_id AS "groupId", b.state AS "batchState"
       FROM payout_items i JOIN payout_batches b ON b.id = i.batch_id
      WHERE b.run_id = $1 ORDER BY b.paying_merchant, i.party`,
    [runId],
  );
}

export async function batchesOfRun(
  world: World,
  runId: string,
): Promise<{ groupId: string; merchant: string; state: string; attempts: number }[]> {
  return world.rows(
    `SELECT group_id AS "groupId", paying_merchant AS merchant, state, covering_attempts AS attempts
       FROM payout_batches WHERE run_id = $1 ORDER BY paying_merchant`,
    [runId],
  );
}

/** How many requests of a command reached the simulator (whatever their answer). */
export function requestsOf(sim: RunningSimulator, command: string): number {
  return sim.control.requests().filter((r) => r.command === command).length;
}

/** A client that "dies" right after one command reached the gateway: the call went, the answer is never seen. */
export function crashAfter(command: 'payoffCreate' | 'payoffCovering') {
  return (client: PayoffClient): PayoffClient => ({
    payoffCreate: (...args) => client.payoffCreate(...args),
    payoffQuery: (...args) => client.payoffQuery(...args),
    payoffCovering: (...args) => client.payoffCovering(...args),
    resolvePayoffCreate: (...args) => client.resolvePayoffCreate(...args),
    resolvePayoffCovering: (...args) => client.resolvePayoffCovering(...args),
    [command]: async (...args: Parameters<PayoffClient[typeof command]>) => {
      await (client[command] as (...a: typeof args) => Promise<unknown>)(...args);
      throw new WorkerKilled();
    },
  });
}

export class WorkerKilled extends Error {
  constructor() {
    super('worker killed after the call');
  }
}
