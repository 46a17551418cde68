import { payoutBatchMachine, type PayoutBatchState } from '@tixclear/domain';
import { callGateway, type GatewayIssue } from '@tixclear/gateway-client';
import type { Pass, StepResult } from './context';
import { applyAnswer } from './follower';
import { lookUp, type PayoffClient } from './gateway';
import { groupIdFor } from './ids';
import { park } from './parked';
import { affected, itemsOf, moveBatch, type BatchRow, type ItemRow } from './records';
import { leftOutOf, refuseItem } from './refusals';

/*
 * Sending a batch (docs/protocol.md §3: store_uid, group_id, items[{id, user_id, money}]). Never inside a database
 * transaction: `submitting` is committed first, so a crash during the call leaves a row saying "this may have
 * been sent", and from `submitting` or `submit_unknown` nothing is sent again until a query by group_id has
 * said, with the explicit not-found code, that the gateway does not have it. A query the gateway refuses
 * otherwise, or answers oddly, parks the batch for an operator (parked.ts).
 */

const unknown = (pass: Pass, batch: BatchRow): Promise<boolean> =>
  moveBatch(pass.dataSource, batch.id, 'submitting', 'submit_unknown', pass.settings.clock());

/** `draft` → `submitting` → the creation call → the batch's state by the answer. */
export async function submit(pass: Pass, batch: BatchRow): Promise<StepResult> {
  // Credentials first: a merchant without them leaves the batch a draft (nothing was sent).
  const client = await pass.clients.for(batch.payingMerchant);
  const all = await itemsOf(pass.dataSource, batch.id);
  const leftOut = leftOutOf(batch, all);
  const items = all.filter((item) => item.state === 'pending' && item !== leftOut);
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
      return refused(pass, batch, client, outcome, items);
    // Certainly not sent is treated as unknown too: the query that resolves it is cheap, and one path is safer.
    case 'not_sent':
    case 'unknown':
      await unknown(pass, batch);
      return 'progressed';
  }
}

/**
 * A refused creation. The gateway refuses a repeated group_id with `100` like any other bad request, and a
 * resend after an unknown outcome can meet a late original: so the batch is looked up before anything else.
 * Found → its state. Explicitly not found → the items whose payee account was refused become exceptions and
 * the rest is re-formed under a new group_id; a refusal that names no item is searched out (search). Any other
 * answer to the query parks the batch.
 */
async function refused(
  pass: Pass,
  batch: BatchRow,
  client: PayoffClient,
  refusal: { code: string; message: string; issues: readonly GatewayIssue[] },
  sent: readonly ItemRow[],
): Promise<StepResult> {
  const found = await lookUp(() =>
    client.resolvePayoffCreate(batch.groupId, { storeUid: batch.payingMerchant }),
  );
  if (found.kind === 'unreachable') await unknown(pass, batch);
  else if (found.kind === 'odd') await park(pass, batch, 'submitting', found);
  else if (found.value.status !== 'not_found') {
    await applyAnswer(pass, batch, 'submitting', found.value.result);
  } else {
    const offending = offendingItems(sent, refusal.issues);
    if (offending.length > 0) await reform(pass, batch, offending, refusal.code);
    else await search(pass, batch, refusal.code);
  }
  return 'progressed';
}

/** The sent items a refusal names by field (`items[2].user_id`); none when any issue is not about an item. */
export function offendingItems(sent: readonly ItemRow[], issues: readonly GatewayIssue[]): ItemRow[] {
  const named = new Set<ItemRow>();
  for (const issue of issues) {
    const index = /^items\[(\d+)\]/.exec(issue.field)?.[1];
    const item = index === undefined ? undefined : sent[Number(index)];
    if (item === undefined) return [];
    named.add(item);
  }
  return [...named];
}

/**
 * The gateway does not have the batch and refused it for some items: they become exceptions (an operator
 * corrects the account, then re-includes or settles them), and the batch goes back to `draft` without them
 * under the next derived group_id, so the others are paid now. With nothing left, the batch is rejected.
 */
