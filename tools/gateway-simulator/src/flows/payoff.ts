import { formatTaiwanTimestamp } from '@tixclear/domain';
import { PAYOFF_NOT_FOUND_CODE } from '@tixclear/gateway-client';
import {
  BATCH_MSG,
  echoOf,
  executed,
  executionFailed,
  invalidData,
  ITEM_MSG,
  MSG,
  withDetail,
} from '../answers';
import type { Merchant } from '../merchants';
import { SimulatorState } from '../state/store';
import type { PayoffBatch, PayoffItem, PayoffOutcome } from '../state/types';
import type { RequestFor } from '../validation';
import { changed, unchanged, type FlowResult, type Services } from './context';

/*
 * Pay-off batches. Seed 004 documents only the covering remittance and the codes; creation and query are
 * docs/protocol.md §3's decision (command names configurable). The life of a batch:
 *
 *   create → S01, items C0001 → approval (automatic after a delay, or POST /_control/payoff/approve)
 *   → S03; items the approver rejects become C2002 at once → remittance (after `remitDelayMs`)
 *   → each remaining item C1001 or C2001 → S04 when every item is C1001, else S05.
 *
 * Outcomes come from `forced` (control API; used once) or else from the fault plan's rates, drawn from the
 * seeded `payoff` stream. A covering remittance (seed 004) takes only an S05 batch and only its C2001/C2002
 * items: they go back to C0001, the batch to S03, and they are remitted again (no second approval; decision).
 * Refusals are `B500` with the batch unchanged in `content`.
 */

export function createBatch(
  services: Services,
  merchant: Merchant,
  request: RequestFor<'payoffremittance'>,
): FlowResult {
  const { state } = services;
  const key = SimulatorState.batchKey(request.store_uid, request.group_id);
  // Decision, as for orders: group_id is the batch's unique id; a repeat is refused and changes nothing.
  if (state.batches.has(key)) return unchanged(invalidData('group_id (duplicate)'));
  const ids = services.ids();
  const batch: PayoffBatch = {
    requesterMode: merchant.mode,
    requesterUid: merchant.uid,
    storeUid: request.store_uid,
    uid: ids.uid(),
    key: ids.key(32),
    groupId: request.group_id,
    items: request.items.map((i) => ({
      id: i.id,
      userId: i.user_id,
      money: i.money,
      code: 'C0001',
      finishedAt: null,
      forced: null,
    })),
    echo: echoOf(request),
    createdAt: services.clock.now(),
    code: 'S01',
    approvedAt: null,
    coverings: 0,
  };
  state.batches.set(key, batch);
  if (services.payoff.approval === 'auto') {
    services.timers.schedule(services.payoff.approvalDelayMs, () => approveBatch(services, batch));
  }
  return changed({ ...executed(), content: batchState(batch) });
}

export function queryBatch(
  services: Services,
  _merchant: Merchant,
  request: RequestFor<'payoffquery'>,
): FlowResult {
  const batch = services.state.batches.get(SimulatorState.batchKey(request.store_uid, request.group_id));
  // The explicit "no such batch" (docs/protocol.md §3 leaves it to us): the only answer that says it never arrived.
  if (batch === undefined) {
    return unchanged({
      code: PAYOFF_NOT_FOUND_CODE,
      msg: withDetail(MSG.failed, 'group_id (no such batch)'),
    });
  }
  return unchanged({ ...executed(), content: batchState(batch) });
}

