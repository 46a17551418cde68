import { type BusinessDate, lastRedeemableDate, redemptionDateRefusal } from '@tixclear/domain';
import type { EntityManager } from 'typeorm';
import { OperationError, OperationErrorCode } from '../errors';

/**
 * Refuses a till redemption that names (physical serials, seed 002 format 2) a voucher of ours outside its
 * dates on Taiwan day `today` (docs/protocol.md §7), naming `pay_token[k]`: `VOUCHER_UNAVAILABLE` before the
 * gateway is asked. Serials that are not ours are the gateway's to judge. Runs in the intent's transaction, so
 * the refusal rolls the intent back and a replayed order is never refused.
 */
export async function assertSerialsRedeemable(
  tx: EntityManager,
  partnerId: string,
  serials: readonly string[],
  today: BusinessDate,
): Promise<void> {
  if (serials.length === 0) return;
  const rows = await tx.query<
    {
      serial_number: string;
      trust_start_date: string | null;
      trust_end_date: string;
      validity_end_date: string;
    }[]
  >(
    `SELECT serial_number, trust_start_date::text AS trust_start_date, trust_end_date::text AS trust_end_date,
            validity_end_date::text AS validity_end_date
       FROM vouchers WHERE partner_id = $1 AND serial_number = ANY($2::text[])`,
    [partnerId, [...new Set(serials)]],
  );
  const bySerial = new Map(
    rows.map((r) => [
      r.serial_number,
      {
        trustStartDate: r.trust_start_date,
        trustEndDate: r.trust_end_date,
        validityEndDate: r.validity_end_date,
      },
    ]),
  );
  for (const [index, serial] of serials.entries()) {
    const dates = bySerial.get(serial);
    const refusal = dates && redemptionDateRefusal(dates, today);
    if (dates && refusal) {
      throw new OperationError(
        OperationErrorCode.VoucherUnavailable,
        refusal === 'expired'
          ? `voucher ${serial} was redeemable until ${lastRedeemableDate(dates)} (Taiwan time)`
          : `voucher ${serial} is redeemable from ${dates.trustStartDate} (Taiwan time)`,
        `pay_token[${index}]`,
      );
    }
  }
}
