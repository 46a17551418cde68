import type { RedemptionLineEntity } from '@tixclear/db';
import type { EntityManager } from 'typeorm';

export type NewRedemptionLine = Omit<RedemptionLineEntity, 'id' | 'createdAt'>;

/**
 * The INSERT of redemption lines from one JSON array parameter (`$n`, built by {@link linesParameter}): one
 * statement for any number of lines, and a fragment the online outcome's single statement embeds. A line
 * already written (the same outcome learnt twice: our call's answer, a report, a query) is skipped by the unique
 * (partner, serial) index, which is also the last word against a double redemption. The voucher's product name
 * and sharing as sold are copied onto the line here, for settlement: each line's voucher is looked up by its
 * key (`OFFSET 0` keeps the lookup a subquery of its own; joined flat, the planner, which guesses 100 lines for
 * any JSON array, hashed the whole vouchers table for each redemption while it was small enough to look cheap).
 */
export function insertLinesSql(parameter: string): string {
  return `INSERT INTO redemption_lines (operation_id, partner_id, voucher_id, serial_number, item_id, is_paid, cost,
      gateway_sharing, gateway_fee, our_fee, fee_issue, sales_point, redemption_point, redeemed_at, business_date,
      item_name, sharing_headquarters, sharing_sales, sharing_reimbursement)
    SELECT l.operation_id, l.partner_id, l.voucher_id, l.serial_number, l.item_id, l.is_paid, l.cost, l.gateway_sharing,
      l.gateway_fee, l.our_fee, l.fee_issue, l.sales_point, l.redemption_point, l.redeemed_at, l.business_date,
      v.item_name, v.sharing_headquarters, v.sharing_sales, v.sharing_reimbursement
    FROM jsonb_to_recordset(${parameter}::jsonb) AS l(operation_id uuid, partner_id uuid, voucher_id uuid,
      serial_number text, item_id text, is_paid boolean, cost bigint, gateway_sharing jsonb, gateway_fee jsonb,
      our_fee jsonb, fee_issue text, sales_point text, redemption_point text, redeemed_at timestamptz,
      business_date date)
    LEFT JOIN LATERAL (
      SELECT v.item_name, v.sharing_headquarters, v.sharing_sales, v.sharing_reimbursement
        FROM vouchers v WHERE v.id = l.voucher_id OFFSET 0) v ON true
    ON CONFLICT DO NOTHING`;
}

/**
 * The lines as the JSON {@link insertLinesSql} reads. Money is whole TWD (safe integers, checked when read back
 * by the entity's column transformer), so JSON numbers carry it exactly.
 */
export function linesParameter(lines: readonly NewRedemptionLine[]): string {
  return JSON.stringify(
    lines.map((line) => ({
      operation_id: line.operationId,
      partner_id: line.partnerId,
      voucher_id: line.voucherId,
      serial_number: line.serialNumber,
      item_id: line.itemId,
      is_paid: line.isPaid,
      cost: line.cost,
      gateway_sharing: line.gatewaySharing,
      gateway_fee: line.gatewayFee,
      our_fee: line.ourFee,
      fee_issue: line.feeIssue,
      sales_point: line.salesPoint,
      redemption_point: line.redemptionPoint,
      redeemed_at: line.redeemedAt.toISOString(),
      business_date: line.businessDate,
    })),
  );
}

/** Writes redeemed vouchers in one multi-row insert, inside the caller's transaction. */
export async function insertRedemptionLines(
  tx: EntityManager,
  lines: readonly NewRedemptionLine[],
): Promise<void> {
  if (lines.length === 0) return;
  await tx.query(insertLinesSql('$1'), [linesParameter(lines)]);
}
