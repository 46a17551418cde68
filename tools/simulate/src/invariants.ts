import { OperationEntity } from '@tixclear/db';
import { computeFees } from '@tixclear/fee-engine';
import { IsNull } from 'typeorm';
import {
  Account,
  lookUpOperations,
  reconcileBooks,
  simulatorSource,
  summarizeRun,
} from '@tixclear/settlement';
import { resolutionOf } from '@tixclear/gateway-client';
import { taiwanBusinessDate } from '@tixclear/domain';
import { recurringCharges, type GatewayCharge } from './recurring-truth';
import type { World } from './world';

/** A broken invariant: its name and the first offending record. */
export interface Broken {
  invariant: string;
  detail: string;
}

/** How long an operation may stay open before an operator must have been told, when the reconciler names no horizon. */
export const HORIZON_MS = 26 * 3_600_000;

type Check = (world: World, day: { date: string; runId: string | undefined }) => Promise<string | undefined>;

/**
 * The invariants checked after each simulated day and its settlement, in this order; the first broken one is
 * reported with the seed. Each compares the engine's records with an independent truth: the gateway
 * simulator's own state, the fee engine applied to what was sold, or the journal's arithmetic.
 */
export const INVARIANTS = [
  {
    id: 'answered',
    name: 'every request is answered (no uncoded error)',
    check: (w: World) => Promise.resolve(w.unexpected[0]),
  },
  {
    id: 'settled',
    name: "every night's settlement completes",
    check: (w: World) => Promise.resolve(w.settlementFailures[0]),
  },
  { id: 'vouchers', name: "every voucher's state equals the gateway's", check: vouchersAgree },
  { id: 'once', name: 'no voucher is redeemed or refunded twice', check: nothingTwice },
  {
    id: 'cleared',
    name: 'every successful redemption is cleared exactly once, to the right parties, per the fee engine',
    check: clearedOnce,
  },
  { id: 'payables', name: 'no payable is paid twice, and none is lost', check: payablesAccounted },
  {
    id: 'books',
    name: 'the trial balance is 0 and trust liability equals the value outstanding',
    check: booksBalance,
  },
  {
    id: 'receivable',
    name: "gateway_receivable equals the money the gateway holds for each merchant, and the day's operations agree",
    check: receivableReconciled,
  },
  {
    id: 'payments',
    name: "every payment's state equals the gateway's order",
    check: paymentsAgree,
  },
  {
    id: 'refunded',
    name: 'no payment is refunded beyond what was paid, and our refunds are the gateway’s',
    check: refundsWithinPaid,
  },
  {
    id: 'reports',
    name: "every partner report is delivered to the partner's receiver",
    check: reportsDelivered,
  },
  {
    id: 'horizon',
    name: 'no operation stays open past its horizon without an operator item',
    check: nothingOverdue,
  },
] as const satisfies readonly { id: string; name: string; check: Check }[];

export type InvariantId = (typeof INVARIANTS)[number]['id'];
export const INVARIANT_IDS: readonly InvariantId[] = INVARIANTS.map((i) => i.id);

export async function checkInvariants(
  world: World,
  day: { date: string; runId: string | undefined },
  only: ReadonlySet<InvariantId> = new Set(INVARIANT_IDS),
): Promise<Broken | undefined> {
  for (const { id, name, check } of INVARIANTS) {
    if (!only.has(id)) continue;
    const detail = await check(world, day);
    if (detail !== undefined) return { invariant: `${id}: ${name}`, detail };
  }
  return undefined;
}

interface VoucherRow {
  id: string;
  partner_uid: string;
  item_id: string;
  serial_number: string;
  state: string;
  upstream_order_id: string;
  purchase_state: string;
  /** Set when an esvcrefund's posting moved the voucher to refunded (the gateway leaves it active). */
  esvc_state: string | null;
}

/** Settled states on our side and the gateway's status each must match. */
const GATEWAY_STATUS: Record<string, string> = {
  issued: 'active',
  redeemed: 'redeemed',
  refunded: 'refunded',
};