export function coverBatch(
  services: Services,
  _merchant: Merchant,
  request: RequestFor<'payoffcoveringremittance'>,
): FlowResult {
  const batch = services.state.batches.get(SimulatorState.batchKey(request.store_uid, request.group_id));
  if (batch === undefined) return unchanged(executionFailed('group_id (no such batch)'));
  const refuse = (detail: string) => unchanged({ ...executionFailed(detail), content: batchState(batch) });
  if (batch.code !== 'S05') return refuse(`group_id (the batch is ${batch.code}, not S05)`);
  const chosen: PayoffItem[] = [];
  for (const [i, ref] of request.items.entries()) {
    const item = batch.items.find((candidate) => candidate.id === ref.id);
    if (item === undefined) return refuse(`items[${i}].id (not in the batch)`);
    if (item.code !== 'C2001' && item.code !== 'C2002')
      return refuse(`items[${i}].id (the item is ${item.code})`);
    chosen.push(item);
  }
  for (const item of chosen) {
    item.code = 'C0001';
    item.finishedAt = null;
  }
  batch.code = 'S03';
  batch.coverings += 1;
  scheduleRemittance(services, batch);
  return changed({ ...executed(), content: batchState(batch) });
}

/**
 * The approver releases an S01 batch: rejected items become C2002, the batch S03, and the remittance follows
 * after `remitDelayMs` (at once when 0; `hold` leaves it S03 until completeBatch). False if not S01.
 */
export function approveBatch(
  services: Services,
  batch: PayoffBatch,
  options: { hold?: boolean } = {},
): boolean {
  if (batch.code !== 'S01') return false;
  const rate = services.faults.payoffItemRates.C2002;
  for (const item of batch.items) {
    const rejected =
      item.forced === null ? rate > 0 && services.payoffRandom()() < rate : item.forced === 'C2002';
    if (rejected) {
      item.code = 'C2002';
      item.forced = null;
    }
  }
  batch.code = 'S03';
  batch.approvedAt = services.clock.now();
  if (options.hold !== true) scheduleRemittance(services, batch);
  return true;
}

function scheduleRemittance(services: Services, batch: PayoffBatch): void {
  if (services.payoff.remitDelayMs === 0) completeBatch(services, batch);
  else services.timers.schedule(services.payoff.remitDelayMs, () => completeBatch(services, batch));
}

/** The bank's answer for an S03 batch: every pending item C1001 or C2001, then S04 or S05. False if not S03. */
export function completeBatch(services: Services, batch: PayoffBatch): boolean {
  if (batch.code !== 'S03') return false;
  const now = services.clock.now();
  const rate = services.faults.payoffItemRates.C2001;
  for (const item of batch.items) {
    if (item.code !== 'C0001') continue;
    // A forced C2002 still reaching here (an item being covered has no approval step) is honoured as is.
    const outcome: PayoffOutcome =
      item.forced ?? (rate > 0 && services.payoffRandom()() < rate ? 'C2001' : 'C1001');
    item.forced = null;
    item.code = outcome;
    item.finishedAt = outcome === 'C1001' ? now : null;
    if (outcome === 'C1001')
      services.state.holdings.record(
        batch.storeUid,
        'payoff_paid',
        -item.money,
        now,
        `${batch.groupId}/${item.id}`,
      );
  }
  batch.code = batch.items.every((item) => item.code === 'C1001') ? 'S04' : 'S05';
  return true;
}

/** Forces the next outcome of some items (used once each). C2002 applies at approval, C2001/C1001 at remittance. */
export function forceOutcomes(
  batch: PayoffBatch,
  outcomes: Readonly<Record<string, PayoffOutcome>>,
): string[] {
  const unknown = Object.keys(outcomes).filter((id) => !batch.items.some((item) => item.id === id));
  if (unknown.length > 0) return unknown;
  for (const item of batch.items) {
    const outcome = outcomes[item.id];
    if (outcome !== undefined) item.forced = outcome;
  }
  return [];
}

/** 『批次撥款回傳參數』. */
export function batchState(batch: PayoffBatch): Record<string, unknown> {
  return {
    uid: String(batch.uid),
    key: batch.key,
    code: batch.code,
    msg: BATCH_MSG[batch.code],
    store_uid: batch.storeUid,
    group_id: batch.groupId,
    items: batch.items.map((item) => ({
      id: item.id,
      user_id: item.userId,
      money: item.money,
      finished_date: item.finishedAt === null ? '' : formatTaiwanTimestamp(item.finishedAt),
      code: item.code,
      msg: ITEM_MSG[item.code],
    })),
    ...batch.echo,
  };
}
