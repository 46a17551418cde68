import { addTwd, sumTwd, twd, ZERO_TWD, type BusinessDate, type Twd } from '@tixclear/domain';
import { Account, MERCHANT_PREFIX, roleAccount, roleLedger, type PayableRole } from '../accounts';
import { PayoutError, PayoutErrorCode } from './errors';
import type { ItemRow, Queryable } from './records';

/** How an item's payables were paid: remitted by the gateway, or settled outside it by an operator. */
export interface Settlement {
  kind: 'payout' | 'settled_outside';
  description: string;
}

/**
 * The account credited for the money that left: the merchant's balance at the gateway (party
 * `merchant:<uid>`), or the operator's other means.
 */
const CREDITED: { readonly [K in Settlement['kind']]: string } = {
  payout: Account.gatewayReceivable,
  settled_outside: Account.paidOutside,
};

/**
 * Posts that an item paid its payables, inside the transaction that moved the item to `remitted` or
 * `settled_outside` (so the state and the ledger never disagree, whatever crashes). Two guards make it once only:
 * each payable is claimed by `paid_by_item_id IS NULL` (a payable is paid by at most one item), and the entry is
 * `(kind, reference = item id)`, unique. The entry debits each role's payable of the party (what we owed goes
 * to zero; an issuance fee's `fee_issuance_l<n>`) and credits the money's source with the total. It is dated
 * the day the gateway finished, or the first open day if that day's period is closed. A claim that does not cover the item's amount
 * exactly means the books and the gateway disagree: it throws and the whole transaction is undone.
 */
export async function postItemSettlement(
  tx: Queryable,
  item: ItemRow,
  runId: string,
  businessDate: BusinessDate,
  settlement: Settlement,
): Promise<void> {
  const [claimed] = await tx.query<[{ role: PayableRole; amount: string }[], number]>(
    `UPDATE payables SET paid_by_item_id = $1 WHERE item_id = $1 AND paid_by_item_id IS NULL
     RETURNING role, amount::text AS amount`,
    [item.id],
  );
  const [{ linked }] = await tx.query<[{ linked: number }]>(
    `SELECT count(*)::int AS linked FROM payables WHERE item_id = $1`,
    [item.id],
  );
  const byRole = new Map<PayableRole, Twd>();
  for (const payable of claimed) {
    byRole.set(payable.role, addTwd(byRole.get(payable.role) ?? ZERO_TWD, twd(payable.amount)));
  }
  const total: number = sumTwd(claimed.map((p) => twd(p.amount)));
  if (claimed.length !== linked || total !== item.amount) {
    throw new PayoutError(
      PayoutErrorCode.PayablesMismatch,
      `item ${item.itemId} of ${item.amount} claims ${total} in ${claimed.length} of ${linked} payables`,
    );
  }
  const [entry] = await tx.query<{ id: string; business_date: string }[]>(
    `INSERT INTO journal_entries (run_id, kind, reference, business_date, description)
     VALUES ($1, $2, $3, GREATEST($4::date, books_open_from()), $5)
     ON CONFLICT DO NOTHING
     RETURNING id, business_date::text AS business_date`,
    [runId, settlement.kind, item.itemId, businessDate, settlement.description.slice(0, 200)],
  );
  if (!entry) {
    throw new PayoutError(PayoutErrorCode.PayablesMismatch, `item ${item.itemId} is already posted`);
  }
  const roles = [...byRole.keys()];
  const creditedParty = settlement.kind === 'payout' ? await merchantOf(tx, item) : null;
  await tx.query(
    `INSERT INTO journal_lines (entry_id, account, ledger, party, amount, business_date)
     SELECT $1, account, ledger, party, amount, $6::date
       FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[]) AS l(account, ledger, party, amount)`,
    [
      entry.id,
      [...roles.map(roleAccount), CREDITED[settlement.kind]],
      [...roles.map(roleLedger), null],
      [...roles.map(() => item.party), creditedParty],
      [...roles.map((role) => byRole.get(role) ?? 0), -total],
      entry.business_date,
    ],
  );
}

/** The party of the receivable a remitted item leaves: the merchant whose batch paid it. */
async function merchantOf(tx: Queryable, item: ItemRow): Promise<string> {
  const [batch] = await tx.query<{ merchant: string }[]>(
    `SELECT paying_merchant AS merchant FROM payout_batches WHERE id = $1`,
    [item.batchId],
  );
  if (!batch) throw new PayoutError(PayoutErrorCode.RecordInvalid, `item ${item.itemId} has no batch`);
  return `${MERCHANT_PREFIX}${batch.merchant}`;
}
