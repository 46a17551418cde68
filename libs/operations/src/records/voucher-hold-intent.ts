import { type BusinessDate, lastRedeemableDate, redemptionDateRefusal } from '@tixclear/domain';
import { OperationEntity } from '@tixclear/db';
import type { DataSource } from 'typeorm';
import { inProgress } from '../answers';
import { OperationError, OperationErrorCode } from '../errors';
import {
  type BeginResult,
  existingOperation,
  newUpstreamOrderId,
  type OperationIntent,
} from './operation-store';
import { preparedQuery } from './prepared-query';
import { requestHash } from '../requests/request-hash';
import { type SoldVoucher, soldVoucherOf, type SoldVoucherRow } from '../lines/sold-voucher';
import type { VoucherRef } from './voucher-holds';

/** A voucher as the hold found it: what the outcome needs (its split) without reading it again. */
export type HeldVoucher = SoldVoucher;

/**
 * The intent and the holds in ONE statement (so one round trip, and its own transaction): the named vouchers
 * are locked (in id order, so two multi-voucher requests cannot deadlock), the operation is inserted only when
 * every voucher is `issued` and of the item named, and the vouchers move `issued → <holding>` only under an
 * operation that was inserted. All or nothing: a refused request or a replayed order writes nothing.
 * A redemption (`$11`, the Taiwan day it is asked on) also needs every voucher within its dates
 * (docs/protocol.md §7, `redemptionDateRefusal` of @tixclear/domain, the same comparison): a voucher past its
 * last day is refused here, before the gateway is asked. Dates never change once a voucher is sold.
 *
 * The hold updates by id the rows this statement locked and checked at their latest version, not by
 * `state = 'issued'`: under READ COMMITTED a condition on state would be judged on the statement's snapshot,
 * which can be older than the locked row.
 */
const BEGIN_WITH_HOLDS = `
WITH wanted AS (
  SELECT * FROM unnest($8::text[], $9::text[]) AS w(serial_number, item_id)
), locked AS (
  SELECT v.id, v.serial_number, v.item_id, v.state, v.is_paid, v.cost, v.sharing_headquarters, v.sharing_sales,
    v.sharing_reimbursement, v.sales_point, v.trust_start_date::text AS trust_start_date,
    v.trust_end_date::text AS trust_end_date, v.validity_end_date::text AS validity_end_date
  FROM vouchers v
  WHERE v.partner_id = $1 AND v.serial_number = ANY($8::text[])
  ORDER BY v.id
  FOR UPDATE
), intent AS (
  INSERT INTO operations (partner_id, order_id, upstream_order_id, kind, command, request_hash, request, state)
  SELECT $1, $2, $3, $4, $5, $6, $7::jsonb, 'submitted'
  WHERE NOT EXISTS (
    SELECT 1 FROM wanted w LEFT JOIN locked l ON l.serial_number = w.serial_number
    WHERE l.id IS NULL OR l.state <> 'issued' OR l.item_id <> w.item_id
      OR $11::date < l.trust_start_date::date OR $11::date > LEAST(l.validity_end_date, l.trust_end_date)::date
  )
  ON CONFLICT DO NOTHING
  RETURNING id, created_at, updated_at
), held AS (
  UPDATE vouchers v SET state = $10, holder_operation_id = intent.id, updated_at = now()
  FROM intent
  WHERE v.id IN (SELECT id FROM locked)
  RETURNING v.id
)
SELECT i.id AS operation_id, i.created_at, i.updated_at, l.*
FROM (SELECT 1) AS one
LEFT JOIN intent i ON true
LEFT JOIN locked l ON true`;

type Row = Omit<SoldVoucherRow, 'id'> & {
  trust_start_date: string | null;
  trust_end_date: string;
  validity_end_date: string;
  operation_id: string | null;
  created_at: Date | null;
  updated_at: Date | null;
  id: string | null;
  state: string;
};

export type HoldBegin = BeginResult & { vouchers: readonly HeldVoucher[] };

