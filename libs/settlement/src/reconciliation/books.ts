import { addTwd, twd } from '@tixclear/domain';
import type { DataSource } from 'typeorm';
import { Account, MERCHANT_PREFIX } from '../accounts';
import type { MovementKind } from './ports';

/** One operation as our books moved the receivable for it on the date (gateway's reference, signed TWD). */
export interface BookedMovement {
  kind: MovementKind;
  reference: string;
  amount: number;
}

/** What our books and records say about one merchant on one date. */
export interface BooksDay {
  merchantUid: string;
  /** `gateway_receivable` attributed to the merchant, through the date. */
  held: number;
  /** The receivable's movements of the date, by kind (the journal's figures). */
  byKind: Record<MovementKind, number>;
  /**
   * The date's booked operations one by one: purchases, refunds and pay-off items from their journal entries,
   * redemptions from their cleared vouchers' escrow and gateway fees (the journal books them as one `fee_kept`
   * entry per merchant and date, whose total is `byKind.redemption`).
   */
  movements: BookedMovement[];
  /** The date's operations in our records, by kind: gateway references (counted whether booked or not). */
  operations: Record<MovementKind, string[]>;
  /** The date's receivable entries of other kinds (corrections...): in `held`, not compared one by one. */
  other: EntryRef[];
}

export interface EntryRef {
  kind: string;
  reference: string;
  amount: number;
}

export interface Books {
  days: Map<string, BooksDay>;
  /** Receivable entries of the date no merchant could be named for. */
  unattributed: EntryRef[];
  /** The receivable through the date that no merchant could be named for. */
  unattributedHeld: number;
}

/** Our record of an operation the gateway names: for the reason of a difference. */
export interface OurOperation {
  reference: string;
  /** Our operation's id. */
  id: string;
  kind: string;
  state: string;
  /** Taiwan date it completed, when it did. */
  completedOn: string | null;
  /** The gateway command it went through (`vouchertransaction`, `voucheroffline`, `esvcrefund`, ...). */
  command: string;
  /** The partner's `order_id` of the operation. */
  orderId: string;
  /** Set when the gateway named it by its refund uid (a money refund, `refund` or `esvcrefund`). */
  refundUid: string | null;
  /** Open operator items naming it (their kinds): an operator has it in hand. */
  items: string[];
  /** A redemption's lines: written, cleared, held. */
  lines: number;
  cleared: number;
  held: number;
}

/** The key of an operation {@link lookUpOperations} found by a money refund's refund uid. */
export const refundUidKey = (refundUid: string) => `refund-uid:${refundUid}`;

/**
 * Our operation the gateway names by `reference` for a movement of `kind`: a refund by its refund uid first
 * (the gateway names a money refund so, seed 001 `refund_uid`), else by the `order_id` we sent.
 */
export function ourOperation(
  ours: ReadonlyMap<string, OurOperation>,
  kind: MovementKind,
  reference: string,
): OurOperation | undefined {
  return (kind === 'refund' ? ours.get(refundUidKey(reference)) : undefined) ?? ours.get(reference);
}

const RECEIVABLE = Account.gatewayReceivable;

/**
 * The merchant of a receivable line: its party (`merchant:<uid>`), or for a line posted without one, the merchant
 * its entry's subject went through (the operation's partner, the pay-off item's batch).
 */
const LINE_MERCHANT = `CASE WHEN l.party LIKE '${MERCHANT_PREFIX}%' THEN substr(l.party, ${MERCHANT_PREFIX.length + 1})
  WHEN e.kind IN ('purchase', 'refund') THEN
    (SELECT p.upstream_uid FROM operations o JOIN partners p ON p.id = o.partner_id WHERE o.id = e.reference::uuid)
  WHEN e.kind = 'payout' THEN
    (SELECT b.paying_merchant FROM payout_items i JOIN payout_batches b ON b.id = i.batch_id
      WHERE i.item_id = e.reference) END`;

const taipeiDate = (column: string) => `(${column} AT TIME ZONE 'Asia/Taipei')::date`;

/**
 * The `order_id` the gateway names operation `o` by: ours upstream, or for a later charge of a recurring agreement
 * (command `recurring_charge`, libs/operations) its agreement's, which the gateway charges under.
 */
const GATEWAY_ORDER_ID = `CASE WHEN o.command = 'recurring_charge' THEN
    coalesce((SELECT a.upstream_order_id FROM operations a
               WHERE a.id::text = o.request->>'agreement' AND a.partner_id = o.partner_id), o.upstream_order_id)
    ELSE o.upstream_order_id END`;

/** Every merchant our partners go through at the gateway, and those the receivable names. */
export async function merchantsOf(dataSource: DataSource): Promise<string[]> {
  const rows = await dataSource.query<{ merchant: string }[]>(
    `SELECT DISTINCT upstream_uid AS merchant FROM partners
     UNION SELECT DISTINCT substr(party, ${MERCHANT_PREFIX.length + 1}) FROM journal_lines
      WHERE account = $1 AND party LIKE '${MERCHANT_PREFIX}%'
     ORDER BY 1`,
    [RECEIVABLE],
  );
  return rows.map((r) => r.merchant);
}