async function vouchersAgree(world: World): Promise<string | undefined> {
  const ours = await world.db.dataSource.query<VoucherRow[]>(
    `SELECT v.id, p.partner_uid, v.item_id, v.serial_number, v.state, o.upstream_order_id, o.state AS purchase_state,
            (SELECT h.state FROM operations h WHERE h.id = v.holder_operation_id
                AND h.kind = 'pay_refund' AND h.command = 'esvcrefund') AS esvc_state
       FROM vouchers v JOIN partners p ON p.id = v.partner_id JOIN operations o ON o.id = v.purchase_operation_id
      ORDER BY v.serial_number`,
  );
  const gateway = new Map(
    world.sim.state.vouchers.map((v) => [`${v.issuerUid}|${v.itemId}|${v.customSerialNo ?? v.serialNo}`, v]),
  );
  const seen = new Set<string>();
  for (const v of ours) {
    const key = `${v.partner_uid}|${v.item_id}|${v.serial_number}`;
    seen.add(key);
    const theirs = gateway.get(key);
    const expected = GATEWAY_STATUS[v.state];
    // A money refund by amount (esvcrefund) leaves the gateway's vouchers alone; our books release the vouchers
    // worth exactly that amount (libs/settlement, "Payments in the books"): refunded here, active there.
    if (v.state === 'refunded' && v.esvc_state !== null) {
      const by = theirs?.redeemedBy?.orderId;
      const [op] = by
        ? await world.db.dataSource.query<{ id: string; command: string; state: string }[]>(
            `SELECT id, command, state FROM operations WHERE upstream_order_id = $1`,
            [by],
          )
        : [];
      // Redeemed at a till after we released it: the redemption must be on the operators' queue.
      if (v.esvc_state === 'succeeded' && op !== undefined && (await onOperatorQueue(world, op.id))) continue;
      if (v.esvc_state !== 'succeeded' || theirs?.status !== 'active')
        return `voucher ${v.serial_number} of ${v.partner_uid}: released by an esvcrefund (${v.esvc_state}), the gateway's ${theirs?.status ?? 'none'}${op ? ` by ${op.command} ${by} (ours ${op.state})` : by ? ` by ${by} (not ours)` : ''}`;
      continue;
    }
    if (expected !== undefined) {
      if (theirs?.status !== expected) {
        if (await redeemedElsewhere(world, v, theirs?.redeemedBy?.orderId)) continue;
        const purchase = world.sim.state.purchaseByOrderId(v.partner_uid, v.upstream_order_id);
        let by = '';
        if (theirs?.redeemedBy) {
          const [op] = await world.db.dataSource.query<
            { state: string; partner_uid: string; mode: string }[]
          >(
            `SELECT o.state, p.partner_uid, p.mode FROM operations o JOIN partners p ON p.id = o.partner_id
              WHERE o.upstream_order_id = $1`,
            [theirs.redeemedBy.orderId],
          );
          by = ` by ${theirs.redeemedBy.kind} ${theirs.redeemedBy.orderId} (ours: ${op ? `${op.state}, ${op.mode} ${op.partner_uid}` : 'none'})`;
        }
        return `voucher ${v.serial_number} of ${v.partner_uid}: ours ${v.state}, the gateway's ${theirs?.status ?? `none (purchase ${purchase?.code ?? 'unknown'}, ours ${v.purchase_state})`}${by}`;
      }
    } else if (v.state === 'void' && theirs !== undefined) {
      return `voucher ${v.serial_number} of ${v.partner_uid}: ours void, the gateway issued it (${theirs.status})`;
    }
  }
  for (const [key, theirs] of gateway) {
    if (!seen.has(key)) return `the gateway's voucher ${key} (${theirs.status}) is not in our records`;
  }
  return undefined;
}

/**
 * A voucher of one partner redeemed at another partner's till (a dealer's) is not that partner's to mark: the
 * line is the other partner's, and it must be held for an operator (issue 12, §5), never cleared as ours. While
 * that operation is still open, the horizon invariant watches it instead.
 */
async function redeemedElsewhere(
  world: World,
  voucher: VoucherRow,
  upstreamOrderId: string | undefined,
): Promise<boolean> {
  if (voucher.state !== 'issued' || upstreamOrderId === undefined) return false;
  const [op] = await world.db.dataSource.query<{ open: boolean; held: boolean }[]>(
    `SELECT o.completed_at IS NULL AS open,
            EXISTS (SELECT 1 FROM operator_items i WHERE i.state = 'open'
                     AND i.reference IN (o.id::text, o.upstream_order_id))
            OR EXISTS (SELECT 1 FROM redemption_lines l
                        WHERE l.operation_id = o.id AND l.serial_number = $2 AND l.voucher_id IS NULL
                          AND (EXISTS (SELECT 1 FROM settlement_holds h WHERE h.redemption_line_id = l.id)
                               OR EXISTS (SELECT 1 FROM operator_items i WHERE i.state = 'open'
                                            AND i.reference = l.id::text))) AS held
       FROM operations o JOIN partners p ON p.id = o.partner_id
      WHERE o.upstream_order_id = $1 AND (p.partner_uid <> $3 OR $3 IS NOT NULL)`,
    [upstreamOrderId, voucher.serial_number, voucher.partner_uid],
  );
  return op !== undefined && (op.open || op.held);
}

async function nothingTwice(world: World): Promise<string | undefined> {
  const [twice] = await world.db.dataSource.query<{ serial_number: string; n: string }[]>(
    `SELECT l.serial_number, count(*) AS n FROM redemption_lines l JOIN vouchers v ON v.id = l.voucher_id
      GROUP BY l.serial_number, v.id HAVING count(*) > 1 LIMIT 1`,
  );
  if (twice) return `voucher ${twice.serial_number} has ${twice.n} redemption lines`;
  const [both] = await world.db.dataSource.query<{ serial_number: string }[]>(
    `SELECT v.serial_number FROM vouchers v
      WHERE v.state = 'refunded' AND EXISTS (SELECT 1 FROM redemption_lines l WHERE l.voucher_id = v.id) LIMIT 1`,
  );
  if (both) return `voucher ${both.serial_number} is refunded and has a redemption line`;
  return undefined;
}

interface LineRow {
  line_id: string;
  serial_number: string;
  owner_uid: string | null;
  redeemer_uid: string;
  op_state: string;
  command: string;
  request: Record<string, unknown>;
  is_paid: boolean;
  cost: string;
  sharing_headquarters: string | null;
  sharing_sales: string | null;
  sharing_reimbursement: string | null;
  sales_point: string | null;
  business_date: string;
  cleared: string;
  held: boolean;
  c_hq: string | null;
  c_sales: string | null;
  c_reimb: string | null;
  c_escrow: string | null;
  c_gateway: string | null;
  c_issuance: string | null;
  hq_party: string | null;
  sales_party: string | null;
  reimbursement_party: string | null;
}

