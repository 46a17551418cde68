import { taiwanBusinessDate, twd, type Twd } from '@tixclear/domain';
import type { DataSource } from 'typeorm';
import { PayoutError, PayoutErrorCode } from './errors';
import { postItemSettlement } from './posting';
import { affected, itemByGatewayId, loadBatch, moveItem, type ItemRow, type Queryable } from './records';

/*
 * Operator commands for items the automatic flow gave up on (`exception`: still failing after the last covering
 * attempt). Either the payee is paid by the gateway again, in a later run's batch (`reincludeException`), or it
 * was paid by other means and the ledger records that (`settleExceptionOutside`). Each is one transaction with a
 * conditional move out of `exception`, so two operators (or a retried command) cannot do both, or one twice.
 */

export interface PayoutException {
  /** The gateway item id: what the operator names in the commands below. */
  itemId: string;
  party: string;
  payeeAccount: string;
  amount: Twd;
  /** The last item code the gateway reported (C2001 failed, C2002 rejected) and its message. */
  gatewayCode: string | null;
  gatewayMessage: string | null;
  groupId: string;
  runId: string;
  payingMerchant: string;
  since: Date;
}

export interface OperatorOptions {
  clock?: () => Date;
}

export async function listExceptions(dataSource: DataSource): Promise<PayoutException[]> {
  const rows = await dataSource.query<
    {
      item_id: string;
      party: string;
      payee_account: string;
      amount: string;
      gateway_code: string | null;
      gateway_message: string | null;
      group_id: string;
      run_id: string;
      paying_merchant: string;
      updated_at: Date;
    }[]
  >(
    `SELECT i.item_id, i.party, i.payee_account, i.amount::text AS amount, i.gateway_code, i.gateway_message,
            b.group_id, b.run_id, b.paying_merchant, i.updated_at
       FROM payout_items i JOIN payout_batches b ON b.id = i.batch_id
      WHERE i.state = 'exception'
      ORDER BY i.updated_at, i.item_id`,
  );
  return rows.map((r) => ({
    itemId: r.item_id,
    party: r.party,
    payeeAccount: r.payee_account,
    amount: twd(r.amount),
    gatewayCode: r.gateway_code,
    gatewayMessage: r.gateway_message,
    groupId: r.group_id,
    runId: r.run_id,
    payingMerchant: r.paying_merchant,
    since: r.updated_at,
  }));
}

export interface ExceptionOutcome {
  itemId: string;
  party: string;
  amount: Twd;
}

/**
 * Puts an exception's payables back in the pool: the item ends (`reincluded`) and its payables lose their item,
 * so the next run's build pays them in a new item of its batch. They stay unpaid until that item is remitted;
 * the old item can never remit them (its batch is closed and the item final).
 * @throws PayoutError `PAYOUT_ITEM_NOT_FOUND`, `PAYOUT_ITEM_NOT_EXCEPTION`
 */
export async function reincludeException(
  dataSource: DataSource,
  itemId: string,
  options: OperatorOptions = {},
): Promise<ExceptionOutcome> {
  return dataSource.transaction(async (tx) => {
    const item = await exceptionItem(tx, itemId);
    const now = (options.clock ?? (() => new Date()))();
    if (!(await moveItem(tx, item.id, 'exception', 'reincluded', now))) throw notException(itemId);
    await affected(tx, `UPDATE payables SET item_id = NULL WHERE item_id = $1 AND paid_by_item_id IS NULL`, [
      item.id,
    ]);
    return { itemId, party: item.party, amount: item.amount };
  });
}

/**
 * Records that an exception was paid outside the gateway (bank transfer, cash…): the item ends
 * (`settled_outside`), its payables are paid by it, and a `settled_outside` journal entry debits them and
 * credits `paid_outside`. The note says how; it is kept in the entry's description.
 * @throws PayoutError `PAYOUT_NOTE_REQUIRED` (field `note`), `PAYOUT_ITEM_NOT_FOUND`, `PAYOUT_ITEM_NOT_EXCEPTION`
 */
export async function settleExceptionOutside(
  dataSource: DataSource,
  itemId: string,
  note: string,
  options: OperatorOptions = {},
): Promise<ExceptionOutcome> {
  const how = note.trim();
  if (how.length === 0) throw new PayoutError(PayoutErrorCode.NoteRequired, 'say how it was paid', 'note');
  return dataSource.transaction(async (tx) => {
    const item = await exceptionItem(tx, itemId);
    const now = (options.clock ?? (() => new Date()))();
    if (!(await moveItem(tx, item.id, 'exception', 'settled_outside', now))) throw notException(itemId);
    const batch = await loadBatch(tx, item.batchId);
    await postItemSettlement(tx, item, batch.runId, taiwanBusinessDate(now), {
      kind: 'settled_outside',
      description: `settled outside for ${item.party}: ${how}`,
    });
    return { itemId, party: item.party, amount: item.amount };
  });
}

async function exceptionItem(tx: Queryable, itemId: string): Promise<ItemRow> {
  const item = await itemByGatewayId(tx, itemId);
  if (item === undefined) {
    throw new PayoutError(PayoutErrorCode.ItemNotFound, `no pay-off item ${itemId}`, 'itemId');
  }
  if (item.state !== 'exception') throw notException(itemId);
  return item;
}

const notException = (itemId: string) =>
  new PayoutError(PayoutErrorCode.ItemNotException, `pay-off item ${itemId} is not an exception`, 'itemId');
