import type { DataSource, EntityManager } from 'typeorm';

export interface SyntheticDay {
  partnerId: string;
  businessDate: string;
  vouchers: number;
}

/**
 * Writes a day of redeemed vouchers straight into the database, server-side (generate_series), for tests and
 * benchmarks that need volume: one paid purchase operation holding `vouchers` vouchers of the seed's sample
 * item (value 50, sharing 0.15/0.1/0.75), every voucher redeemed online on `businessDate` with the split the
 * sample schedule gives (the seed's figures: HQ 7, sales 5, reimbursement 35, fees 1/1/1). Every `giftEvery`-th
 * voucher is a gift. With `redeemed: false` the vouchers stay issued, for {@link redeemSyntheticVouchers}
 * later. The partner must exist with the sample schedule and points (ensureSamplePartner). On an entity manager
 * already in a transaction, the day is written inside it (a savepoint). Returns the purchase's id.
 */
export async function writeSyntheticDay(
  dataSource: DataSource | EntityManager,
  day: SyntheticDay & { giftEvery?: number; prefix?: string; redeemed?: boolean },
): Promise<string> {
  const prefix = day.prefix ?? `B${day.businessDate.replace(/-/g, '')}`;
  const giftEvery = day.giftEvery ?? 0;
  const [partner] = await dataSource.query<[{ partner_uid: string }]>(
    `SELECT partner_uid FROM partners WHERE id = $1`,
    [day.partnerId],
  );
  return dataSource.transaction(async (tx) => {
    const purchaseId = await syntheticOperation(tx, day.partnerId, prefix, day.businessDate, 'purchase');
    const redemptionId =
      day.redeemed === false
        ? null
        : await syntheticOperation(tx, day.partnerId, prefix, day.businessDate, 'redemption');
    await tx.query(
      `INSERT INTO vouchers (partner_id, purchase_operation_id, item_id, item_name, serial_number, is_paid, price, cost,
                             sharing_headquarters, sharing_sales, sharing_reimbursement, trust_end_date,
                             validity_end_date, sales_point, state, holder_operation_id)
       SELECT $1, $2, 'H01', '用餐券', $3 || g, NOT ($5 > 0 AND g % $5 = 0), 50, 50, 0.15, 0.1, 0.75,
              $6::date + 364, $6::date + 364, $7, CASE WHEN $8::uuid IS NULL THEN 'issued' ELSE 'redeemed' END, $8
         FROM generate_series(1, $4) AS g`,
      [
        day.partnerId,
        purchaseId,
        prefix,
        day.vouchers,
        giftEvery,
        day.businessDate,
        partner.partner_uid,
        redemptionId,
      ],
    );
    if (redemptionId) await insertLines(tx, redemptionId, partner.partner_uid, day.businessDate);
    return purchaseId;
  });
}

/**
 * Redeems online on `businessDate`, as {@link writeSyntheticDay} does, the issued vouchers of the partner with
 * the given serials: one redemption operation (order `<prefix>R`), the vouchers moved to `redeemed`, a line each.
 */
export async function redeemSyntheticVouchers(
  dataSource: DataSource | EntityManager,
  redemption: { partnerId: string; businessDate: string; serials: readonly string[]; prefix: string },
): Promise<void> {
  const [partner] = await dataSource.query<[{ partner_uid: string }]>(
    `SELECT partner_uid FROM partners WHERE id = $1`,
    [redemption.partnerId],
  );
  await dataSource.transaction(async (tx) => {
    const id = await syntheticOperation(
      tx,
      redemption.partnerId,
      redemption.prefix,
      redemption.businessDate,
      'redemption',
    );
    await tx.query(
      `UPDATE vouchers SET state = 'redeemed', holder_operation_id = $1
        WHERE partner_id = $2 AND state = 'issued' AND serial_number = ANY($3::text[])`,
      [id, redemption.partnerId, [...redemption.serials]],
    );
    await insertLines(tx, id, partner.partner_uid, redemption.businessDate);
  });
}

/** The two operations of a synthetic day, as their outcomes leave them, completed at their hour (Taiwan time). */
const SYNTHETIC_OPERATIONS = {
  purchase: { suffix: 'P', command: 'voucherservicepurchase', state: 'paid', hour: '09:00' },
  redemption: { suffix: 'R', command: 'vouchertransaction', state: 'succeeded', hour: '12:00' },
} as const;

/** A paid purchase (order `<prefix>P`) or a succeeded online redemption (`<prefix>R`) of `businessDate`. */
async function syntheticOperation(
  tx: EntityManager,
  partnerId: string,
  prefix: string,
  businessDate: string,
  kind: keyof typeof SYNTHETIC_OPERATIONS,
): Promise<string> {
  const { suffix, command, state, hour } = SYNTHETIC_OPERATIONS[kind];
  const [operation] = await tx.query<[{ id: string }]>(
    `INSERT INTO operations (partner_id, order_id, upstream_order_id, kind, command, request_hash, request, state,
                             gateway_code, completed_at)
     VALUES ($1, $2, $3, $4, $5, 'synthetic', '{}'::jsonb, $6, '250', ($7::date + $8::time) AT TIME ZONE 'Asia/Taipei')
     RETURNING id`,
    [partnerId, `${prefix}${suffix}`, `${prefix}U${suffix}`, kind, command, state, businessDate, hour],
  );
  return operation.id;
}

/** A redemption line for each voucher the redemption holds, with the split the sample schedule gives. */
async function insertLines(
  tx: EntityManager,
  redemptionId: string,
  partnerUid: string,
  businessDate: string,
): Promise<void> {
  await tx.query(
    `INSERT INTO redemption_lines (operation_id, partner_id, voucher_id, serial_number, item_id, is_paid, cost,
                                   gateway_sharing, gateway_fee, our_fee, fee_issue, sales_point, redemption_point,
                                   redeemed_at, business_date, item_name, sharing_headquarters, sharing_sales,
                                   sharing_reimbursement)
     SELECT $1, v.partner_id, v.id, v.serial_number, 'H01', v.is_paid, 50, NULL, NULL,
            CASE WHEN v.is_paid
              THEN '{"cost":50,"gateway_fee":1,"escrow_fee":1,"issuance_layer":2,"issuance_fee":1,"headquarters":7,"sales":5,"reimbursement":35}'::jsonb
              ELSE '{"cost":50,"gateway_fee":0,"escrow_fee":0,"issuance_layer":2,"issuance_fee":0,"headquarters":0,"sales":0,"reimbursement":0}'::jsonb
            END,
            NULL, 'store:' || $2, 'store:' || $2, ($3::date + time '12:00') AT TIME ZONE 'Asia/Taipei', $3::date,
            v.item_name, v.sharing_headquarters, v.sharing_sales, v.sharing_reimbursement
       FROM vouchers v WHERE v.holder_operation_id = $1`,
    [redemptionId, partnerUid, businessDate],
  );
}
