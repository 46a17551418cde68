import type { PayoutBatchState } from '@tixclear/domain';
import type { Pass, StepResult } from './context';
import { applyAnswer } from './follower';
import { ask, callGateway, type PayoffClient } from './gateway';
import { itemsOf, moveBatch, moveItem, type BatchRow } from './records';

/*
 * Sending a batch (PROTOCOL.md §3: store_uid, group_id, items[{id, user_id, money}]). Never inside a database
 * transaction: `submitting` is committed first, so a crash during the call leaves a row saying "this may have
 * been sent", and from `submitting` or `submit_unknown` nothing is sent again until a query by group_id has
 * said the gateway does not have it.
 */

const unknown = (pass: Pass, batch: BatchRow): Promise<boolean> =>
  moveBatch(pass.dataSource, batch.id, 'submitting', 'submit_unknown', pass.settings.clock());

/** `draft` → `submitting` → the creation call → the batch's state by the answer. */
export async function submit(pass: Pass, batch: BatchRow): Promise<StepResult> {
  // Credentials first: a merchant without them leaves the batch a draft (nothing was sent).
  const client = await pass.clients.for(batch.payingMerchant);
  const items = (await itemsOf(pass.dataSource, batch.id)).filter((item) => item.state === 'pending');
  if (!(await moveBatch(pass.dataSource, batch.id, 'draft', 'submitting', pass.settings.clock()))) {
    return 'progressed';
  }
  const outcome = await callGateway(() =>
    client.payoffCreate({
      store_uid: batch.payingMerchant,
      group_id: batch.groupId,
      items: items.map((item) => ({ id: item.itemId, user_id: item.payeeAccount, money: item.amount })),
    }),
  );
  switch (outcome.kind) {
    case 'ok':
      if (outcome.value.content !== undefined) {
        await applyAnswer(pass, batch, 'submitting', outcome.value.content);
      } else {
        // Accepted, but the answer does not show the batch: only a query can tell its state.
        await unknown(pass, batch);
      }
      return 'progressed';
    case 'rejected':
      return refused(pass, batch, client, outcome.code);
    // Certainly not sent is treated as unknown too: the query that resolves it is cheap, and one path is safer.
    case 'not_sent':
    case 'unknown':
      await unknown(pass, batch);
      return 'progressed';
  }
}

/**
 * A refused creation. The gateway refuses a repeated group_id with `100` like any other bad request, and a
 * resend after an unknown outcome can meet a late original: so the batch is looked up before it is called
 * rejected. Found → its state; not found → `rejected` (items withdrawn, payables freed for a later run).
 */
async function refused(pass: Pass, batch: BatchRow, client: PayoffClient, code: string): Promise<StepResult> {
  const found = await ask(() =>
    client.resolvePayoffCreate(batch.groupId, { storeUid: batch.payingMerchant }),
  );
  if (found === undefined) await unknown(pass, batch);
  else if (found.status === 'not_found') await reject(pass, batch, 'submitting', code);
  else await applyAnswer(pass, batch, 'submitting', found.result);
  return 'progressed';
}

/**
 * `submit_unknown`: resolved only by asking the gateway for the group_id. Found → its state. Not found → once
 * the grace has passed since the outcome became unknown, back to `draft` and sent again with the same group_id.
 */
export async function resolveSubmission(pass: Pass, batch: BatchRow): Promise<StepResult> {
  const client = await pass.clients.for(batch.payingMerchant);
  const found = await ask(() =>
    client.resolvePayoffCreate(batch.groupId, { storeUid: batch.payingMerchant }),
  );
  if (found === undefined) return 'waiting';
  if (found.status !== 'not_found') {
    const applied = await applyAnswer(pass, batch, 'submit_unknown', found.result);
    return applied === 'unchanged' ? 'waiting' : 'progressed';
  }
  const now = pass.settings.clock();
  if (now.getTime() - batch.updatedAt.getTime() < pass.settings.submitGraceMs) return 'waiting';
  await moveBatch(pass.dataSource, batch.id, 'submit_unknown', 'draft', now);
  return 'progressed';
}

/** A batch the gateway does not have and refused: its items withdrawn, their payables free for a later run. */
async function reject(pass: Pass, batch: BatchRow, from: PayoutBatchState, code: string): Promise<void> {
  await pass.dataSource.transaction(async (tx) => {
    const now = pass.settings.clock();
    if (!(await moveBatch(tx, batch.id, from, 'rejected', now, { gatewayCode: code.slice(0, 10) }))) return;
    for (const item of await itemsOf(tx, batch.id)) {
      if (item.state !== 'pending' || !(await moveItem(tx, item.id, 'pending', 'withdrawn', now))) continue;
      await tx.query(`UPDATE payables SET item_id = NULL WHERE item_id = $1 AND paid_by_item_id IS NULL`, [
        item.id,
      ]);
    }
  });
}
