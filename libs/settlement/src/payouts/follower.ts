import {
  payoutBatchMachine,
  payoutBatchStateForCode,
  payoutItemMachine,
  payoutItemStateForCode,
  taiwanBusinessDate,
  type PayoutBatchState,
} from '@tixclear/domain';
import type { PayoffBatchState } from '@tixclear/gateway-client';
import type { Pass, StepResult } from './context';
import { ask } from './gateway';
import { postItemSettlement } from './posting';
import { affected, itemsOf, moveBatch, moveItem, type BatchRow } from './records';
import { leftOutOf, refuseItem } from './refusals';

/** What applying an answer did: states moved, nothing to move, or the batch was no longer `from`. */
export type Applied = 'moved' | 'unchanged' | 'lost';

/**
 * Applies a batch state the gateway reported (the answer of a creation, a query or a covering) in one
 * transaction: the batch moves by its S-code, each item by its C-code, and an item that became `remitted` is
 * posted in the same transaction, so "remitted" and "posted" are one fact. The batch is moved (or checked to be
 * still `from`) first, which holds its row: a concurrent step or operator either went before or waits.
 * A report the machines do not allow (out of order, stale) or an undocumented code changes nothing; the next
 * query tells again.
 */
export async function applyAnswer(
  pass: Pass,
  batch: BatchRow,
  from: PayoutBatchState,
  answer: PayoffBatchState,
): Promise<Applied> {
  return pass.dataSource.transaction(async (tx) => {
    const now = pass.settings.clock();
    let moved = false;
    const target = payoutBatchStateForCode(answer.code);
    if (target !== undefined && target !== from && payoutBatchMachine.can(from, target)) {
      if (!(await moveBatch(tx, batch.id, from, target, now, { gatewayCode: answer.code }))) return 'lost';
      moved = true;
    } else {
      // Not a move; the code is kept when it says where the batch is (or is undocumented, for the operator).
      const code = target === undefined || target === from ? answer.code : null;
      const still = await affected(
        tx,
        `UPDATE payout_batches SET gateway_code = coalesce($3, gateway_code) WHERE id = $1 AND state = $2`,
        [batch.id, from, code],
      );
      if (still === 0) return 'lost';
    }
    const items = await itemsOf(tx, batch.id);
    // Accepted without the item this revision left out: that item is the one the gateway refused.
    const leftOut =
      moved && (from === 'submitting' || from === 'submit_unknown') ? leftOutOf(batch, items) : undefined;
    if (leftOut !== undefined) {
      const why = 'refused at creation; the batch was accepted without it';
      await refuseItem(tx, batch, leftOut, batch.gatewayCode ?? answer.code, why, now);
    }
    for (const item of items) {
      if (item === leftOut) continue;
      const reported = answer.items.find((candidate) => candidate.id === item.itemId);
      const to = reported === undefined ? undefined : payoutItemStateForCode(reported.code);
      if (reported === undefined || to === undefined || to === item.state) continue;
      if (!payoutItemMachine.can(item.state, to)) continue;
      const report = { code: reported.code, message: reported.msg };
      if (!(await moveItem(tx, item.id, item.state, to, now, report))) continue;
      moved = true;
      if (to === 'remitted') {
        await postItemSettlement(tx, item, batch.runId, taiwanBusinessDate(reported.finished_date ?? now), {
          kind: 'payout',
          description: `remitted to ${item.party} (${batch.groupId})`,
        });
      }
    }
    return moved ? 'moved' : 'unchanged';
  });
}

/** An accepted batch (S01 awaiting approval, S03 remitting): ask the gateway where it stands. */
export async function follow(pass: Pass, batch: BatchRow): Promise<StepResult> {
  const client = await pass.clients.for(batch.payingMerchant);
  const answer = await ask(() =>
    client.payoffQuery({ store_uid: batch.payingMerchant, group_id: batch.groupId }),
  );
  // Unreachable now, or (oddly) no batch in the answer: ask again on the next pass.
  if (answer?.content === undefined) return 'waiting';
  return (await applyAnswer(pass, batch, batch.state, answer.content)) === 'unchanged'
    ? 'waiting'
    : 'progressed';
}
