import { PayoffItemCode, taiwanBusinessDate, twd, type Twd } from '@tixclear/domain';
import type { DataSource } from 'typeorm';
import { PayoutError, PayoutErrorCode } from './errors';
import { lookUp, MerchantClients, type PartnerContexts, type PayoffGatewayPort } from './gateway';
import { postItemSettlement } from './posting';
import {
  affected,
  itemByGatewayId,
  loadBatch,
  moveItem,
  type BatchRow,
  type ItemRow,
  type Queryable,
} from './records';
import { closeRefusal } from './refusals';

/*
 * Operator commands for items the automatic flow gave up on (`exception`: still failing after the last covering
 * attempt, or a payee account refused at creation). Either the payee is paid by the gateway again, in a later
 * run's batch (`reincludeException`), or it was paid by other means and the ledger records that
 * (`settleExceptionOutside`). Both first ask the gateway what became of the item: one it reports remitted
 * (C1001) is posted as remitted instead, since paying it again would pay it twice. Each is one transaction with a
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

/** What the commands need to ask the gateway: the same as the pay-off step's (PayoutDependencies). */
export interface OperatorGateway {
  partners: PartnerContexts;
  gateway: PayoffGatewayPort;
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
  /** What the item became: as asked, or `remitted` when the gateway said it had been paid after all. */
  state: 'reincluded' | 'settled_outside' | 'remitted';
}

/**
 * Puts an exception's payables back in the pool: the item ends (`reincluded`) and its payables lose their item,
 * so the next run's build pays them in a new item of its batch. They stay unpaid until that item is remitted;
 * the old item can never remit them (its batch is closed and the item final). If the gateway reports the item
 * remitted, it is posted as remitted instead.
 * @throws PayoutError `PAYOUT_ITEM_NOT_FOUND`, `PAYOUT_ITEM_NOT_EXCEPTION`, `PAYOUT_GATEWAY_UNSURE`
 */
export async function reincludeException(
  dataSource: DataSource,
  gateway: OperatorGateway,
  itemId: string,
  options: OperatorOptions = {},
): Promise<ExceptionOutcome> {
  const remitted = await remittedAfterAll(dataSource, gateway, itemId, options);
  if (remitted) return remitted;
  return dataSource.transaction(async (tx) => {
    const item = await exceptionItem(tx, itemId);
    const now = (options.clock ?? (() => new Date()))();
    if (!(await moveItem(tx, item.id, 'exception', 'reincluded', now))) throw notException(itemId);
    await closeRefusal(tx, itemId, 'reincluded');
    await affected(tx, `UPDATE payables SET item_id = NULL WHERE item_id = $1 AND paid_by_item_id IS NULL`, [
      item.id,
    ]);
    return { itemId, party: item.party, amount: item.amount, state: 'reincluded' };
  });
}

/**
 * Asks the gateway about an exception before an operator's command: its batch by group_id, the item in it.
 * Remitted (C1001) → posted as remitted, in the transaction that moves it out of `exception`, and returned.
 * Failed or rejected (C2001/C2002), not in the batch (left out at creation), or the batch explicitly unknown
 * to the gateway → undefined: the command goes on. Anything else (unreachable, a refused query, an item on its
 * way) → `PAYOUT_GATEWAY_UNSURE`: nothing changes, ask again later.
 */
async function remittedAfterAll(
  dataSource: DataSource,
  gateway: OperatorGateway,
  itemId: string,
  options: OperatorOptions,
): Promise<ExceptionOutcome | undefined> {
  const item = await exceptionItem(dataSource, itemId);
  const batch = await loadBatch(dataSource, item.batchId);
  const client = await new MerchantClients(dataSource, gateway.partners, gateway.gateway).for(
    batch.payingMerchant,
  );
  const found = await lookUp(() =>
    client.resolvePayoffCreate(batch.groupId, { storeUid: batch.payingMerchant }),
  );
  if (found.kind !== 'answer') throw unsure(itemId, found.kind);
  if (found.value.status === 'not_found') return undefined;
  const reported = found.value.result.items.find((candidate) => candidate.id === item.itemId);
  if (reported === undefined) return undefined;
  if (
    reported.code === PayoffItemCode.RemittanceFailed ||
    reported.code === PayoffItemCode.RejectedByApprover
  )
    return undefined;
  if (reported.code !== PayoffItemCode.Remitted) throw unsure(itemId, `item ${reported.code}`);
  return postRemitted(dataSource, batch, item, reported, options);
}

async function postRemitted(
  dataSource: DataSource,
  batch: BatchRow,
  item: ItemRow,
  reported: { code: string; msg?: string | null | undefined; finished_date?: Date | null | undefined },
  options: OperatorOptions,
): Promise<ExceptionOutcome> {
  return dataSource.transaction(async (tx) => {
    const now = (options.clock ?? (() => new Date()))();
    const report = { code: reported.code, message: reported.msg ?? null };
    if (!(await moveItem(tx, item.id, 'exception', 'remitted', now, report))) throw notException(item.itemId);
    await closeRefusal(tx, item.itemId, 'remitted after all');
    await postItemSettlement(tx, item, batch.runId, taiwanBusinessDate(reported.finished_date ?? now), {
      kind: 'payout',
      description: `remitted to ${item.party} (${batch.groupId}), found at an operator's command`,
    });
    return { itemId: item.itemId, party: item.party, amount: item.amount, state: 'remitted' };
  });
}

const unsure = (itemId: string, why: string) =>
  new PayoutError(
    PayoutErrorCode.GatewayUnsure,
    `the gateway cannot say now what became of pay-off item ${itemId} (${why}): try again later`,
    'itemId',
  );

/**
 * Records that an exception was paid outside the gateway (bank transfer, cash…): the item ends
 * (`settled_outside`), its payables are paid by it, and a `settled_outside` journal entry debits them and
 * credits `paid_outside`. The note says how; it is kept in the entry's description.
 * The gateway is asked first, as for a re-inclusion: an item it reports remitted is posted so, not settled.
 * @throws PayoutError `PAYOUT_NOTE_REQUIRED` (field `note`), `PAYOUT_ITEM_NOT_FOUND`, `PAYOUT_ITEM_NOT_EXCEPTION`,
 *   `PAYOUT_GATEWAY_UNSURE`
 */
export async function settleExceptionOutside(
  dataSource: DataSource,
  gateway: OperatorGateway,
  itemId: string,
  note: string,
  options: OperatorOptions = {},
): Promise<ExceptionOutcome> {
  const how = note.trim();
  if (how.length === 0) throw new PayoutError(PayoutErrorCode.NoteRequired, 'say how it was paid', 'note');
  const remitted = await remittedAfterAll(dataSource, gateway, itemId, options);
  if (remitted) return remitted;
  return dataSource.transaction(async (tx) => {
    const item = await exceptionItem(tx, itemId);
    const now = (options.clock ?? (() => new Date()))();
    if (!(await moveItem(tx, item.id, 'exception', 'settled_outside', now))) throw notException(itemId);
    await closeRefusal(tx, itemId, 'settled_outside');
    const batch = await loadBatch(tx, item.batchId);
    await postItemSettlement(tx, item, batch.runId, taiwanBusinessDate(now), {
      kind: 'settled_outside',
      description: `settled outside for ${item.party}: ${how}`,
    });
    return { itemId, party: item.party, amount: item.amount, state: 'settled_outside' };
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