async function reform(
  pass: Pass,
  batch: BatchRow,
  offending: readonly ItemRow[],
  code: string,
): Promise<void> {
  await pass.dataSource.transaction(async (tx) => {
    const now = pass.settings.clock();
    const remaining = (await itemsOf(tx, batch.id)).filter(
      (item) => item.state === 'pending' && !offending.some((o) => o.id === item.id),
    );
    const to: PayoutBatchState = remaining.length > 0 ? 'draft' : 'rejected';
    payoutBatchMachine.assertTransition('submitting', to);
    const revision = batch.revision + 1;
    const moved = await affected(
      tx,
      `UPDATE payout_batches SET state = $3, group_id = $4, revision = $5, updated_at = $6, gateway_code = $7
        WHERE id = $1 AND state = $2 AND revision = $8`,
      [
        batch.id,
        'submitting',
        to,
        groupIdFor(batch.runId, batch.payingMerchant, revision),
        revision,
        now,
        code.slice(0, 10),
        batch.revision,
      ],
    );
    if (moved !== 1) return;
    for (const item of offending) {
      await refuseItem(tx, batch, item, code, 'payee account refused at creation', now);
    }
  });
}

/**
 * The gateway does not have the batch and refused it without naming an item. The next revision leaves out the
 * next pending item (item order) and sends the rest; the first revision the gateway accepts makes its left-out
 * item an exception (applyAnswer). A lone item refused, or every item left out in turn and still refused: each
 * pending item becomes an exception and the batch is rejected. Nothing is freed for the next run, which the
 * gateway would refuse again, so that one refused payee never holds the merchant's other payees back.
 */
async function search(pass: Pass, batch: BatchRow, code: string): Promise<void> {
  await pass.dataSource.transaction(async (tx) => {
    const now = pass.settings.clock();
    const items = await itemsOf(tx, batch.id);
    const pending = items.filter((item) => item.state === 'pending');
    const leftOut = leftOutOf(batch, items);
    const next =
      pending.length < 2 ? undefined : pending[leftOut === undefined ? 0 : pending.indexOf(leftOut) + 1];
    const to: PayoutBatchState = next === undefined ? 'rejected' : 'draft';
    payoutBatchMachine.assertTransition('submitting', to);
    const revision = next === undefined ? batch.revision : batch.revision + 1;
    const groupId =
      next === undefined
        ? batch.groupId
        : groupIdFor(batch.runId, batch.payingMerchant, revision, next.itemId);
    const moved = await affected(
      tx,
      `UPDATE payout_batches SET state = $3, group_id = $4, revision = $5, updated_at = $6, gateway_code = $7
        WHERE id = $1 AND state = $2 AND revision = $8`,
      [batch.id, 'submitting', to, groupId, revision, now, code.slice(0, 10), batch.revision],
    );
    if (moved !== 1 || next !== undefined) return;
    const why =
      pending.length === 1 ? 'refused at creation' : 'refused at creation with each item left out in turn';
    for (const item of pending) await refuseItem(tx, batch, item, code, why, now);
  });
}

/**
 * `submit_unknown`: resolved only by asking the gateway for the group_id. Found → its state. Explicitly not
 * found → once the grace has passed since the outcome became unknown, back to `draft` and sent again with the
 * same group_id. A refused or odd query → parked, never resent.
 */
export async function resolveSubmission(pass: Pass, batch: BatchRow): Promise<StepResult> {
  const client = await pass.clients.for(batch.payingMerchant);
  const found = await lookUp(() =>
    client.resolvePayoffCreate(batch.groupId, { storeUid: batch.payingMerchant }),
  );
  if (found.kind === 'unreachable') return 'waiting';
  if (found.kind === 'odd') {
    await park(pass, batch, 'submit_unknown', found);
    return 'progressed';
  }
  if (found.value.status !== 'not_found') {
    const applied = await applyAnswer(pass, batch, 'submit_unknown', found.value.result);
    return applied === 'unchanged' ? 'waiting' : 'progressed';
  }
  const now = pass.settings.clock();
  if (now.getTime() - batch.updatedAt.getTime() < pass.settings.submitGraceMs) return 'waiting';
  await moveBatch(pass.dataSource, batch.id, 'submit_unknown', 'draft', now);
  return 'progressed';
}