const emptyKinds = (): Record<MovementKind, number> => ({
  purchase_paid: 0,
  redemption: 0,
  refund: 0,
  payoff_item: 0,
  expiry: 0,
});

const ENTRY_KIND: Readonly<Record<string, MovementKind>> = {
  purchase: 'purchase_paid',
  refund: 'refund',
  fee_kept: 'redemption',
  clearing: 'redemption',
  payout: 'payoff_item',
  expiry: 'expiry',
  // The payments ledger (src/payments/): a payment is money in like a purchase, a refund's cancel nets its refund.
  payment: 'purchase_paid',
  payment_refund: 'refund',
  refund_cancel: 'refund',
};

/** The books' side of every merchant on `date` (YYYY-MM-DD), read in a handful of queries. */
export async function readBooks(dataSource: DataSource, date: string): Promise<Books> {
  const days = new Map<string, BooksDay>();
  const unattributed: EntryRef[] = [];
  const day = (merchant: string): BooksDay => {
    let found = days.get(merchant);
    if (!found) {
      found = {
        merchantUid: merchant,
        held: 0,
        byKind: emptyKinds(),
        movements: [],
        operations: { purchase_paid: [], redemption: [], refund: [], payoff_item: [], expiry: [] },
        other: [],
      };
      days.set(merchant, found);
    }
    return found;
  };
  for (const merchant of await merchantsOf(dataSource)) day(merchant);

  const held = await dataSource.query<{ merchant: string | null; amount: string }[]>(
    `SELECT ${LINE_MERCHANT} AS merchant, sum(l.amount)::text AS amount
       FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
      WHERE l.account = $1 AND e.business_date <= $2::date
      GROUP BY 1`,
    [RECEIVABLE, date],
  );
  let unattributedHeld = 0;
  for (const row of held) {
    if (row.merchant === null) unattributedHeld = addTwd(twd(unattributedHeld), twd(row.amount));
    else day(row.merchant).held = twd(row.amount);
  }

  // The date's entries, with the gateway's reference of their subject.
  const entries = await dataSource.query<
    { merchant: string | null; kind: string; reference: string; gateway_ref: string | null; amount: string }[]
  >(
    `SELECT ${LINE_MERCHANT} AS merchant, e.kind, e.reference,
            CASE WHEN e.kind IN ('purchase', 'refund', 'payment') THEN
                   (SELECT ${GATEWAY_ORDER_ID} FROM operations o WHERE o.id = e.reference::uuid)
                 WHEN e.kind = 'payout' THEN
                   (SELECT b.group_id || '/' || i.item_id FROM payout_items i JOIN payout_batches b ON b.id = i.batch_id
                     WHERE i.item_id = e.reference)
                 -- a trust's end, by the voucher's serial (one entry per voucher)
                 WHEN e.kind = 'expiry' THEN l.serial_number
                 -- a money refund and its cancel, by the gateway's refund uid
                 WHEN e.kind = 'payment_refund' THEN
                   (SELECT o.gateway_uid FROM operations o WHERE o.id = e.reference::uuid)
                 WHEN e.kind = 'refund_cancel' THEN
                   (SELECT coalesce(o.response->'row_data'->>'refund_uid', o.request->>'uid')
                      FROM operations o WHERE o.id = e.reference::uuid) END AS gateway_ref,
            sum(l.amount)::text AS amount
       FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
      WHERE l.account = $1 AND e.business_date = $2::date
      GROUP BY 1, 2, 3, 4
      ORDER BY 2, 3`,
    [RECEIVABLE, date],
  );
  for (const entry of entries) {
    const amount = twd(entry.amount);
    const kind = ENTRY_KIND[entry.kind];
    if (entry.merchant === null) {
      unattributed.push({ kind: entry.kind, reference: entry.reference, amount });
      continue;
    }
    const target = day(entry.merchant);
    if (kind === undefined) {
      target.other.push({ kind: entry.kind, reference: entry.reference, amount });
      continue;
    }
    target.byKind[kind] = addTwd(twd(target.byKind[kind]), amount);
    if (kind !== 'redemption')
      target.movements.push({ kind, reference: entry.gateway_ref ?? entry.reference, amount });
  }

  // Redemptions one by one: the escrow and gateway fees of the date's cleared paid vouchers, by the merchant that
  // sold each voucher (the money the gateway keeps them from), under the redemption's order at the gateway.
  const fees = await dataSource.query<{ merchant: string; reference: string; kept: string }[]>(
    `SELECT coalesce(owner.upstream_uid, cp.upstream_uid) AS merchant, o.upstream_order_id AS reference,
            sum(c.escrow_fee + c.gateway_fee)::text AS kept
       FROM clearings c
       JOIN redemption_lines l ON l.id = c.redemption_line_id
       JOIN operations o ON o.id = l.operation_id
       LEFT JOIN vouchers v ON v.id = l.voucher_id
       LEFT JOIN partners owner ON owner.id = v.partner_id
       JOIN partners cp ON cp.id = c.partner_id
      WHERE c.business_date = $1::date AND c.is_paid
      GROUP BY 1, 2 ORDER BY 2`,
    [date],
  );
  for (const fee of fees)
    day(fee.merchant).movements.push({
      kind: 'redemption',
      reference: fee.reference,
      amount: 0 - twd(fee.kept),
    });

  // The date's operations in our records, by the merchant they went through.
  const operations = await dataSource.query<{ merchant: string; kind: string; reference: string }[]>(
    `SELECT p.upstream_uid AS merchant, o.kind, ${GATEWAY_ORDER_ID} AS reference
       FROM operations o JOIN partners p ON p.id = o.partner_id
      WHERE o.completed_at IS NOT NULL AND ${taipeiDate('o.completed_at')} = $1::date
        AND ((o.kind IN ('purchase', 'payment') AND o.state IN ('paid', 'paid_mismatch'))
             OR (o.kind IN ('redemption', 'refund', 'pay_refund') AND o.state = 'succeeded'))
     UNION ALL
     SELECT b.paying_merchant, 'payoff_item', b.group_id || '/' || i.item_id
       FROM payout_items i JOIN payout_batches b ON b.id = i.batch_id
       JOIN journal_entries e ON e.kind = 'payout' AND e.reference = i.item_id
      WHERE i.state = 'remitted' AND e.business_date = $1::date
      ORDER BY 3`,
    [date],
  );
  const OPERATION_KIND: Readonly<Record<string, MovementKind>> = {
    purchase: 'purchase_paid',
    payment: 'purchase_paid',
    redemption: 'redemption',
    refund: 'refund',
    pay_refund: 'refund',
    payoff_item: 'payoff_item',
  };
  for (const op of operations) {
    const kind = OPERATION_KIND[op.kind];
    if (kind !== undefined) day(op.merchant).operations[kind].push(op.reference);
  }
  return { days, unattributed, unattributedHeld };
}

