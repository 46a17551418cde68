import { twd, type Twd } from '@tixclear/domain';
import type { DataSource, EntityManager } from 'typeorm';
import { OPERATOR_PARTY } from '../accounts';
import { PayoutError, PayoutErrorCode } from './errors';
import { groupIdFor, itemIdFor } from './ids';
import { affected } from './records';

interface Candidate {
  id: string;
  paying_merchant: string;
  party: string;
  amount: string;
}

interface PlannedItem {
  merchant: string;
  party: string;
  itemId: string;
  amount: Twd;
  payables: string[];
}

/**
 * Builds a run's pay-off: payables, batches, items, in one transaction, so a crash leaves all of it or none.
 *
 * 1. Payables: what the run's clearings credited to each party, per (paying merchant, party, role), by
 *    one `INSERT … SELECT … ON CONFLICT DO NOTHING`. Zero amounts are left out, and headquarters only when its
 *    partner has a payout account (otherwise its share stays on its ledger as a payable, with no row here).
 *    The issuance fee is the payable `issuance_l<layer>` of its collector: the operator (layer 1, only with
 *    `operatorPayoutAccount`), headquarters (layer 2, as its share) or the sales point (layer 3).
 * 2. Items: every payable not linked to an item and not paid: this run's, plus earlier runs' freed by a
 *    re-included exception, or waiting for a payee account. One item per payee = the sum of
 *    its payables across roles and runs; one batch per paying merchant. Ids are derived (ids.ts).
 * 3. Links: each payable to its item.
 *
 * Rerunning it (a crash after commit, a resumed run) finds the run's batches and does nothing: the same rows.
 */
