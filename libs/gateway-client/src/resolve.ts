import type { CallOptions, GatewayClient } from './client';
import { GatewayError, gatewayErrorFrom, GatewayRejectedError } from './errors';
import { describeCode, PayoffBatchCode, PayoffItemCode, type CodeFamily } from '@tixclear/domain';
import type { PayoffBatchState } from './schemas/payoff-batch';
import type { PurchaseState } from './schemas/voucherservicequery';
import type { RedemptionState } from './schemas/voucherquery';
import type { RefundState } from './schemas/voucherrefundquery';

/*
 * Resolving an unknown outcome (GatewayOutcomeUnknownError, or mayHaveCommitted on another error) by asking the
 * command's query with the id we chose before sending. Never by sending the mutation again blindly.
 *
 *  - committed: it took effect; `result` is the gateway's record.
 *  - rejected:  the gateway has it and it failed for good (e.g. redemption 300). Added to the brief's three
 *               states because "do not send again" and "safe to send again" must not be confused.
 *  - pending:   the gateway has it and is still working (e.g. purchase awaiting payment, batch remitting).
 *  - not_found: the gateway does not know it: it never arrived. Send it again WITH THE SAME id, so that the
 *               gateway's uniqueness of order_id/group_id protects against a late duplicate.
 *
 * A voucher query is "not found" only by its explicit refusal ORDER_NOT_FOUND_CODES: a `100` refuses our request
 * itself (store, envelope, key), and an accepted answer without a record is odd; both propagate, as do
 * unavailability and invalid answers: ask again later, never decide "it never arrived" on them.
 * Pay-off queries are stricter (lookUpBatch): only the explicit not-found code means "not found".
 */

export type Resolution<R> =
  | { readonly status: 'committed'; readonly result: R }
  | { readonly status: 'rejected'; readonly result: R }
  | { readonly status: 'pending'; readonly result: R }
  | { readonly status: 'not_found' };

/**
 * The voucher queries' explicit "no such order": outer `B500` 執行失敗 (seed 000's code tables give a query, whose
 * only inputs are our store and order id, no other refusal of an order; the simulator answers it so).
 */
export const ORDER_NOT_FOUND_CODES: readonly string[] = ['B500'];

/** Runs a voucher query; `undefined` only for the explicit not-found. Any other refusal propagates. */
async function lookUp<T>(query: () => Promise<T>): Promise<T | undefined> {
  try {
    return await query();
  } catch (error) {
    const notFound =
      error instanceof GatewayRejectedError &&
      error.gatewayCode !== undefined &&
      ORDER_NOT_FOUND_CODES.includes(error.gatewayCode);
    if (notFound) return undefined;
    throw error;
  }
}

type VoucherQuery = 'voucherservicequery' | 'voucherquery' | 'voucherrefundquery';

/** The record of an accepted voucher query; an answer without one is odd (it throws), not a "not found". */
function recordOf<T>(client: GatewayClient, command: VoucherQuery, answer: { content?: T | undefined }): T {
  if (answer.content !== undefined) return answer.content;
  throw gatewayErrorFrom(
    {
      kind: 'schema_mismatch',
      issues: [{ field: 'content', message: 'the answer holds no record', rule: 'missing' }],
      body: answer,
    },
    { command, cmd: client.cmdOf(command), merchantUid: client.merchant.uid, mutating: false, attempt: 1 },
  );
}

/**
 * By the domain's status-code tables (one meaning per code, shared with the rest of the engine): succeeded and
 * attention (e.g. purchase 290, paid with a mismatch: done, but a person must look) are committed; failed is
 * rejected; pending, unknown (400, 500, A0001: the gateway will settle it) and undocumented codes are pending.
 */
export function resolutionOf<R extends { code: string }>(family: CodeFamily, result: R): Resolution<R> {
  switch (describeCode(family, result.code)?.outcome) {
    case 'succeeded':
    case 'attention':
      return { status: 'committed', result };
    case 'failed':
      return { status: 'rejected', result };
    case 'pending':
    case 'unknown':
    case undefined:
      return { status: 'pending', result };
  }
}

function storeUid(client: GatewayClient, explicit: string | undefined): string {
  return explicit ?? client.merchant.uid;
}

/**
 * A purchase (api/voucherservicepurchase) by its order_id, via api/voucherservicequery, by payment state:
 * 250/600 paid and 290 (paid, amount mismatch: review it) → committed; 100/300/380/A0002 → rejected;
 * 200/210/260/270/280 (awaiting payment), 400/500/A0001 (unknown, the gateway reports again) → pending.
 */
export async function resolveVoucherPurchase(
  client: GatewayClient,
  orderId: string,
  options?: CallOptions,
): Promise<Resolution<PurchaseState>> {
  const answer = await lookUp(() =>
    client.voucherPurchaseQuery({ store_uid: client.merchant.uid, order_id: orderId }, options),
  );
  if (answer === undefined) return { status: 'not_found' };
  const record = recordOf(client, 'voucherservicequery', answer);
  return resolutionOf('purchase', record);
}

/** A redemption (api/vouchertransaction) by its order_id, via api/voucherquery: 250 committed, 100/300 rejected. */
export async function resolveVoucherRedeem(
  client: GatewayClient,
  orderId: string,
  options?: CallOptions,
): Promise<Resolution<RedemptionState>> {
  const answer = await lookUp(() =>
    client.voucherRedeemQuery({ store_uid: client.merchant.uid, order_id: orderId }, options),
  );
  if (answer === undefined) return { status: 'not_found' };
  const record = recordOf(client, 'voucherquery', answer);
  return resolutionOf('redemption', record);
}