/**
 * Records an operation that holds vouchers (online redemption, refund): the intent's transaction of
 * `runOperation`, as one statement. Idempotent on (partner, order_id) like {@link beginOperation}; a voucher
 * unknown, not `issued` or of another item refuses the request, naming the item at fault, and so does, with
 * `redeemableOn` (a redemption's Taiwan day), one outside its dates. A replayed order replays whatever the day.
 */
export async function beginWithHolds(
  dataSource: DataSource,
  intent: Omit<OperationIntent, 'state'>,
  items: readonly VoucherRef[],
  holding: 'redeeming' | 'refunding',
  redeemableOn?: BusinessDate,
): Promise<HoldBegin> {
  const hash = requestHash(intent.request);
  const upstreamOrderId = newUpstreamOrderId();
  const rows = await preparedQuery<Row>(dataSource, 'tixclear_begin_with_holds', BEGIN_WITH_HOLDS, [
    intent.partnerId,
    intent.orderId,
    upstreamOrderId,
    intent.kind,
    intent.command,
    hash,
    intent.request,
    items.map((i) => i.serial_number),
    items.map((i) => i.id),
    holding,
    redeemableOn ?? null,
  ]);
  const first = rows[0];
  const locked = rows.filter((r) => r.id !== null);
  if (first?.operation_id) {
    const operation = Object.assign(new OperationEntity(), {
      id: first.operation_id,
      partnerId: intent.partnerId,
      orderId: intent.orderId,
      upstreamOrderId,
      kind: intent.kind,
      command: intent.command,
      requestHash: hash,
      request: intent.request,
      state: 'submitted',
      gatewayCode: null,
      gatewayUid: null,
      gatewayKey: null,
      response: null,
      reconcileAttempts: 0,
      createdAt: first.created_at,
      updatedAt: first.updated_at,
      completedAt: null,
    });
    return { status: 'new', operation, vouchers: locked.map(heldVoucher) };
  }
  // Nothing written: the order exists already (replay, in progress or conflict), or a voucher refuses it.
  const existing = await existingOperation(dataSource.manager, intent, hash);
  if (existing) return { ...existing, vouchers: [] };
  throw refusal(items, locked, redeemableOn);
}

/** The first item at fault, in request order, as the row-by-row hold would have named it. */
function refusal(
  items: readonly VoucherRef[],
  locked: readonly Row[],
  redeemableOn: BusinessDate | undefined,
): OperationError {
  const bySerial = new Map(locked.map((r) => [r.serial_number, r]));
  for (const [index, item] of items.entries()) {
    const voucher = bySerial.get(item.serial_number);
    if (!voucher) {
      return new OperationError(
        OperationErrorCode.RequestInvalid,
        `no voucher ${item.serial_number}`,
        `items[${index}].serial_number`,
      );
    }
    if (voucher.state !== 'issued') {
      return new OperationError(
        OperationErrorCode.VoucherUnavailable,
        `voucher ${item.serial_number} is ${voucher.state}`,
        `items[${index}].serial_number`,
      );
    }
    if (voucher.item_id !== item.id) {
      return new OperationError(
        OperationErrorCode.RequestInvalid,
        `voucher ${item.serial_number} belongs to item ${voucher.item_id}`,
        `items[${index}].id`,
      );
    }
    const dates = {
      trustStartDate: voucher.trust_start_date,
      trustEndDate: voucher.trust_end_date,
      validityEndDate: voucher.validity_end_date,
    };
    const outOfDate = redeemableOn && redemptionDateRefusal(dates, redeemableOn);
    if (outOfDate) {
      return new OperationError(
        OperationErrorCode.VoucherUnavailable,
        outOfDate === 'expired'
          ? `voucher ${item.serial_number} was redeemable until ${lastRedeemableDate(dates)} (Taiwan time)`
          : `voucher ${item.serial_number} is redeemable from ${dates.trustStartDate} (Taiwan time)`,
        `items[${index}].serial_number`,
      );
    }
  }
  // Every voucher was holdable, yet nothing was inserted: the order appeared and vanished meanwhile (its
  // intent undone after a certain non-delivery). Not a refusal: the partner may simply ask again.
  return inProgress();
}

function heldVoucher(row: Row): HeldVoucher {
  return soldVoucherOf({ ...row, id: row.id as string });
}