async function clearedOnce(
  world: World,
  day: { date: string; runId: string | undefined },
): Promise<string | undefined> {
  const lines = await world.db.dataSource.query<LineRow[]>(
    `SELECT l.id AS line_id, l.serial_number, owner.partner_uid AS owner_uid, redeemer.partner_uid AS redeemer_uid,
            o.state AS op_state, o.command, o.request, coalesce(v.is_paid, l.is_paid) AS is_paid,
            coalesce(v.cost, l.cost)::text AS cost, v.sharing_headquarters::text, v.sharing_sales::text,
            v.sharing_reimbursement::text, v.sales_point, l.business_date::text,
            (SELECT count(*) FROM clearings c WHERE c.redemption_line_id = l.id)::text AS cleared,
            EXISTS (SELECT 1 FROM settlement_holds h WHERE h.redemption_line_id = l.id) AS held,
            c.headquarters::text AS c_hq, c.sales::text AS c_sales, c.reimbursement::text AS c_reimb,
            c.escrow_fee::text AS c_escrow, c.gateway_fee::text AS c_gateway, c.issuance_fee::text AS c_issuance,
            c.headquarters_party AS hq_party, c.sales_party, c.reimbursement_party
       FROM redemption_lines l
       JOIN operations o ON o.id = l.operation_id
       JOIN partners redeemer ON redeemer.id = l.partner_id
       LEFT JOIN vouchers v ON v.id = l.voucher_id
       LEFT JOIN partners owner ON owner.id = v.partner_id
       LEFT JOIN clearings c ON c.redemption_line_id = l.id
      ORDER BY l.serial_number`,
  );
  const redeemedAtGateway = new Map(
    world.sim.state.vouchers
      .filter((v) => v.status === 'redeemed')
      .map((v) => [`${v.issuerUid}|${v.customSerialNo ?? v.serialNo}`, v]),
  );
  for (const line of lines) {
    if (line.op_state !== 'succeeded')
      return `line of ${line.serial_number} written for an operation ${line.op_state}`;
    if (line.owner_uid !== null && !redeemedAtGateway.has(`${line.owner_uid}|${line.serial_number}`))
      return `line of ${line.serial_number}: the gateway never redeemed it`;
    if (Number(line.cleared) > 1) return `line of ${line.serial_number} cleared ${line.cleared} times`;
    if (day.runId === undefined || line.business_date > day.date) continue;
    if (Number(line.cleared) === 0) {
      if (!line.held) return `line of ${line.serial_number} (${line.business_date}) neither cleared nor held`;
      continue;
    }
    const owner = world.partners.find((p) => p.uid === line.owner_uid);
    if (!owner || line.sharing_headquarters === null)
      return `line of ${line.serial_number} cleared without a voucher of ours`;
    const fee = computeFees({
      ...owner.terms,
      cost: Number(line.cost),
      isPaid: line.is_paid,
      sharing: {
        headquarters: line.sharing_headquarters,
        sales: line.sharing_sales ?? '0',
        reimbursement: line.sharing_reimbursement ?? '0',
      },
    });
    const got = [line.c_hq, line.c_sales, line.c_reimb, line.c_escrow, line.c_gateway, line.c_issuance].map(
      Number,
    );
    const want = [
      fee.headquarters,
      fee.sales,
      fee.reimbursement,
      fee.escrow_fee,
      fee.gateway_fee,
      fee.issuance_fee,
    ];
    if (got.some((g, i) => g !== want[i]))
      return `line of ${line.serial_number} cleared as ${got.join('/')}, the fee engine says ${want.join('/')}`;
    const request = line.request;
    const redemptionPoint =
      line.command === 'voucheroffline'
        ? request.reimbursement_from_type === 2
          ? `dealer:${String(request.reimbursement_dealer_no)}`
          : `store:${typeof request.reimbursement_store_uid === 'string' ? request.reimbursement_store_uid : line.redeemer_uid}`
        : `store:${line.redeemer_uid}`;
    const parties: [string | null, string][] = [
      [line.hq_party, `hq:${owner.uid}`],
      [line.sales_party, `store:${line.sales_point ?? owner.uid}`],
      [line.reimbursement_party, redemptionPoint],
    ];
    for (const [got, want] of parties) {
      // A party key may name its partner before the point; the point itself must be the one of the sale.
      if (got === null || !(got === want || got.endsWith(`:${want}`)))
        return `line of ${line.serial_number} cleared to ${String(got)}, expected ${want}`;
    }
  }
  return undefined;
}