/** A refund (api/voucherrefund) by its refund order_id, via api/voucherrefundquery: 230 committed, 100/300 rejected. */
export async function resolveVoucherRefund(
  client: GatewayClient,
  orderId: string,
  options?: CallOptions,
): Promise<Resolution<RefundState>> {
  const answer = await lookUp(() =>
    client.voucherRefundQuery({ store_uid: client.merchant.uid, order_id: orderId }, options),
  );
  if (answer === undefined) return { status: 'not_found' };
  const record = recordOf(client, 'voucherrefundquery', answer);
  return resolutionOf('refund', record);
}

/**
 * An offline redemption (api/voucheroffline). Seed 002 documents no query for it. We ask api/voucherquery with
 * the offline order_id, on the assumption that redemptions share one order_id space per merchant; until that
 * is confirmed against the gateway, read `not_found` here as "not known to voucherquery" and prefer re-sending
 * the offline redemption with the same order_id (a duplicate order_id is refused, so the re-send is safe) or
 * settling it from the partner's POS records. Only store mode: voucherquery is a store-mode command.
 */
export async function resolveVoucherOffline(
  client: GatewayClient,
  orderId: string,
  options?: CallOptions,
): Promise<Resolution<RedemptionState>> {
  return resolveVoucherRedeem(client, orderId, options);
}

/**
 * Runs the pay-off query; `undefined` only for the gateway's explicit "no such batch" (a code of
 * `client.payoffNotFoundCodes`). Any other refusal or odd answer propagates: it says nothing about whether the
 * batch exists, and reading it as "not found" would resend, or free, what may already be paid.
 */
async function lookUpBatch<T>(client: GatewayClient, query: () => Promise<T>): Promise<T | undefined> {
  try {
    return await query();
  } catch (error) {
    const explicit =
      error instanceof GatewayError &&
      (error.reason === 'rejected' || error.reason === 'unexpected_code') &&
      error.gatewayCode !== undefined &&
      client.payoffNotFoundCodes.includes(error.gatewayCode);
    if (explicit) return undefined;
    throw error;
  }
}

/** An accepted pay-off query without a batch: an odd answer, not a "no such batch". */
function noBatchInAnswer(client: GatewayClient, answer: unknown): GatewayError {
  return gatewayErrorFrom(
    {
      kind: 'schema_mismatch',
      issues: [{ field: 'content', message: 'the answer holds no batch', rule: 'missing' }],
      body: answer,
    },
    {
      command: 'payoffquery',
      cmd: client.cmdOf('payoffquery'),
      merchantUid: client.merchant.uid,
      mutating: false,
      attempt: 1,
    },
  );
}

/**
 * A pay-off batch creation by its group_id, via the batch query: the batch exists → committed (its state, S01
 * to S05, is in `result.code`); the explicit not-found code → not_found; any other refusal throws.
 */
export async function resolvePayoffCreate(
  client: GatewayClient,
  groupId: string,
  options?: CallOptions & { readonly storeUid?: string },
): Promise<Resolution<PayoffBatchState>> {
  const answer = await lookUpBatch(client, () =>
    client.payoffQuery({ store_uid: storeUid(client, options?.storeUid), group_id: groupId }, options),
  );
  if (answer === undefined) return { status: 'not_found' };
  if (answer.content === undefined) throw noBatchInAnswer(client, answer);
  return { status: 'committed', result: answer.content };
}

/**
 * A covering remittance of `itemIds` in batch `groupId`, via the batch query. Covering only acts on items in
 * C2001/C2002 of a batch in S05, which makes it safe to send again when it did not take effect:
 *  - every item awaiting approval or remitted (C0001/C1001) → committed;
 *  - the batch still S05 and every item still failed (C2001/C2002) → not_found (send it again);
 *  - anything else (remitting, a mix) → pending. The explicit not-found code → not_found; other refusals throw.
 */
export async function resolvePayoffCovering(
  client: GatewayClient,
  groupId: string,
  itemIds: readonly string[],
  options?: CallOptions & { readonly storeUid?: string },
): Promise<Resolution<PayoffBatchState>> {
  const answer = await lookUpBatch(client, () =>
    client.payoffQuery({ store_uid: storeUid(client, options?.storeUid), group_id: groupId }, options),
  );
  if (answer === undefined) return { status: 'not_found' };
  const batch = answer.content;
  if (batch === undefined) throw noBatchInAnswer(client, answer);
  const codes = itemIds.map((id) => batch.items.find((item) => item.id === id)?.code);
  const all = (accepted: readonly string[]): boolean =>
    codes.length > 0 && codes.every((code) => code !== undefined && accepted.includes(code));
  if (all([PayoffItemCode.AwaitingApproval, PayoffItemCode.Remitted]))
    return { status: 'committed', result: batch };
  if (
    batch.code === PayoffBatchCode.PartlyRemitted &&
    all([PayoffItemCode.RemittanceFailed, PayoffItemCode.RejectedByApprover])
  ) {
    return { status: 'not_found' };
  }
  return { status: 'pending', result: batch };
}
