import { purchaseStateForCode, voucherStateForPurchase } from '@tixclear/domain';
import { OperationEntity, type PartnerContext, raiseOperatorItem, VoucherEntity } from '@tixclear/db';
import type { RequestOf, ResponseOf } from '@tixclear/gateway-client';
import type { DataSource, EntityManager } from 'typeorm';
import type { OperationAnswer } from '../answers';
import { OperationError, OperationErrorCode } from '../errors';
import type { OperationRecorder } from '../records/operation-recorder';
import { assertOwnStore, assertSerialSource } from '../requests/partner-rules';
import { gatewaySerials, hasGatewaySerials } from '../lines/gateway-serials';
import { insertPurchaseVouchers, type PurchaseVoucher } from '../records/purchase-vouchers';
import type { GatewayPort } from '../ports';
import { parseRequest, toWire } from '../requests/validation';
import { requireStorableSharing } from '../requests/sharing-precision';
import { runOperation } from './operation-flow';

type PurchaseRequest = RequestOf<'voucherservicepurchase'>;
/** The purchase report / query content: the fields that settle a purchase. */
export interface PurchaseResult {
  code: string;
  msg?: string | null;
  uid?: string | null;
  key?: string | null;
  [field: string]: unknown;
}

/**
 * Voucher purchase (`api/voucherservicepurchase`). The vouchers the partner numbers are reserved (serials
 * unique per partner) in the intent's transaction; the gateway answers with a payment URL; the purchase is
 * settled later by the gateway's report or by a query: paid issues the vouchers, a failure voids them. Vouchers
 * the gateway numbers (`is_custom_serial` 0, a store partner's general customers: docs/protocol.md §8) are
 * known only from the paid result, and recorded, issued, as it settles.
 */
export class PurchaseService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly gateway: GatewayPort,
    private readonly recorder: OperationRecorder,
  ) {}

  async purchase(partner: PartnerContext, wire: unknown): Promise<OperationAnswer> {
    const request = parseRequest('voucherservicepurchase', wire);
    assertOwnStore(partner, request.store_uid);
    assertSerialSource(partner, request);
    requireSendableCount(request);
    requireStorableSharing(request);
    const client = this.gateway.clientFor(partner);
    return runOperation(this.dataSource, this.recorder, {
      intent: {
        partnerId: partner.partner.id,
        orderId: request.order_id,
        kind: 'purchase',
        command: 'voucherservicepurchase',
        request: wire as Record<string, unknown>,
      },
      reserve: (tx, operation) => reserveVouchers(tx, partner, operation.id, request),
      call: (operation) =>
        client.voucherPurchase({
          ...request,
          store_uid: partner.partner.upstreamUid,
          order_id: operation.upstreamOrderId,
        }),
      accepted: (operation, answer) => this.recordAccepted(operation, answer),
      rejected: (operation, rejection) =>
        this.recordResult(operation, { code: rejection.code, msg: rejection.message }),
      // Reserved vouchers stay reserved until the purchase's outcome is known.
      unknownHold: ['reserved', 'reserved'],
    });
  }

  /** The gateway opened the order: the partner sends its buyer to `url`. */
  private async recordAccepted(operation: OperationEntity, accepted: ResponseOf<'voucherservicepurchase'>) {
    const body = toWire('voucherservicepurchase', accepted);
    await this.dataSource.transaction((tx) =>
      this.recorder.complete(tx, operation, {
        state: 'awaiting_payment',
        code: accepted.code,
        body,
        gateway: { uid: accepted.uid, key: accepted.key },
      }),
    );
    return body;
  }

  /**
   * Settles a purchase from a result (the call's refusal, the gateway's report, a query's content). An
   * unknown code changes nothing (escalated, not guessed); a non-final one only moves the state.
   */
  async recordResult(operation: OperationEntity, result: PurchaseResult): Promise<Record<string, unknown>> {
    const state = purchaseStateForCode(result.code);
    const body = { ...result, order_id: operation.orderId };
    if (state === undefined || state === 'outcome_unknown') return body;
    const vouchers = voucherStateForPurchase(state);
    // The vouchers the gateway numbered come with a paid result (docs/protocol.md §8), read before anything is
    // settled: a paid result that does not list them exactly settles nothing (it is queried again, and
    // escalated once overdue), so nothing is guessed.
    const numbered =
      state === 'paid' || state === 'paid_mismatch'
        ? await this.gatewayVouchers(operation, result)
        : undefined;
    if (numbered && 'problem' in numbered) return body;
    const { reportId } = await this.dataSource.transaction(async (tx) => {
      const completion = await this.recorder.complete(tx, operation, {
        state,
        code: result.code,
        body,
        gateway: { uid: result.uid ?? null, key: result.key ?? null },
        report: vouchers ? 'purchase' : undefined,
        // The purchase request's own answer (the payment URL) stays what a repeat of it gets.
        keepStoredAnswer: operation.response !== null,
      });
      if (completion.settled && vouchers) await moveReserved(tx, operation.id, vouchers);
      // Issued when paid, reserved while a mismatch waits for a person (accepting it issues them).
      if (completion.settled && numbered && numbered.vouchers.length > 0)
        await recordGatewayVouchers(tx, operation, numbered, vouchers === 'issued' ? 'issued' : 'reserved');
      // Paid with a mismatch (290): a person accepts it or refunds it (PaidMismatchActions).
      if (completion.settled && state === 'paid_mismatch') {
        await raiseOperatorItem(tx, {
          kind: 'paid_mismatch',
          reference: operation.id,
          partnerId: operation.partnerId,
          details: { orderId: operation.orderId, upstreamOrderId: operation.upstreamOrderId, result },
        });
      }
      return completion;
    });
    this.recorder.dispatch(reportId);
    return body;
  }

  /**
   * The vouchers the gateway numbered for this purchase (its items with `is_custom_serial` 0), as a paid
   * result lists them; none for a purchase the partner numbered whole. A problem when the list is not exact,
   * or names a serial the partner holds from another purchase (serials are unique per partner).
   */
  private async gatewayVouchers(
    operation: OperationEntity,
    result: PurchaseResult,
  ): Promise<{ request: PurchaseRequest; vouchers: PurchaseVoucher[] } | { problem: string }> {
    const request = parseRequest('voucherservicepurchase', operation.request);
    if (!hasGatewaySerials(request)) return { request, vouchers: [] };
    const read = gatewaySerials(request, result);
    if ('problem' in read) return read;
    const taken = await this.dataSource.query<{ serial_number: string }[]>(
      `SELECT serial_number FROM vouchers
        WHERE partner_id = $1 AND serial_number = ANY($2::text[]) AND purchase_operation_id <> $3`,
      [operation.partnerId, read.vouchers.map((v) => v.serial), operation.id],
    );
    if (taken.length > 0) return { problem: `serial ${taken[0]?.serial_number} is held by another purchase` };
    return { request, vouchers: read.vouchers };
  }

  /**
   * Closes a purchase still unpaid at the gateway's payment deadline as failed, `code` being the gateway's last
   * word on it (awaiting, 380 expired, interrupted): its vouchers void, the partner told. Only from an open state.
   */
  async closeUnpaid(operation: OperationEntity, code: string): Promise<void> {
    const body = { code, msg: 'not paid by the payment deadline', order_id: operation.orderId };
    const { reportId } = await this.dataSource.transaction(async (tx) => {
      const completion = await this.recorder.complete(tx, operation, {
        state: 'failed',
        code,
        body,
        report: 'purchase',
        keepStoredAnswer: operation.response !== null,
      });
      if (completion.settled) await moveReserved(tx, operation.id, 'void');
      return completion;
    });
    this.recorder.dispatch(reportId);
  }
}