async function payablesAccounted(world: World): Promise<string | undefined> {
  const ds = world.db.dataSource;
  // Paid twice: the gateway remitted more to a payee than our books say we paid it.
  // A batch on the operators' queue (parked: the gateway would not say what became of it) waits for a person.
  const parked = new Set(
    (
      await ds.query<{ reference: string }[]>(`SELECT reference FROM operator_items WHERE state = 'open'`)
    ).map((r) => r.reference),
  );
  const remitted = new Map<string, number>();
  for (const batch of world.sim.state.batches.values()) {
    if (parked.has(batch.groupId)) continue;
    for (const item of batch.items) {
      if (item.code !== 'C1001') continue;
      const key = `${batch.storeUid}|${item.userId}`;
      remitted.set(key, (remitted.get(key) ?? 0) + item.money);
    }
  }
  const ours = await ds.query<{ merchant: string; account: string; paid: string }[]>(
    `SELECT b.paying_merchant AS merchant, i.payee_account AS account, sum(i.amount)::text AS paid
       FROM payout_items i JOIN payout_batches b ON b.id = i.batch_id
      WHERE i.state = 'remitted' AND b.group_id <> ALL($1::text[]) GROUP BY 1, 2`,
    [[...parked]],
  );
  const booked = new Map(ours.map((r) => [`${r.merchant}|${r.account}`, Number(r.paid)]));
  for (const [key, money] of remitted) {
    if ((booked.get(key) ?? 0) !== money)
      return `the gateway remitted ${money} to ${key}, our books ${booked.get(key) ?? 0}`;
  }
  for (const [key, money] of booked) {
    if ((remitted.get(key) ?? 0) !== money)
      return `our books paid ${money} to ${key}, the gateway remitted ${remitted.get(key) ?? 0}`;
  }
  const [double] = await ds.query<{ id: string }[]>(
    `SELECT p.id FROM payables p JOIN payout_items i ON i.id = p.paid_by_item_id
      WHERE i.state NOT IN ('remitted', 'settled_outside') LIMIT 1`,
  );
  if (double) return `payable ${double.id} marked paid by an item that was not paid`;
  // Lost: a payable of an earlier run that is neither paid, nor in an open exception, nor taken by a later run.
  const [lost] = await ds.query<{ party: string; amount: string; state: string | null }[]>(
    `SELECT p.party, p.amount::text, i.state FROM payables p
       JOIN settlement_runs r ON r.id = p.run_id
       LEFT JOIN payout_items i ON i.id = p.item_id
      WHERE p.paid_by_item_id IS NULL
        AND coalesce(i.state, 'none') NOT IN ('pending', 'awaiting_approval', 'failed', 'rejected', 'covering', 'exception')
        AND EXISTS (SELECT 1 FROM settlement_runs later WHERE later.period_end > r.period_end AND later.state = 'completed')
      LIMIT 1`,
  );
  if (lost)
    return `payable of ${lost.party} (${lost.amount}) neither paid nor an open exception (item ${lost.state ?? 'none'})`;
  return undefined;
}

async function booksBalance(
  world: World,
  day: { date: string; runId: string | undefined },
): Promise<string | undefined> {
  if (day.runId === undefined) return undefined;
  const ds = world.db.dataSource;
  const summary = await summarizeRun(ds, day.runId);
  if (summary.trialBalance !== 0) return `trial balance ${summary.trialBalance}`;
  const [trust] = await ds.query<{ balance: string }[]>(
    `SELECT coalesce(-sum(amount), 0)::text AS balance FROM journal_lines WHERE account = $1`,
    [Account.trustLiability],
  );
  // Outstanding: paid vouchers of purchases paid by the day, less those refunded by the day and those cleared.
  const [outstanding] = await ds.query<{ value: string }[]>(
    `SELECT coalesce(sum(v.cost), 0)::text AS value
       FROM vouchers v JOIN operations p ON p.id = v.purchase_operation_id
      WHERE v.is_paid AND p.state = 'paid'
        AND (p.completed_at AT TIME ZONE 'Asia/Taipei')::date <= $1::date
        AND NOT EXISTS (SELECT 1 FROM operations r WHERE r.id = v.holder_operation_id AND v.state = 'refunded'
                          AND r.state = 'succeeded' AND (r.completed_at AT TIME ZONE 'Asia/Taipei')::date <= $1::date)
        AND NOT EXISTS (SELECT 1 FROM redemption_lines l JOIN clearings c ON c.redemption_line_id = l.id
                         WHERE l.voucher_id = v.id)`,
    [day.date],
  );
  if (Number(trust?.balance) !== Number(outstanding?.value))
    return `trust liability ${trust?.balance}, value outstanding ${outstanding?.value}`;
  return undefined;
}

async function nothingOverdue(world: World): Promise<string | undefined> {
  const open = await world.db.dataSource
    .getRepository(OperationEntity)
    .find({ where: { completedAt: IsNull() }, order: { createdAt: 'ASC', orderId: 'ASC' } });
  if (open.length === 0) return undefined;
  const items = new Set(
    (
      await world.db.dataSource.query<{ reference: string }[]>(
        `SELECT reference FROM operator_items WHERE state = 'open'`,
      )
    ).map((i) => i.reference),
  );
  // The reconciler's own horizon when it has one (a purchase's includes the payment deadline), else a day.
  const reconciler = world.ops.reconciler as { horizonOf?: (operation: OperationEntity) => Date | undefined };
  const now = world.clock.now().getTime();
  for (const operation of open) {
    const horizon =
      reconciler.horizonOf?.(operation)?.getTime() ?? operation.createdAt.getTime() + HORIZON_MS;
    if (horizon > now) continue;
    if ([operation.id, operation.upstreamOrderId, operation.orderId].some((r) => items.has(r))) continue;
    return `${operation.command} ${operation.orderId} ${operation.state} since ${operation.createdAt.toISOString()}, past its horizon ${new Date(horizon).toISOString()}, no operator item`;
  }
  return undefined;
}

