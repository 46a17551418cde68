import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  createTestDatabase,
  ensureSamplePartner,
  PartnerRegistry,
  SAMPLE_FEE_SCHEDULE,
  SAMPLE_PARTNER,
  type TestDatabase,
} from '@tixclear/db';
import { FeeScheduleBook } from '@tixclear/fee-engine';
import {
  ESCROW_PARTY,
  GATEWAY_PARTY,
  headquartersParty,
  issuanceParty,
  merchantParty,
  pointParty,
} from '../accounts';
import { buildPayouts } from '../payouts/batch-builder';
import { postTrustMovements } from '../posting';
import { writeSyntheticDay } from '../testing/synthetic-day';
import { clearAll } from './clear-all';
import { Clearing } from './clearing';

/** Seed 000's worked examples (fixtures/README.md names the source): input terms and the expected split. */
interface Example {
  name: string;
  input: {
    cost: number;
    escrow_rate: string;
    gateway_rate: string;
    issuance_fee: number;
    issuance_layer: 1 | 2 | 3;
    is_paid: 0 | 1;
    sharing: { headquarters: string; sales: string; reimbursement: string };
  };
  expected: Record<
    | 'cost'
    | 'gateway_fee'
    | 'escrow_fee'
    | 'issuance_layer'
    | 'issuance_fee'
    | 'headquarters'
    | 'sales'
    | 'reimbursement',
    number
  >;
}
const EXAMPLES = JSON.parse(
  readFileSync(new URL('../../../../fixtures/fee-examples.json', import.meta.url), 'utf8'),
) as Example[];

const UID = SAMPLE_PARTNER.partnerUid;
const SALES = pointParty(UID, `store:${UID}`);
/** The vouchers are redeemed at another point than they were sold at, so the two shares have two parties. */
const REDEMPTION = pointParty(UID, 'store:R1');
const HEADQUARTERS = headquartersParty(UID);
/** Example i is redeemed on its own day, under the schedule in force that day (its rates and issuance terms). */
const dayOf = (i: number) => `2026-11-${String(10 + i).padStart(2, '0')}`;

type Line = { account: string; party: string | null; amount: number };
const byAccount = (a: Line, b: Line) => a.account.localeCompare(b.account);