/** The purchase's still-reserved vouchers, issued (paid) or void (failed); idempotent. */
export async function moveReserved(tx: EntityManager, operationId: string, to: 'issued' | 'void') {
  await tx
    .createQueryBuilder()
    .update(VoucherEntity)
    .set({ state: to })
    .where('purchase_operation_id = :op AND state = :reserved', { op: operationId, reserved: 'reserved' })
    .execute();
}

/**
 * Records the vouchers the gateway numbered, with their items' terms, in the transaction that settles the
 * purchase (so once). A serial another purchase took meanwhile rolls the settlement back: the next query finds
 * it and settles nothing.
 */
async function recordGatewayVouchers(
  tx: EntityManager,
  operation: OperationEntity,
  numbered: { request: PurchaseRequest; vouchers: readonly PurchaseVoucher[] },
  state: 'issued' | 'reserved',
): Promise<void> {
  const written = await insertPurchaseVouchers(tx, {
    partnerId: operation.partnerId,
    operationId: operation.id,
    request: numbered.request,
    vouchers: numbered.vouchers,
    state,
  });
  const lost = numbered.vouchers.find((v) => !written.has(v.serial));
  if (lost) throw new Error(`gateway serial ${lost.serial} was taken by another purchase meanwhile`);
}

/**
 * The most vouchers (paid and gift) one purchase may hold. The seed sets no maximum, but the gateway must take
 * the request: at 10,000 vouchers with the longest serials (32 characters) the sealed request stays near half a
 * megabyte, within the 1 MiB body a gateway takes (the simulator's limit), on every hop. Beyond it a purchase
 * would be refused upstream after we recorded it, so it is refused here, naming `items`.
 */
export const MAX_VOUCHERS_PER_PURCHASE = 10_000;

function requireSendableCount(request: PurchaseRequest): void {
  // Paid and gift vouchers, whoever numbers them (the schema holds the partner's serials to these counts).
  const count = request.items.reduce((sum, item) => sum + item.amount + item.gift_number, 0);
  if (count > MAX_VOUCHERS_PER_PURCHASE) {
    throw new OperationError(
      OperationErrorCode.RequestInvalid,
      `at most ${MAX_VOUCHERS_PER_PURCHASE} vouchers (paid and gift) per purchase`,
      'items',
    );
  }
}

/**
 * Reserves every voucher the partner numbered, in one statement (purchase-vouchers.ts). A serial already issued
 * to the partner refuses the purchase, naming it.
 */
async function reserveVouchers(
  tx: EntityManager,
  partner: PartnerContext,
  operationId: string,
  request: PurchaseRequest,
): Promise<void> {
  const rows = request.items.flatMap((item, index) => [
    ...(item.serial_numbers ?? []).map((serial) => ({ serial, isPaid: true, item: index })),
    ...(item.gift_serial_numbers ?? []).map((serial) => ({ serial, isPaid: false, item: index })),
  ]);
  const taken = await insertPurchaseVouchers(tx, {
    partnerId: partner.partner.id,
    operationId,
    request,
    vouchers: rows,
    state: 'reserved',
  });
  const clash = rows.find((row) => !taken.has(row.serial));
  if (clash) {
    // Throwing rolls back the operation and every voucher reserved with it.
    throw new OperationError(
      OperationErrorCode.RequestInvalid,
      `serial ${clash.serial} is already issued`,
      `items[${clash.item}].${clash.isPaid ? 'serial_numbers' : 'gift_serial_numbers'}`,
    );
  }
}