/**
 * The day's reconciliation of the books with the gateway (libs/settlement, reconciliation/), the very code the
 * worker runs each night, with the simulator's record of the money it holds (its control API, over HTTP) as the
 * gateway's figures: for every merchant, gateway_receivable equals what the gateway holds, and no difference.
 * One exception, as for `vouchers`: the money of an operation an operator has in hand (an open operator item
 * names it: a dealer's till redeemed another partner's voucher, which gets no line until a person decides) and
 * that the books have not moved for. The receivable must then differ from the gateway's figure by exactly the
 * sum of such operations, over the merchant's whole history.
 */
async function receivableReconciled(
  world: World,
  day: { date: string; runId: string | undefined },
): Promise<string | undefined> {
  const ds = world.db.dataSource;
  const result = await reconcileBooks(ds, simulatorSource(world.sim.url), day.date);
  const end = new Date(`${day.date}T00:00:00+08:00`).getTime() + 86_400_000;
  const unbookedCharges = await chargesNotBooked(world, day.date, end);
  if (typeof unbookedCharges === 'string') return unbookedCharges;
  for (const merchant of result.merchants) {
    if (merchant.differences.length === 0) continue;
    // The gateway's movements, through the day, of operations on the operators' queue that the books never moved.
    const history = world.sim.control
      .holdingMovements(merchant.merchantUid)
      .filter((m) => new Date(m.at).getTime() < end);
    const ours = await lookUpOperations(ds, [...new Set(history.map((m) => m.ref))]);
    const queued = new Map<string, number>();
    for (const m of history) {
      const op = ours.get(m.ref);
      // A redemption at another partner's till, or a purchase or payment paid after we closed it (late_outcome;
      // one paid on our side is booked, whatever item names it: a deferred payment paid past its horizon).
      if (
        op !== undefined &&
        op.items.length > 0 &&
        op.cleared === 0 &&
        (op.kind === 'redemption' || (['purchase', 'payment'].includes(op.kind) && op.state !== 'paid'))
      )
        queued.set(m.ref, (queued.get(m.ref) ?? 0) + m.amount);
    }
    // An esvcrefund of a voucher purchase that no set of unused vouchers makes is not booked: it waits for a
    // person (books_gateway_difference, reference payment:<id>); the gateway names it by its refund uid.
    const parked = await parkedEsvcRefunds(ds, [
      ...new Set(history.filter((m) => m.kind === 'esvc_refund').map((m) => m.ref)),
    ]);
    for (const m of history) if (parked.has(m.ref)) queued.set(m.ref, (queued.get(m.ref) ?? 0) + m.amount);
    const onQueue = [...queued.values()].reduce((a, b) => a + b, 0);
    const charges = merchant.merchantUid === world.paypage.uid ? unbookedCharges : [];
    const chargesHeld = charges.reduce((a, c) => a + c.cost, 0);
    // Today's unbooked charges by the gateway's reference (the agreement's order id): the money each explains.
    const chargesToday = new Map<string, number>();
    for (const c of charges)
      if (taiwanBusinessDate(c.at) === day.date)
        chargesToday.set(c.upstreamOrderId, (chargesToday.get(c.upstreamOrderId) ?? 0) + c.cost);
    const chargeDiffs = merchant.differences.filter(
      (d) =>
        d.subject === 'purchase_paid' &&
        d.reference !== undefined &&
        chargesToday.has(d.reference) &&
        (d.gateway ?? 0) - (d.books ?? 0) === chargesToday.get(d.reference),
    );
    const gap = (merchant.gatewayHeld ?? Number.NaN) - merchant.booksHeld;
    const todays = merchant.differences.filter((d) => d.reference !== undefined && d.queued !== undefined);
    const todaysParked = merchant.differences.filter(
      (d) => d.subject === 'refund' && d.reference !== undefined && parked.has(d.reference),
    );
    const parkedGap = todaysParked.reduce((a, d) => a + (d.gateway ?? 0), 0);
    const unexplained = merchant.differences.filter((d) => {
      if (chargeDiffs.includes(d)) return false;
      if (d.queued !== undefined) return !queued.has(d.reference ?? '');
      if (d.subject === 'held') return gap !== onQueue + chargesHeld;
      if (d.subject === 'refund' && d.reference !== undefined) return !parked.has(d.reference);
      if (d.subject === 'refund')
        return d.gateway === undefined || d.books === undefined
          ? true
          : d.gateway - d.books !== (d.measure === 'count' ? todaysParked.length : parkedGap);
      if (!['redemption', 'purchase_paid'].includes(d.subject) || d.reference !== undefined) return true;
      // A redemption (or purchase) count or total off by exactly the day's queued operations of that kind, and
      // the payments' by the day's unbooked charges (a reference only the gateway moved counts one).
      const same = todays.filter((t) => t.subject === d.subject && !chargeDiffs.includes(t));
      const chargeOf = d.subject === 'purchase_paid' ? chargeDiffs : [];
      return d.gateway === undefined || d.books === undefined
        ? true
        : d.gateway - d.books !==
            (d.measure === 'count'
              ? same.length + chargeOf.filter((t) => t.books === undefined).length
              : same.reduce((a, t) => a + (t.gateway ?? 0), 0) +
                chargeOf.reduce((a, t) => a + (t.gateway ?? 0) - (t.books ?? 0), 0));
    });
    if (unexplained.length === 0) continue;
    const reasons = unexplained.slice(0, 3).map((d) => d.reason);
    return `merchant ${merchant.merchantUid}: gateway_receivable ${merchant.booksHeld}, the gateway holds ${merchant.gatewayHeld ?? 'unknown'} (${onQueue} of it on the operators' queue, ${chargesHeld} in ${charges.length} recurring charge(s) the books may not hold); ${unexplained.length} difference(s): ${reasons.join('; ')}`;
  }
  return undefined;
}

