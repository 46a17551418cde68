import type { RequestOf } from '@tixclear/gateway-client';
import type { EntityManager } from 'typeorm';

type PurchaseRequest = RequestOf<'voucherservicepurchase'>;

/** One voucher of a purchase: its serial, paid or gift, and its item's index in the request. */
export interface PurchaseVoucher {
  serial: string;
  isPaid: boolean;
  item: number;
}

/**
 * Writes vouchers of a purchase in ONE statement whatever their number: the serials travel as arrays and the
 * items' terms as one JSON parameter (8 parameters in all), so no purchase, however large, can exceed
 * PostgreSQL's 65,535 bind parameters (a row-per-value INSERT fails past ~3,800 vouchers). A serial the
 * partner holds already is skipped by the unique index: the caller compares what was written.
 */
const INSERT_VOUCHERS_SQL = `
  INSERT INTO vouchers (partner_id, purchase_operation_id, item_id, item_name, serial_number, is_paid, price, cost,
    sharing_headquarters, sharing_sales, sharing_reimbursement, trust_start_date, trust_end_date, validity_end_date,
    sales_point, state, holder_operation_id)
  SELECT $1::uuid, $2::uuid, i.id, i.name, s.serial, s.is_paid, i.price, i.cost, i.headquarters, i.sales,
    i.reimbursement, i.trust_start_date, i.trust_end_date, i.validity_end_date, $3, $8, NULL
  FROM unnest($4::text[], $5::boolean[], $6::int[]) AS s(serial, is_paid, item)
  JOIN jsonb_to_recordset($7::jsonb) AS i(n int, id text, name text, price bigint, cost bigint,
    headquarters numeric, sales numeric, reimbursement numeric, trust_start_date date, trust_end_date date,
    validity_end_date date)
    ON i.n = s.item
  ON CONFLICT DO NOTHING
  RETURNING serial_number`;

/**
 * Writes the vouchers with the terms of their items (value, sharing, dates; the sales point is the request's
 * store) in `state`; returns the serials written.
 */
export async function insertPurchaseVouchers(
  tx: EntityManager,
  purchase: {
    partnerId: string;
    operationId: string;
    request: PurchaseRequest;
    vouchers: readonly PurchaseVoucher[];
    state: 'reserved' | 'issued';
  },
): Promise<Set<string>> {
  const { request, vouchers } = purchase;
  if (vouchers.length === 0) return new Set();
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
  const inserted = await tx.query<{ serial_number: string }[]>(INSERT_VOUCHERS_SQL, [
    purchase.partnerId,
    purchase.operationId,
    request.store_uid,
    vouchers.map((v) => v.serial),
    vouchers.map((v) => v.isPaid),
    vouchers.map((v) => v.item),
    JSON.stringify(items),
    purchase.state,
  ]);
  return new Set(inserted.map((r) => r.serial_number));
}

/** YYYYMMDD → YYYY-MM-DD for a date column. */
function isoDate(yyyymmdd: string): string {
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}
