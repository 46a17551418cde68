import { twdColumn } from '@tixclear/db';

/** A voucher as we sold it (our record, written at purchase): the values a redemption line takes. */
export interface SoldVoucher {
  id: string;
  serialNumber: string;
  itemId: string;
  isPaid: boolean;
  cost: number;
  sharingHeadquarters: string;
  sharingSales: string;
  sharingReimbursement: string;
  salesPoint: string;
}

/** Its columns as a raw statement returns them: money and shares as text, read exactly. */
export interface SoldVoucherRow {
  id: string;
  serial_number: string;
  item_id: string;
  is_paid: boolean;
  cost: string;
  sharing_headquarters: string;
  sharing_sales: string;
  sharing_reimbursement: string;
  sales_point: string;
}

/** The select list of a {@link SoldVoucherRow} from a relation with the voucher's columns. */
export const SOLD_VOUCHER_COLUMNS = `id, serial_number, item_id, is_paid, cost::text AS cost,
  sharing_headquarters::text AS sharing_headquarters, sharing_sales::text AS sharing_sales,
  sharing_reimbursement::text AS sharing_reimbursement, sales_point`;

/** The voucher of a row; the cost is checked to be a safe whole TWD amount by the column's transformer. */
export function soldVoucherOf(row: SoldVoucherRow): SoldVoucher {
  return {
    id: row.id,
    serialNumber: row.serial_number,
    itemId: row.item_id,
    isPaid: row.is_paid,
    cost: twdColumn.from(row.cost) as number,
    sharingHeadquarters: row.sharing_headquarters,
    sharingSales: row.sharing_sales,
    sharingReimbursement: row.sharing_reimbursement,
    salesPoint: row.sales_point,
  };
}