/**
 * The later charges of recurring agreements the gateway made by the day's end that the books have not booked by
 * it: each must be one the engine may not take, and none is recorded. Either the gateway charged on or after the
 * stop day of our disabledirectdebit (the engine refuses it: the report stays for an operator, and the books'
 * reconciliation lists the money as a payment the gateway moved and the books did not), or its report never
 * reached us (the engine learns of a charge only from its report; a `reports` fault suppressed it, and no late
 * copy came). Any other unbooked charge is returned as the broken invariant.
 */
async function chargesNotBooked(world: World, date: string, end: number): Promise<GatewayCharge[] | string> {
  const { charges } = await recurringCharges(world);
  const unbooked = charges.filter(
    (c) =>
      c.at.getTime() < end &&
      (c.recorded?.booked_on === null || c.recorded?.booked_on === undefined || c.recorded.booked_on > date),
  );
  const wrong = unbooked.find((c) => c.recorded !== undefined || (c.reported && !c.afterStop));
  if (wrong)
    return `charge uid ${wrong.chargeUid} (${wrong.cost}) of ${wrong.upstreamOrderId}, taken ${wrong.at.toISOString()}: not booked by ${date} though ${wrong.recorded ? `recorded (${wrong.recorded.state})` : 'reported before any stop of ours'}`;
  return unbooked;
}

/** The refund uids of esvcrefunds that the books left to a person (an open books_gateway_difference item). */
async function parkedEsvcRefunds(ds: World['db']['dataSource'], refundUids: string[]): Promise<Set<string>> {
  if (refundUids.length === 0) return new Set();
  const rows = await ds.query<{ uid: string }[]>(
    `SELECT r.gateway_uid AS uid FROM operations r
      WHERE r.kind = 'pay_refund' AND r.command = 'esvcrefund' AND r.gateway_uid = ANY($1::text[])
        AND EXISTS (SELECT 1 FROM operator_items i WHERE i.state = 'open' AND i.kind = 'books_gateway_difference'
                      AND i.reference = 'payment:' || r.id::text)`,
    [refundUids],
  );
  return new Set(rows.map((r) => r.uid));
}

/** Our payments (kind `payment`, the partner's own `orders`; a recurring agreement's later charges apart). */
async function paymentRows(world: World) {
  return world.db.dataSource.query<
    {
      id: string;
      order_id: string;
      upstream_order_id: string;
      state: string;
      gateway_uid: string | null;
      cost: number;
      actual: number | null;
    }[]
  >(
    `SELECT id, order_id, upstream_order_id, state, gateway_uid, (request->>'cost')::int AS cost,
            nullif(response->>'actual_cost', '')::int AS actual
       FROM operations WHERE kind = 'payment' AND command = 'orders' AND partner_id = $1 ORDER BY order_id`,
    [world.paypage.id],
  );
}

/**
 * Each of our payments against the gateway's order (the simulator's record, found by the order id we sent):
 * `paid` exactly when the gateway took the money; `failed` only when the gateway's order failed or it never had
 * the order; open only while the gateway's is open too. A recurring agreement's own payment is its first charge;
 * its later charges are compared with the gateway's charges (`chargesAgree`).
 */
async function paymentsAgree(world: World): Promise<string | undefined> {
  const orders = new Map([...world.sim.state.orders.values()].map((o) => [o.orderId, o]));
  for (const payment of await paymentRows(world)) {
    const order = orders.get(payment.upstream_order_id);
    const gateway =
      order === undefined
        ? 'none'
        : order.paidCost > 0
          ? 'paid'
          : resolutionOf('payPage', { code: order.prc }).status === 'rejected'
            ? 'failed'
            : 'open';
    const ours = ['paid', 'failed'].includes(payment.state) ? payment.state : 'open';
    const agree =
      ours === gateway ||
      // Never arrived, or still unpaid at our payment deadline (closed, while the gateway keeps the order open).
      (ours === 'failed' && (gateway === 'none' || gateway === 'open')) ||
      // Paid after we closed it: a late outcome, on the operators' queue.
      (ours === 'failed' && gateway === 'paid' && (await onOperatorQueue(world, payment.id))) ||
      // An order we opened whose answer was lost stays open on our side (nothing proves it never arrived).
      (ours === 'open' && gateway === 'none' && payment.gateway_uid === null);
    if (!agree)
      return `payment ${payment.order_id} (gateway order ${payment.upstream_order_id}): ours ${payment.state}, the gateway's ${order === undefined ? 'unknown to it' : `prc ${order.prc}, paid ${order.paidCost}`}`;
    // The gateway's paidCost of a recurring order grows with each charge: the agreement's own is the first.
    const first = order?.recurring?.charges[0]?.cost ?? order?.paidCost;
    if (ours === 'paid' && order !== undefined && (payment.actual ?? payment.cost) !== first)
      return `payment ${payment.order_id}: paid ${payment.actual ?? payment.cost} in our books, ${first} at the gateway`;
  }
  return chargesAgree(world);
}