/**
 * Our records of the operations the gateway names by these references (for the reason of a difference): by the
 * `order_id` we sent (key: the reference), and money refunds also by their refund uid (key:
 * {@link refundUidKey}), which is how the gateway names a refund and its cancel. Read with {@link ourOperation}.
 */
export async function lookUpOperations(
  dataSource: DataSource,
  references: readonly string[],
): Promise<Map<string, OurOperation>> {
  if (references.length === 0) return new Map();
  const rows = await dataSource.query<
    {
      key: string;
      reference: string;
      id: string;
      kind: string;
      command: string;
      order_id: string;
      refund_uid: string | null;
      items: string[];
      state: string;
      completed_on: string | null;
      lines: number;
      cleared: number;
      held: number;
    }[]
  >(
    `WITH found AS (
       SELECT o.upstream_order_id AS key, o.upstream_order_id AS reference, NULL::text AS refund_uid, o.*
         FROM operations o WHERE o.upstream_order_id = ANY($1::text[])
       UNION ALL
       SELECT 'refund-uid:' || o.gateway_uid, o.gateway_uid, o.gateway_uid, o.*
         FROM operations o WHERE o.kind = 'pay_refund' AND o.gateway_uid = ANY($1::text[]))
     SELECT o.key, o.reference, o.id, o.kind, o.command, o.order_id, o.refund_uid, o.state,
            ARRAY(SELECT DISTINCT i.kind FROM operator_items i
                   WHERE i.state = 'open'
                     AND i.reference IN (o.id::text, o.upstream_order_id, 'payment:' || o.id)) AS items,
            ${taipeiDate('o.completed_at')}::text AS completed_on,
            (SELECT count(*)::int FROM redemption_lines l WHERE l.operation_id = o.id) AS lines,
            (SELECT count(*)::int FROM redemption_lines l JOIN clearings c ON c.redemption_line_id = l.id
              WHERE l.operation_id = o.id) AS cleared,
            (SELECT count(*)::int FROM redemption_lines l JOIN clearing_backlog b ON b.redemption_line_id = l.id
              WHERE l.operation_id = o.id
                AND EXISTS (SELECT 1 FROM settlement_holds h WHERE h.redemption_line_id = l.id)) AS held
       FROM found o ORDER BY o.key, o.created_at, o.id`,
    [[...references]],
  );
  return new Map(
    rows.map((r) => [
      r.key,
      {
        reference: r.reference,
        id: r.id,
        kind: r.kind,
        command: r.command,
        orderId: r.order_id,
        refundUid: r.refund_uid,
        items: r.items,
        state: r.state,
        completedOn: r.completed_on,
        lines: r.lines,
        cleared: r.cleared,
        held: r.held,
      },
    ]),
  );
}
