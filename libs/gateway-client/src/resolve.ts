import type { CallOptions, GatewayClient } from './client';
import { GatewayRejectedError } from './errors';
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
 * The seeds document no "not found" code; a query answered with 100 or B500 (its only inputs being our ids)
 * is read as not found. Other errors (unavailable, invalid answer) propagate: try again later.
 */

export type Resolution<R> =
  | { readonly status: 'committed'; readonly result: R }
  | { readonly status: 'rejected'; readonly result: R }
  | { readonly status: 'pending'; readonly result: R }
  | { readonly status: 'not_found' };

/** Runs a query; a refusal means "not found". */
async function lookUp<T>(query: () => Promise<T>): Promise<T | undefined> {
  try {
    return await query();
  } catch (error) {
    if (error instanceof GatewayRejectedError) return undefined;
    throw error;
  }
}

/**
 * By the domain's status-code tables (one meaning per code, shared with the rest of the engine): succeeded and
 * attention (e.g. purchase 290, paid with a mismatch: done, but a person must look) are committed; failed is
 * rejected; pending, unknown (400, 500, A0001: the gateway will settle it) and undocumented codes are pending.
 */
function classify<R>(result: R, family: CodeFamily, code: string): Resolution<R> {
  const outcome = describeCode(family, code)?.outcome;
  switch (outcome) {
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
  if (answer?.content === undefined) return { status: 'not_found' };
  return classify(answer.content, 'purchase', answer.content.code);
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
  if (answer?.content === undefined) return { status: 'not_found' };
  return classify(answer.content, 'redemption', answer.content.code);
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
  if (answer?.content === undefined) return { status: 'not_found' };
  return classify(answer.content, 'refund', answer.content.code);
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
 * A pay-off batch creation by its group_id, via the batch query: the batch exists → committed (its state, S01
 * to S05, is in `result.code`); unknown → not_found.
 */
export async function resolvePayoffCreate(
  client: GatewayClient,
  groupId: string,
  options?: CallOptions & { readonly storeUid?: string },
): Promise<Resolution<PayoffBatchState>> {
  const answer = await lookUp(() =>
    client.payoffQuery({ store_uid: storeUid(client, options?.storeUid), group_id: groupId }, options),
  );
  if (answer?.content === undefined) return { status: 'not_found' };
  return { status: 'committed', result: answer.content };
}

/**
 * A covering remittance of `itemIds` in batch `groupId`, via the batch query. Covering only acts on items in
 * C2001/C2002 of a batch in S05, which makes it safe to send again when it did not take effect:
 *  - every item awaiting approval or remitted (C0001/C1001) → committed;
 *  - the batch still S05 and every item still failed (C2001/C2002) → not_found (send it again);
 *  - anything else (remitting, a mix) → pending. No such batch → not_found.
 */
export async function resolvePayoffCovering(
  client: GatewayClient,
  groupId: string,
  itemIds: readonly string[],
  options?: CallOptions & { readonly storeUid?: string },
): Promise<Resolution<PayoffBatchState>> {
  const answer = await lookUp(() =>
    client.payoffQuery({ store_uid: storeUid(client, options?.storeUid), group_id: groupId }, options),
  );
  const batch = answer?.content;
  if (batch === undefined) return { status: 'not_found' };
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