/**
 * The later charges of recurring agreements (our operations of command `recurring_charge`, upstream `RC<uid>`)
 * against the gateway's: each charge it made before the stop day of a stop of ours that succeeded, and whose
 * report reached our intake, is recorded once, paid, with its uid, agreement and amount; none on or after that
 * stop day is recorded; and no recorded charge is one the gateway did not make.
 */
async function chargesAgree(world: World): Promise<string | undefined> {
  const { charges, ours } = await recurringCharges(world);
  const made = new Map(charges.map((c) => [c.chargeUid, c]));
  const seen = new Set<string>();
  for (const op of ours) {
    const charge = made.get(op.gateway_uid ?? '');
    if (charge === undefined)
      return `charge ${op.order_id} (uid ${op.gateway_uid}, ${op.state}): the gateway made no such charge`;
    if (seen.has(charge.chargeUid)) return `charge uid ${charge.chargeUid} recorded twice`;
    seen.add(charge.chargeUid);
    if (op.state !== 'paid') return `charge ${op.order_id}: ours ${op.state}, the gateway charged`;
    if (op.upstream_order_id !== `RC${charge.chargeUid}` || op.agreement_upstream !== charge.upstreamOrderId)
      return `charge ${op.order_id}: recorded as ${op.upstream_order_id} of ${op.agreement_upstream}, the gateway's uid ${charge.chargeUid} of ${charge.upstreamOrderId}`;
    if (op.cost !== charge.cost)
      return `charge ${op.order_id}: paid ${op.cost} in our records, ${charge.cost} at the gateway`;
    if (charge.afterStop)
      return `charge ${op.order_id} (nois ${charge.nois}) recorded: the gateway charged it on ${charge.at.toISOString()}, on or after our stop day`;
  }
  const missing = charges.find((c) => c.reported && !c.afterStop && c.recorded === undefined);
  if (missing)
    return `charge uid ${missing.chargeUid} (nois ${missing.nois}, ${missing.cost}) of ${missing.upstreamOrderId}: reported, taken before any stop of ours, not recorded`;
  return stopsAgree(world);
}

/**
 * Our disabledirectdebit against the gateway's agreement: the gateway stops an agreement from a day only when a
 * stop of ours naming that day succeeded or is still open, and every stop of ours that succeeded stopped it.
 */
async function stopsAgree(world: World): Promise<string | undefined> {
  const stops = await world.db.dataSource.query<
    { order_id: string; upstream: string; state: string; stop: string; code: string | null }[]
  >(
    `SELECT s.order_id, p.upstream_order_id AS upstream, s.state, s.request->>'stop_time' AS stop,
            s.gateway_code AS code
       FROM operations s JOIN operations p ON p.partner_id = s.partner_id AND p.command = 'orders'
                                          AND p.order_id = s.request->>'order_id'
      WHERE s.partner_id = $1 AND s.command = 'disabledirectdebit' ORDER BY s.order_id`,
    [world.paypage.id],
  );
  const orders = new Map([...world.sim.state.orders.values()].map((o) => [o.orderId, o]));
  for (const stop of stops) {
    const from = orders.get(stop.upstream)?.recurring?.stopFrom ?? null;
    if (stop.state === 'succeeded' && from === null)
      return `stop ${stop.order_id} of ${stop.upstream} succeeded on our side; the gateway never stopped the agreement`;
  }
  for (const [upstream, order] of orders) {
    const from = order.recurring?.stopFrom ?? null;
    if (from === null || order.merchantUid !== world.paypage.uid) continue;
    const mine = stops.filter((s) => s.upstream === upstream);
    const named = mine.some((s) => s.stop === from && !['failed'].includes(s.state));
    if (!named)
      return `the gateway stopped ${upstream} from ${from}; our stops of it: ${mine.map((s) => `${s.order_id} ${s.stop} ${s.state} ${s.code ?? ''}`).join(', ') || 'none'}`;
  }
  return undefined;
}

/**
 * Refunds of each payment, both sides: the gateway never gives back more than the buyer paid, nor do our
 * succeeded refunds less their succeeded cancels; once no refund of it is open on our side, ours equal the
 * gateway's refunds not cancelled.
 */
