import { payoutItemStateForCode, type PayoutItemState } from '@tixclear/domain';
import { callGateway } from '@tixclear/gateway-client';
import type { Pass, StepResult } from './context';
import { applyAnswer } from './follower';
import { ask, lookUp } from './gateway';
import { park } from './parked';
import { itemsOf, moveBatch, moveItem, type BatchRow, type ItemRow } from './records';

/*
 * The covering remittance (seed 004, api/payoffcoveringremittance): an S05 batch's failed (C2001) and rejected
 * (C2002) items are remitted again, with exponential backoff between attempts and a bounded number of them,
 * counted in `covering_attempts` (in the database, so a restart neither resets nor repeats them). Each attempt
 * is recorded (`covering`, items `covering`) before the call; a lost answer is `covering_unknown`, and from
 * there only a query decides: never a second covering call for items that may already be on their way. A call
 * that certainly never reached the gateway is not an attempt (an outage must not use them up).
 */

const FAILING: readonly PayoutItemState[] = ['failed', 'rejected'];
/** Items the gateway still works on: a batch holding one is not closed. */
const OPEN: readonly PayoutItemState[] = ['pending', 'awaiting_approval', 'covering'];

/** When the next attempt may go: at once for the first, then backoff × 2^(n−1) after the last outcome. */
export function nextCoveringAt(batch: BatchRow, backoffMs: number): Date {
  const attempts = batch.coveringAttempts;
  const wait = attempts === 0 ? 0 : backoffMs * 2 ** (attempts - 1);
  return new Date(batch.updatedAt.getTime() + wait);
}

/** `partly_remitted`: cover the failing items, or, once the attempts are spent, hand them to an operator. */
export async function cover(pass: Pass, batch: BatchRow): Promise<StepResult> {
  const items = await itemsOf(pass.dataSource, batch.id);
  const failing = items.filter((item) => FAILING.includes(item.state));
  if (failing.length === 0 || batch.coveringAttempts >= pass.settings.maxCoveringAttempts) {
    return giveUp(pass, batch, failing, items);
  }
  const now = pass.settings.clock();
  if (now < nextCoveringAt(batch, pass.settings.coveringBackoffMs)) return 'waiting';
  const client = await pass.clients.for(batch.payingMerchant);
  const covered = await pass.dataSource.transaction(async (tx) => {
    if (!(await moveBatch(tx, batch.id, 'partly_remitted', 'covering', now, { coveringAttempts: 1 }))) {
      return undefined;
    }
    const moved: ItemRow[] = [];
    for (const item of failing)
      if (await moveItem(tx, item.id, item.state, 'covering', now)) moved.push(item);
    return moved;
  });
  if (covered === undefined) return 'progressed';
  const outcome = await callGateway(() =>
    client.payoffCovering({
      store_uid: batch.payingMerchant,
      group_id: batch.groupId,
      items: covered.map((item) => ({ id: item.itemId })),
    }),
  );
  if (outcome.kind === 'ok' && outcome.value.content !== undefined) {
    await applyAnswer(pass, batch, 'covering', outcome.value.content);
  } else if (outcome.kind === 'rejected') {
    // Certainly refused (the batch is not S05, an item is not C2001/C2002): the batch as the gateway has it
    // says where the items stand. The attempt counts, so a refusal that repeats still ends.
    const answer = await ask(() =>
      client.payoffQuery({ store_uid: batch.payingMerchant, group_id: batch.groupId }),
    );
    if (answer?.content !== undefined) await applyAnswer(pass, batch, 'covering', answer.content);
    else await moveBatch(pass.dataSource, batch.id, 'covering', 'covering_unknown', pass.settings.clock());
  } else if (outcome.kind === 'not_sent') {
    // Certainly never left (no connection ever opened): not an attempt. Back to S05 and wait for the next
    // pass rather than spend the attempts on an outage.
    await uncover(pass, batch, 'covering', covered, -1);
    return 'waiting';
  } else {
    await moveBatch(pass.dataSource, batch.id, 'covering', 'covering_unknown', pass.settings.clock());
  }
  return 'progressed';
}

/** Back to `partly_remitted`, each item back to what its last code says (failed C2001 or rejected C2002). */
async function uncover(
  pass: Pass,
  batch: BatchRow,
  from: 'covering' | 'covering_unknown',
  items: readonly ItemRow[],
  attempts: 0 | -1,
): Promise<void> {
  await pass.dataSource.transaction(async (tx) => {
    const now = pass.settings.clock();
    const change = attempts === -1 ? { coveringAttempts: attempts } : {};
    if (!(await moveBatch(tx, batch.id, from, 'partly_remitted', now, change))) return;
    for (const item of items) {
      const before = payoutItemStateForCode(item.gatewayCode ?? '') === 'rejected' ? 'rejected' : 'failed';
      await moveItem(tx, item.id, 'covering', before, now);
    }
  });
}

/**
 * `covering_unknown`: the covering's answer was lost (or the worker died during the call). Resolved by the
 * batch query only: items on their way or remitted → their states; the batch still S05 with the items still
 * failing → the covering never took effect: back to `partly_remitted` (the attempt still counts) and the
 * backoff decides when the next one goes. A query refused without the explicit not-found code parks it.
 */
export async function resolveCovering(pass: Pass, batch: BatchRow): Promise<StepResult> {
  const covering = (await itemsOf(pass.dataSource, batch.id)).filter((item) => item.state === 'covering');
  const client = await pass.clients.for(batch.payingMerchant);
  const found = await lookUp(() =>
    client.resolvePayoffCovering(
      batch.groupId,
      covering.map((item) => item.itemId),
      { storeUid: batch.payingMerchant },
    ),
  );
  if (found.kind === 'unreachable') return 'waiting';
  // The gateway would not say: covering again could remit twice, so a person decides.
  if (found.kind === 'odd') {
    await park(pass, batch, 'covering_unknown', found);
    return 'progressed';
  }
  if (found.value.status !== 'not_found') {
    const applied = await applyAnswer(pass, batch, 'covering_unknown', found.value.result);
    return applied === 'unchanged' ? 'waiting' : 'progressed';
  }
  await uncover(pass, batch, 'covering_unknown', covering, 0);
  return 'progressed';
}

/**
 * No attempt left (or nothing left to cover): the failing items become exceptions for an operator (see
 * exceptions.ts) and the batch is `closed` once nothing in it is still with the gateway.
 */
async function giveUp(
  pass: Pass,
  batch: BatchRow,
  failing: readonly ItemRow[],
  items: readonly ItemRow[],
): Promise<StepResult> {
  if (items.some((item) => OPEN.includes(item.state))) return 'waiting';
  await pass.dataSource.transaction(async (tx) => {
    const now = pass.settings.clock();
    if (!(await moveBatch(tx, batch.id, 'partly_remitted', 'closed', now))) return;
    for (const item of failing) await moveItem(tx, item.id, item.state, 'exception', now);
  });
  return 'progressed';
}
