import { purchaseStateForCode, voucherStateForPurchase } from '@tixclear/domain';
import { OperationEntity, type PartnerContext, raiseOperatorItem, VoucherEntity } from '@tixclear/db';
import type { RequestOf, ResponseOf } from '@tixclear/gateway-client';
import type { DataSource, EntityManager } from 'typeorm';
import type { OperationAnswer } from '../answers';
import { OperationError, OperationErrorCode } from '../errors';
import type { OperationRecorder } from '../records/operation-recorder';
import { assertOwnStore } from '../requests/partner-rules';
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
 * Voucher purchase (`api/voucherservicepurchase`). The vouchers are reserved (custom serials, unique per
 * partner) in the intent's transaction; the gateway answers with a payment URL; the purchase is settled later
 * by the gateway's report or by a query: paid issues the vouchers, a failure voids them.
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
    requireCustomSerials(request);
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
 * The engine tracks every voucher by its serial, so partners (platform customers, who must use custom
 * serials per the seed) name them: `is_custom_serial` 1 with `serial_numbers` (and `gift_serial_numbers`).
 */
function requireCustomSerials(request: PurchaseRequest): void {
  for (const [index, item] of request.items.entries()) {
    if (item.is_custom_serial !== 1) {
      throw new OperationError(
        OperationErrorCode.RequestInvalid,
        'platform partners must send their own serials (is_custom_serial 1)',
        `items[${index}].is_custom_serial`,
      );
    }
  }
}

/**
 * The most vouchers (paid and gift) one purchase may hold. The seed sets no maximum, but the gateway must take
 * the request: at 10,000 vouchers with the longest serials (32 characters) the sealed request stays near half a
 * megabyte, within the 1 MiB body a gateway takes (the simulator's limit), on every hop. Beyond it a purchase
 * would be refused upstream after we recorded it, so it is refused here, naming `items`.
 */
export const MAX_VOUCHERS_PER_PURCHASE = 10_000;

function requireSendableCount(request: PurchaseRequest): void {
  const count = request.items.reduce(
    (sum, item) => sum + (item.serial_numbers?.length ?? 0) + (item.gift_serial_numbers?.length ?? 0),
    0,
  );
  if (count > MAX_VOUCHERS_PER_PURCHASE) {
    throw new OperationError(
      OperationErrorCode.RequestInvalid,
      `at most ${MAX_VOUCHERS_PER_PURCHASE} vouchers (paid and gift) per purchase`,
      'items',
    );
  }
}

/**
 * Reserves every voucher of the purchase in ONE statement whatever their number: the serials travel as arrays
 * and the items' terms as one JSON parameter (7 parameters in all), so no purchase, however large, can
 * exceed PostgreSQL's 65,535 bind parameters (a row-per-value INSERT fails past ~3,800 vouchers). A serial
 * already issued to the partner is skipped by the unique index and reported.
 */
const RESERVE_VOUCHERS_SQL = `
  INSERT INTO vouchers (partner_id, purchase_operation_id, item_id, item_name, serial_number, is_paid, price, cost,
    sharing_headquarters, sharing_sales, sharing_reimbursement, trust_start_date, trust_end_date, validity_end_date,
    sales_point, state, holder_operation_id)
  SELECT $1::uuid, $2::uuid, i.id, i.name, s.serial, s.is_paid, i.price, i.cost, i.headquarters, i.sales,
    i.reimbursement, i.trust_start_date, i.trust_end_date, i.validity_end_date, $3, 'reserved', NULL
  FROM unnest($4::text[], $5::boolean[], $6::int[]) AS s(serial, is_paid, item)
  JOIN jsonb_to_recordset($7::jsonb) AS i(n int, id text, name text, price bigint, cost bigint,
    headquarters numeric, sales numeric, reimbursement numeric, trust_start_date date, trust_end_date date,
    validity_end_date date)
    ON i.n = s.item
  ON CONFLICT DO NOTHING
  RETURNING serial_number`;

async function reserveVouchers(
  tx: EntityManager,
  partner: PartnerContext,
  operationId: string,
  request: PurchaseRequest,
): Promise<void> {
  const rows = request.items.flatMap((item, index) => [
    ...(item.serial_numbers ?? []).map((serial) => ({ serial, isPaid: true, index })),
    ...(item.gift_serial_numbers ?? []).map((serial) => ({ serial, isPaid: false, index })),
  ]);
  // Money is whole TWD (safe integers), so JSON numbers carry it exactly; ratios stay decimal strings.
  const items = request.items.map((item, index) => ({
    n: index,
    id: item.id,
    name: item.name,
    price: item.price,
    cost: item.cost,
    headquarters: item.sharing.headquarters,
    sales: item.sharing.sales,
    reimbursement: item.sharing.reimbursement,
    trust_start_date: isoDate(item.trust_start_date),
    trust_end_date: isoDate(item.trust_end_date),
    // A missing validity end defaults to the end of the trust period.
    validity_end_date: isoDate(item.validity_end_date ?? item.trust_end_date),
  }));
  const inserted = await tx.query<{ serial_number: string }[]>(RESERVE_VOUCHERS_SQL, [
    partner.partner.id,
    operationId,
    request.store_uid,
    rows.map((row) => row.serial),
    rows.map((row) => row.isPaid),
    rows.map((row) => row.index),
    JSON.stringify(items),
  ]);
  const taken = new Set(inserted.map((r) => r.serial_number));
  const clash = rows.find((row) => !taken.has(row.serial));
  if (clash) {
    // Throwing rolls back the operation and every voucher reserved with it.
    throw new OperationError(
      OperationErrorCode.RequestInvalid,
      `serial ${clash.serial} is already issued`,
      `items[${clash.index}].${clash.isPaid ? 'serial_numbers' : 'gift_serial_numbers'}`,
    );
  }
}

/** YYYYMMDD → YYYY-MM-DD for a date column. */
function isoDate(yyyymmdd: string): string {
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}
