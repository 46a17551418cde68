/**
 * The bench's bare two-phase redemption: per voucher, the two durable statements the design needs and the
 * gateway call between them, with nothing else (no front door, envelope, validation or framework). Each step
 * is the engine's own function, called directly:
 *  1. `beginWithHolds`: the intent and the hold, one prepared statement;
 *  2. `GatewayClient.voucherRedeem`: a real `api/vouchertransaction` to the simulator, node:http keep-alive;
 *  3. `settleWithLines`: the outcome with its lines, report outbox and the vouchers' move, one statement.
 * So the API's rate over this loop's is what the API's layers cost, the durable work being the same.
 */
import { taiwanBusinessDate } from '@tixclear/domain';
import type { PartnerContext } from '@tixclear/db';
import { GatewayClient } from '@tixclear/gateway-client';
import { toWire } from '@tixclear/operations';
import type { DataSource } from 'typeorm';
// Internal modules of libs/operations, not in its public index: the very statements the API runs, reached
// from a bench only (production code goes through the index).
/* eslint-disable @nx/enforce-module-boundaries */
import { feeBooks } from '../../libs/operations/src/lines/fee-check';
import {
  matchReported,
  redeemedCompletion,
  redemptionLine,
} from '../../libs/operations/src/lines/redeemed-vouchers';
import { OPEN_STATES } from '../../libs/operations/src/records/operation-recorder';
import { settleWithLines } from '../../libs/operations/src/records/outcome-statement';
import { beginWithHolds } from '../../libs/operations/src/records/voucher-hold-intent';
/* eslint-enable @nx/enforce-module-boundaries */

/** One redemption of `serial` under `orderId`; undefined when it is redeemed, else why not. */
export type Redeemer = (serial: string, orderId: string) => Promise<string | undefined>;

export function twoPhaseRedeemer(
  dataSource: DataSource,
  partner: PartnerContext,
  gatewayUrl: string,
): Redeemer {
  const client = new GatewayClient({
    baseUrl: gatewayUrl,
    merchant: {
      mode: partner.partner.upstreamMode,
      uid: partner.partner.upstreamUid,
      keyRing: partner.upstream,
    },
  });
  const store = partner.partner.partnerUid;
  return async (serial, orderId) => {
    const items = [{ id: 'H01', serial_number: serial }];
    const request = { store_uid: store, order_id: orderId, user_id: 'bench', ip: '127.0.0.1', items };
    const intent = {
      partnerId: partner.partner.id,
      orderId,
      kind: 'redemption',
      command: 'vouchertransaction',
      request,
    } as const;
    const now = new Date();
    const begun = await beginWithHolds(dataSource, intent, items, 'redeeming', taiwanBusinessDate(now));
    if (begun.status !== 'new') return `not new: ${begun.status}`;
    const { operation, vouchers } = begun;
    const answer = await client.voucherRedeem({
      ...request,
      store_uid: partner.partner.upstreamUid,
      order_id: operation.upstreamOrderId,
    });
    const body = { ...toWire('vouchertransaction', answer), order_id: orderId };
    const redeemedAt = answer.reimbursement_date ?? new Date();
    const businessDate = taiwanBusinessDate(redeemedAt);
    const book = await feeBooks.bookFor(dataSource, partner.partner.issuerId);
    const { matched, unheld, omitted } = matchReported(
      vouchers,
      (answer.items ?? []).map((item) => ({
        serial: String(item.serial_number),
        itemId: String(item.id),
        isPaid: item.is_paid === 1,
        gatewayFee: item.fee ?? null,
        gatewaySharing: item.sharing ?? null,
      })),
    );
    if (unheld.length > 0 || omitted.length > 0) return 'the answer named other vouchers';
    const place = {
      operationId: operation.id,
      partnerId: partner.partner.id,
      issuerId: partner.partner.issuerId,
      redemptionPoint: `store:${store}`,
      redeemedAt,
      businessDate,
    };
    const { settled } = await settleWithLines(dataSource, {
      operationId: operation.id,
      completion: redeemedCompletion(answer, body),
      completedAt: new Date(),
      openStates: OPEN_STATES,
      lines: matched.map((pair) => redemptionLine(book, place, pair)),
      vouchers: [['redeeming', 'redeem_unknown'], 'redeemed'],
    });
    return settled ? undefined : 'not settled';
  };
}