export async function buildPayouts(
  dataSource: DataSource,
  runId: string,
  operatorPayoutAccount?: string,
): Promise<void> {
  await dataSource.transaction(async (tx) => {
    // Two builders of one run queue here. Not the runner's key: that lock is held by another session.
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('payouts:' || $1))`, [runId]);
    const [built] = await tx.query<unknown[]>(`SELECT 1 FROM payout_batches WHERE run_id = $1 LIMIT 1`, [
      runId,
    ]);
    if (built !== undefined) return;
    await insertPayables(tx, runId, operatorPayoutAccount !== undefined);
    const items = plan(runId, await candidates(tx));
    const accounts = await payeeAccounts(tx, items);
    if (operatorPayoutAccount !== undefined)
      for (const item of items)
        if (item.party === OPERATOR_PARTY) accounts.set(key(item), operatorPayoutAccount);
    // A payee without an account is left out: its payables stay free and a later run pays them.
    const payable = items.filter((item) => accounts.has(key(item)));
    if (payable.length === 0) return;
    await insertBatchesAndItems(tx, runId, payable, accounts);
  });
}

const key = (item: { merchant: string; party: string }) => `${item.merchant}\u0000${item.party}`;

async function insertPayables(tx: EntityManager, runId: string, payOperator: boolean): Promise<void> {
  // Read from the run's clearings, one row per voucher, not from its journal (seven lines per voucher): the
  // clearing statement writes both from the same figures, so the sums are the payables' credits in the journal.
  // Summed first per partner and parties, a handful of groups, so the million-row pass is one plain aggregate.
  const owed = `
    WITH per_parties AS (
      SELECT partner_id, headquarters_party, sales_party, reimbursement_party, issuance_layer,
             sum(headquarters) AS headquarters, sum(sales) AS sales, sum(reimbursement) AS reimbursement,
             sum(issuance_fee) AS issuance
        FROM clearings
       WHERE run_id = $1 AND is_paid
       GROUP BY partner_id, headquarters_party, sales_party, reimbursement_party, issuance_layer)
    SELECT p.upstream_uid AS merchant, s.party, s.role, sum(s.amount) AS amount
      FROM per_parties c
      JOIN partners p ON p.id = c.partner_id
      CROSS JOIN LATERAL (VALUES
        ('headquarters', c.headquarters_party, c.headquarters),
        ('sales', c.sales_party, c.sales),
        ('reimbursement', c.reimbursement_party, c.reimbursement),
        ('issuance_l' || c.issuance_layer,
         CASE c.issuance_layer WHEN 1 THEN '${OPERATOR_PARTY}' WHEN 2 THEN c.headquarters_party ELSE c.sales_party END,
         c.issuance)) AS s(role, party, amount)
     WHERE (s.role NOT IN ('headquarters', 'issuance_l2') OR p.headquarters_payout_account IS NOT NULL)
       AND (s.role <> 'issuance_l1' OR $2)
     GROUP BY p.upstream_uid, s.party, s.role
    HAVING sum(s.amount) > 0`;
  // Keyed by (run, paying merchant, party, role): a party owed through two merchants keeps both payables, each
  // paid by its own merchant's batch (items are per merchant and party too).
  await tx.query(
    `INSERT INTO payables (run_id, paying_merchant, party, role, amount)
     SELECT $1, merchant, party, role, amount FROM (${owed}) AS owed
     ON CONFLICT (run_id, paying_merchant, party, role) DO NOTHING`,
    [runId, payOperator],
  );
}

/** Every free payable, locked so that an operator's re-inclusion cannot slip in between planning and linking. */
async function candidates(tx: EntityManager): Promise<Candidate[]> {
  return await tx.query<Candidate[]>(
    `SELECT id, paying_merchant, party, amount::text AS amount FROM payables
      WHERE item_id IS NULL AND paid_by_item_id IS NULL
      ORDER BY paying_merchant, party, run_id, role
      FOR UPDATE`,
  );
}

function plan(runId: string, rows: readonly Candidate[]): PlannedItem[] {
  const items = new Map<string, PlannedItem>();
  for (const row of rows) {
    const merchant = row.paying_merchant;
    const item = items.get(key({ merchant, party: row.party })) ?? {
      merchant,
      party: row.party,
      itemId: itemIdFor(runId, merchant, row.party),
      amount: twd(0),
      payables: [],
    };
    item.amount = twd(item.amount + twd(row.amount));
    item.payables.push(row.id);
    items.set(key(item), item);
  }
  return [...items.values()].filter((item) => item.amount > 0);
}

/**
 * Payee accounts: headquarters (`hq:<partner uid>`) from its partner; a point (`<partner uid>:<kind>:<ref>`)
 * from that partner's partner_points, and only if the partner pays through the merchant. A point party of the
 * older form (`<kind>:<ref>`, before parties named their partner) from partner_points of the partners the
 * merchant pays for, the oldest partner's when several list it.
 */
async function payeeAccounts(tx: EntityManager, items: readonly PlannedItem[]): Promise<Map<string, string>> {
  const rows = await tx.query<{ merchant: string; party: string; account: string | null }[]>(
    `SELECT w.merchant, w.party,
            CASE WHEN x.head = 'hq' THEN
              (SELECT p.headquarters_payout_account FROM partners p
                WHERE p.partner_uid = x.rest AND p.upstream_uid = w.merchant)
            WHEN x.head IN ('store', 'dealer') THEN
              (SELECT pp.payout_account FROM partner_points pp JOIN partners p ON p.id = pp.partner_id
                WHERE p.upstream_uid = w.merchant AND pp.kind = x.head AND pp.point_ref = x.rest
                  AND pp.payout_account IS NOT NULL
                ORDER BY p.created_at, p.id LIMIT 1)
            ELSE
              (SELECT pp.payout_account FROM partner_points pp JOIN partners p ON p.id = pp.partner_id
                WHERE p.partner_uid = x.head AND p.upstream_uid = w.merchant
                  AND pp.kind = split_part(x.rest, ':', 1) AND pp.point_ref = substr(x.rest, strpos(x.rest, ':') + 1))
            END AS account
       FROM unnest($1::text[], $2::text[]) AS w(merchant, party)
       CROSS JOIN LATERAL (SELECT split_part(w.party, ':', 1) AS head,
                                  substr(w.party, strpos(w.party, ':') + 1) AS rest) AS x`,
    [items.map((i) => i.merchant), items.map((i) => i.party)],
  );
  const accounts = new Map<string, string>();
  for (const row of rows) if (row.account) accounts.set(key(row), row.account);
  return accounts;
}

async function insertBatchesAndItems(
  tx: EntityManager,
  runId: string,
  items: readonly PlannedItem[],
  accounts: ReadonlyMap<string, string>,
): Promise<void> {
  const merchants = [...new Set(items.map((item) => item.merchant))];
  const batches = await tx.query<{ id: string; paying_merchant: string }[]>(
    `INSERT INTO payout_batches (run_id, paying_merchant, group_id, state)
     SELECT $1, merchant, group_id, 'draft' FROM unnest($2::text[], $3::text[]) AS b(merchant, group_id)
     RETURNING id, paying_merchant`,
    [runId, merchants, merchants.map((merchant) => groupIdFor(runId, merchant))],
  );
  const batchOf = new Map(batches.map((b) => [b.paying_merchant, b.id]));
  const inserted = await tx.query<{ id: string; item_id: string }[]>(
    `INSERT INTO payout_items (batch_id, item_id, party, payee_account, amount, state)
     SELECT batch_id, item_id, party, account, amount, 'pending'
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::bigint[])
         AS i(batch_id, item_id, party, account, amount)
     RETURNING id, item_id`,
    [
      items.map((item) => batchOf.get(item.merchant)),
      items.map((item) => item.itemId),
      items.map((item) => item.party),
      items.map((item) => accounts.get(key(item))),
      items.map((item) => item.amount),
    ],
  );
  const rowOf = new Map(inserted.map((row) => [row.item_id, row.id]));
  const links = items.flatMap((item) => item.payables.map((payable) => [payable, rowOf.get(item.itemId)]));
  const linked = await affected(
    tx,
    `UPDATE payables p SET item_id = l.item FROM unnest($1::uuid[], $2::uuid[]) AS l(payable, item)
      WHERE p.id = l.payable AND p.item_id IS NULL AND p.paid_by_item_id IS NULL`,
    [links.map(([payable]) => payable), links.map(([, item]) => item)],
  );
  // The candidates are locked, so this cannot fall short; if it did, an item would remit what it cannot claim.
  if (linked !== links.length) {
    throw new PayoutError(PayoutErrorCode.PayablesMismatch, `linked ${linked} of ${links.length} payables`);
  }
}
