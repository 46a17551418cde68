import { raiseOperatorItem, resolveOperatorItem } from '@tixclear/db';
import type { PayoutBatchState } from '@tixclear/domain';
import type { DataSource } from 'typeorm';
import type { Pass } from './context';
import { PayoutError, PayoutErrorCode } from './errors';
import { itemsOf, loadBatchByGroupId, moveBatch, type BatchRow } from './records';

/*
 * A batch whose state the gateway would not tell (a query refused without the explicit not-found code, an odd
 * answer) is `parked` with an operator item (`payout_batch_parked`), in one transaction. Nothing moves it on
 * its own: it is never resent, rejected or freed, because any of these could pay its items twice.
 */

/** What the operator item says, for a person to judge. */
interface Parking {
  code: string;
  message: string;
}

export async function park(
  pass: Pass,
  batch: BatchRow,
  from: 'submitting' | 'submit_unknown' | 'covering_unknown',
  why: Parking,
): Promise<void> {
  await pass.dataSource.transaction(async (tx) => {
    const now = pass.settings.clock();
    if (!(await moveBatch(tx, batch.id, from, 'parked', now, { gatewayCode: why.code.slice(0, 10) }))) return;
    await raiseOperatorItem(tx, {
      kind: 'payout_batch_parked',
      reference: batch.groupId,
      details: {
        groupId: batch.groupId,
        runId: batch.runId,
        payingMerchant: batch.payingMerchant,
        parkedFrom: from,
        code: why.code,
        message: why.message.slice(0, 500),
      },
    });
  });
}

/**
 * The operator's retry of a parked batch (the gateway has been asked by other means, or mended): it goes back
 * to the unknown state it came from (`covering_unknown` if it holds items being covered, else `submit_unknown`)
 * and the next pass queries it again; its operator item is resolved. Nothing is sent before that query.
 * @throws PayoutError `PAYOUT_BATCH_NOT_FOUND`, `PAYOUT_BATCH_NOT_PARKED` (field `groupId`)
 */
export async function retryParkedBatch(
  dataSource: DataSource,
  groupId: string,
  options: { by: string; clock?: () => Date },
): Promise<{ groupId: string; state: PayoutBatchState }> {
  return dataSource.transaction(async (tx) => {
    const batch = await loadBatchByGroupId(tx, groupId);
    if (batch === undefined) {
      throw new PayoutError(PayoutErrorCode.BatchNotFound, `no pay-off batch ${groupId}`, 'groupId');
    }
    const covering = (await itemsOf(tx, batch.id)).some((item) => item.state === 'covering');
    const to = covering ? 'covering_unknown' : 'submit_unknown';
    if (!(await moveBatch(tx, batch.id, 'parked', to, (options.clock ?? (() => new Date()))()))) {
      throw new PayoutError(
        PayoutErrorCode.BatchNotParked,
        `pay-off batch ${groupId} is not parked`,
        'groupId',
      );
    }
    const [open] = await tx.query<{ id: string }[]>(
      `SELECT id FROM operator_items WHERE kind = 'payout_batch_parked' AND reference = $1 AND state = 'open'`,
      [groupId],
    );
    if (open) await resolveOperatorItem(tx, open.id, { by: options.by, action: `retried: ${to}` });
    return { groupId, state: to };
  });
}