async function refundsWithinPaid(world: World): Promise<string | undefined> {
  const ds = world.db.dataSource;
  const orders = new Map([...world.sim.state.orders.values()].map((o) => [String(o.uid), o]));
  const refunds = await ds.query<
    { uid: string; state: string; cost: number; refund_uid: string | null; cancelled: boolean }[]
  >(
    `SELECT r.request->>'uid' AS uid, r.state, (r.request->>'cost')::int AS cost, r.gateway_uid AS refund_uid,
            EXISTS (SELECT 1 FROM operations c
                     WHERE c.partner_id = r.partner_id AND c.command = 'refundcancel' AND c.state = 'succeeded'
                       AND c.request->>'uid' = r.gateway_uid) AS cancelled
       FROM operations r WHERE r.kind = 'pay_refund' AND r.partner_id = $1`,
    [world.paypage.id],
  );
  for (const payment of await paymentRows(world)) {
    if (payment.gateway_uid === null) continue;
    const order = orders.get(payment.gateway_uid);
    const mine = refunds.filter((r) => r.uid === payment.gateway_uid);
    const ours = mine
      .filter((r) => r.state === 'succeeded' && !r.cancelled)
      .reduce((sum, r) => sum + r.cost, 0);
    const theirs = (order?.refunds ?? [])
      .filter((r) => r.cancelledAt === null)
      .reduce((sum, r) => sum + r.cost, 0);
    const paid = order?.paidCost ?? 0;
    if (theirs > paid) return `payment ${payment.order_id}: the gateway refunded ${theirs} of ${paid} paid`;
    // A recurring agreement's refunds (by its uid) may also give back its later charges: the gateway refunds up
    // to all it charged under the order, charges the engine recorded or refused alike.
    const later = (order?.recurring?.charges ?? []).slice(1).reduce((sum, c) => sum + c.cost, 0);
    if (ours > (payment.state === 'paid' ? (payment.actual ?? payment.cost) + later : 0))
      return `payment ${payment.order_id} (${payment.state}): our refunds total ${ours}, more than it paid${later > 0 ? ` with its later charges (${later})` : ''}`;
    const open = mine.some((r) => !['succeeded', 'failed'].includes(r.state));
    if (!open && ours !== theirs)
      return `payment ${payment.order_id}: our refunds total ${ours}, the gateway's ${theirs}`;
  }
  return purchaseRefundsWithinPaid(world);
}

/** The same for the stores' voucher purchases, which only esvcrefund refunds by amount. */
async function purchaseRefundsWithinPaid(world: World): Promise<string | undefined> {
  const rows = await world.db.dataSource.query<
    { order_id: string; uid: string; state: string; cost: number; ours: number; open: boolean }[]
  >(
    `SELECT p.order_id, p.gateway_uid AS uid, p.state, (p.request->>'cost')::int AS cost,
            coalesce(sum((r.request->>'cost')::int) FILTER (
              WHERE r.state = 'succeeded' AND NOT EXISTS (
                SELECT 1 FROM operations c WHERE c.partner_id = r.partner_id AND c.command = 'refundcancel'
                   AND c.state = 'succeeded' AND c.request->>'uid' = r.gateway_uid)), 0)::int AS ours,
            bool_or(r.state NOT IN ('succeeded', 'failed')) AS open
       FROM operations p JOIN operations r ON r.kind = 'pay_refund' AND r.partner_id = p.partner_id
                                         AND r.request->>'uid' = p.gateway_uid
      WHERE p.kind = 'purchase' AND p.gateway_uid IS NOT NULL
      GROUP BY p.id ORDER BY p.order_id`,
  );
  for (const row of rows) {
    const purchase = world.sim.state.purchases.get(Number(row.uid));
    const theirs = (purchase?.refunds ?? [])
      .filter((r) => r.cancelledAt === null)
      .reduce((sum, r) => sum + r.cost, 0);
    const paid = purchase !== undefined && ['250', '290'].includes(purchase.code) ? purchase.cost : 0;
    if (theirs > paid) return `purchase ${row.order_id}: the gateway refunded ${theirs} of ${paid} paid`;
    if (row.ours > (row.state === 'paid' ? row.cost : 0))
      return `purchase ${row.order_id} (${row.state}): our esvcrefunds total ${row.ours}, more than it paid`;
    if (!row.open && row.ours !== theirs)
      return `purchase ${row.order_id}: our esvcrefunds total ${row.ours}, the gateway's ${theirs}`;
  }
  return undefined;
}

async function onOperatorQueue(world: World, operationId: string): Promise<boolean> {
  const rows = await world.db.dataSource.query<unknown[]>(
    `SELECT 1 FROM operator_items WHERE reference = $1 AND state = 'open' LIMIT 1`,
    [operationId],
  );
  return rows.length > 0;
}

/**
 * Every report the outbox holds for a partner (operation outcomes, payments, refunds, corrections) reached the
 * partner's receiver by the day's end: delivered, signed, answered `8888`, none left pending or flagged.
 */
async function reportsDelivered(world: World): Promise<string | undefined> {
  const [undelivered] = await world.db.dataSource.query<
    { id: string; event: string; state: string; attempts: number; last_error: string | null }[]
  >(
    `SELECT id, event, state, attempts, last_error FROM partner_notifications
      WHERE state <> 'delivered' ORDER BY created_at, id LIMIT 1`,
  );
  if (undelivered !== undefined)
    return `partner report ${undelivered.id} (${undelivered.event}) is ${undelivered.state} after ${undelivered.attempts} attempt(s): ${undelivered.last_error ?? 'never attempted'}`;
  const [delivered] = await world.db.dataSource.query<{ id: string }[]>(
    `SELECT id FROM partner_notifications WHERE state = 'delivered' AND NOT (id::text = ANY($1::text[])) LIMIT 1`,
    [world.reportsReceived],
  );
  if (delivered !== undefined) return `partner report ${delivered.id} is delivered, no receiver ever got it`;
  return undefined;
}