describe("seed 000's worked examples in the books", () => {
  let db: TestDatabase;
  let merchant: string;
  let run: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const registry = new PartnerRegistry(db.dataSource, randomBytes(32));
    await ensureSamplePartner(registry);
    const partner = (await registry.findByUid(UID))!;
    [{ merchant }] = await db.dataSource.query<[{ merchant: string }]>(
      `SELECT upstream_uid AS merchant FROM partners WHERE id = $1`,
      [partner.id],
    );
    for (const [i, { input, expected }] of EXAMPLES.entries()) {
      await writeSyntheticDay(db.dataSource, {
        partnerId: partner.id,
        businessDate: dayOf(i),
        vouchers: 1,
        giftEvery: input.is_paid ? 0 : 1,
        prefix: `EX${i}`,
      });
      // The example's terms as sold, and its split as stored at redemption (the clearing must agree with it).
      await db.dataSource.query(
        `UPDATE vouchers SET cost = $2, price = $2, sharing_headquarters = $3, sharing_sales = $4,
                sharing_reimbursement = $5 WHERE serial_number LIKE $1`,
        [`EX${i}%`, input.cost, input.sharing.headquarters, input.sharing.sales, input.sharing.reimbursement],
      );
      await db.dataSource.query(
        `UPDATE redemption_lines SET cost = $2, sharing_headquarters = $3, sharing_sales = $4,
                sharing_reimbursement = $5, our_fee = $6::jsonb, redemption_point = 'store:R1'
          WHERE serial_number LIKE $1`,
        [
          `EX${i}%`,
          input.cost,
          input.sharing.headquarters,
          input.sharing.sales,
          input.sharing.reimbursement,
          JSON.stringify(expected),
        ],
      );
    }
    const book = new FeeScheduleBook(
      EXAMPLES.map(({ input }, i) => ({
        ...SAMPLE_FEE_SCHEDULE,
        effectiveFrom: dayOf(i),
        escrowRate: input.escrow_rate,
        gatewayRate: input.gateway_rate,
        issuanceFee: input.issuance_fee,
        issuanceLayer: input.issuance_layer,
      })),
    );
    const last = dayOf(EXAMPLES.length - 1);
    [{ id: run }] = await db.dataSource.query<[{ id: string }]>(
      `INSERT INTO settlement_runs (period_start, period_end, state, summary)
       VALUES ($1, $2, 'clearing', '{}') RETURNING id`,
      [dayOf(0), last],
    );
    const clearing = new Clearing(
      db.dataSource,
      book,
      new Map([
        [SALES, 'payee-sales'],
        [REDEMPTION, 'payee-r1'],
      ]),
    );
    expect(await clearAll(clearing, run, last, { chunkSize: 2, lanes: 1 })).toEqual({
      cleared: EXAMPLES.length,
      held: 0,
    });
    await postTrustMovements(db.dataSource, run, last);
  });

  afterAll(async () => {
    await db?.drop();
  });

  /** The lines of the entries of a kind posted on a day, by account. */
  async function linesOf(kind: string, day: string): Promise<Line[]> {
    const rows = await db.dataSource.query<Line[]>(
      `SELECT l.account, l.party, l.amount::int AS amount FROM journal_entries e
         JOIN journal_lines l ON l.entry_id = e.id
        WHERE e.kind = $1 AND e.business_date = $2`,
      [kind, day],
    );
    return rows.sort(byAccount);
  }

  it.each(EXAMPLES.map((example, i) => [example.name, i] as const))(
    '%s: each split part is a line with its collector',
    async (_name, i) => {
      const { input, expected } = EXAMPLES[i]!;
      const lines = await linesOf('clearing', dayOf(i));
      if (!input.is_paid) {
        // A gift carries no money: cleared at zero, nothing posted.
        expect(lines).toEqual([]);
        return;
      }
      const wanted: Line[] = [
        { account: 'trust_liability', party: null, amount: expected.cost },
        { account: 'fee_escrow', party: ESCROW_PARTY, amount: -expected.escrow_fee },
        { account: 'fee_gateway', party: GATEWAY_PARTY, amount: -expected.gateway_fee },
        {
          account: `fee_issuance_l${expected.issuance_layer}`,
          party: issuanceParty(expected.issuance_layer, { headquarters: HEADQUARTERS, sales: SALES }),
          amount: -expected.issuance_fee,
        },
        { account: 'payable_headquarters', party: HEADQUARTERS, amount: -expected.headquarters },
        { account: 'payable_sales', party: SALES, amount: -expected.sales },
        { account: 'payable_reimbursement', party: REDEMPTION, amount: -expected.reimbursement },
      ].filter((line) => line.amount !== 0);
      expect(lines).toEqual(wanted.sort(byAccount));
      expect(lines.reduce((sum, line) => sum + line.amount, 0)).toBe(0);

      // The gateway kept the escrow and gateway fees that day: they leave the merchant's receivable.
      const kept = await linesOf('fee_kept', dayOf(i));
      expect(kept).toEqual(
        [
          { account: 'fee_escrow', party: ESCROW_PARTY, amount: expected.escrow_fee },
          { account: 'fee_gateway', party: GATEWAY_PARTY, amount: expected.gateway_fee },
          {
            account: 'gateway_receivable',
            party: merchantParty(merchant),
            amount: -(expected.escrow_fee + expected.gateway_fee),
          },
        ]
          .filter((line) => line.amount !== 0)
          .sort(byAccount),
      );
    },
  );

  it('names the collector of each layer: 1 the operator, 2 headquarters, 3 the sales point', () => {
    expect(
      [1, 2, 3].map((layer) => issuanceParty(layer, { headquarters: HEADQUARTERS, sales: SALES })),
    ).toEqual(['operator', HEADQUARTERS, SALES]);
    expect(() => issuanceParty(4, { headquarters: HEADQUARTERS, sales: SALES })).toThrow(RangeError);
  });

  it('leaves the institutions owed nothing, and the receivable the money less the fees kept', async () => {
    const balances = await db.dataSource.query<{ account: string; party: string | null; balance: number }[]>(
      `SELECT account, party, sum(amount)::int AS balance FROM journal_lines
        WHERE account IN ('fee_escrow', 'fee_gateway', 'gateway_receivable') GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    const paid = EXAMPLES.filter((e) => e.input.is_paid);
    const sum = (f: (e: Example) => number) => paid.reduce((total, e) => total + f(e), 0);
    expect(balances).toEqual([
      { account: 'fee_escrow', party: ESCROW_PARTY, balance: 0 },
      { account: 'fee_gateway', party: GATEWAY_PARTY, balance: 0 },
      {
        account: 'gateway_receivable',
        party: merchantParty(merchant),
        balance: sum((e) => e.expected.cost - e.expected.escrow_fee - e.expected.gateway_fee),
      },
    ]);
    const [{ total }] = await db.dataSource.query<[{ total: number }]>(
      `SELECT sum(amount)::int AS total FROM journal_lines`,
    );
    expect(total).toBe(0);
  });

  it('owes each issuance fee to its collector as a payable of its layer, the operator when it has an account', async () => {
    await buildPayouts(db.dataSource, run, 'payee-operator');
    const payables = await db.dataSource.query<{ party: string; role: string; amount: number }[]>(
      `SELECT party, role, sum(amount)::int AS amount FROM payables
        WHERE role LIKE 'issuance_l%' GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    const [{ hqPaid }] = await db.dataSource.query<[{ hqPaid: boolean }]>(
      `SELECT headquarters_payout_account IS NOT NULL AS "hqPaid" FROM partners WHERE partner_uid = $1`,
      [UID],
    );
    const owed = new Map<string, { party: string; role: string; amount: number }>();
    for (const { input, expected } of EXAMPLES) {
      if (!input.is_paid || expected.issuance_fee === 0) continue;
      if (expected.issuance_layer === 2 && !hqPaid) continue;
      const party = issuanceParty(expected.issuance_layer, { headquarters: HEADQUARTERS, sales: SALES });
      const role = `issuance_l${expected.issuance_layer}`;
      const key = `${party} ${role}`;
      const entry = owed.get(key) ?? { party, role, amount: 0 };
      entry.amount += expected.issuance_fee;
      owed.set(key, entry);
    }
    expect(owed.size).toBeGreaterThan(0);
    expect(payables).toEqual(
      [...owed.values()].sort((a, b) => (a.party + a.role < b.party + b.role ? -1 : 1)),
    );
    const [operator] = await db.dataSource.query<{ payee: string }[]>(
      `SELECT payee_account AS payee FROM payout_items WHERE party = 'operator'`,
    );
    expect(operator?.payee).toBe('payee-operator');
  });
});
