import { formatTaiwanTimestamp } from '@tixclear/domain';
import { echoOf, executed, executionFailed, invalidData, MSG, systemError, withDetail } from '../answers';
import type { Merchant } from '../merchants';
import { SimulatorState } from '../state/store';
import type { OfflineRedemption, RedeemedVoucherAnswer, Redemption, Voucher } from '../state/types';
import type { RequestFor } from '../validation';
import { changed, unchanged, type FlowResult, type Services } from './context';
import { lookupActive, splitVouchers } from './vouchers';

/*
 * api/vouchertransaction and api/voucherquery (seed 000 票券核銷交易 / 查詢). A redemption is all or nothing:
 * every voucher must be the merchant's, paid for and unused, or none is redeemed and the answer is `300`.
 * Failed redemptions are recorded too (the query answers their `300`), so an order_id is used once either way.
 * The `fee` of each voucher is the issuer's fee schedule on the redemption day, computed by libs/fee-engine.
 */

export function redeem(
  services: Services,
  merchant: Merchant,
  request: RequestFor<'vouchertransaction'>,
): FlowResult {
  const { state } = services;
  const key = SimulatorState.key(merchant.uid, request.order_id);
  // Online and offline redemptions of a store share one order_id space (see offline.ts).
  if (
    state.redemptions.has(key) ||
    state.offline.has(SimulatorState.offlineKey('store', merchant.uid, request.order_id))
  ) {
    return unchanged(invalidData('order_id (duplicate)'));
  }

  const now = services.clock.now();
  const found = lookupActive(services, merchant.uid, request.items);
  let items: RedeemedVoucherAnswer[] = [];
  if (found.ok) {
    // Fees first: a missing fee schedule is our configuration's fault and must leave nothing half done.
    const split = splitVouchers(services, found.vouchers, request.items, now);
    if (!split.ok) return unchanged(systemError(split.detail));
    items = split.items;
    for (const voucher of found.vouchers) {
      voucher.status = 'redeemed';
      voucher.redeemedBy = { kind: 'online', orderId: request.order_id, at: now };
    }
    recordFees(services, found.vouchers, items, now, request.order_id);
  }
  const ids = services.ids();
  const record: Redemption = {
    merchantUid: merchant.uid,
    uid: ids.uid(),
    key: ids.key(32),
    orderId: request.order_id,
    userId: request.user_id,
    ip: request.ip,
    code: found.ok ? '250' : '300',
    msg: found.ok ? MSG.redeemed : withDetail(MSG.redemptionFailed, found.detail),
    at: now,
    items,
    echo: echoOf(request),
  };
  state.redemptions.set(key, record);
  const answer = redemptionAnswer(record);
  services.report(merchant, 'vouchertransaction', answer);
  return changed(answer);
}

/**
 * The fees the gateway keeps on a redemption: escrow_fee + gateway_fee of each paid voucher, out of the holdings
 * of the voucher's issuer. `items` are the split of `vouchers`, in the same order.
 */
export function recordFees(
  services: Services,
  vouchers: readonly Voucher[],
  items: readonly RedeemedVoucherAnswer[],
  at: Date,
  orderId: string,
): void {
  for (const [index, item] of items.entries()) {
    const issuer = vouchers[index]?.issuerUid;
    if (item.is_paid !== 1 || issuer === undefined) continue;
    const kept = item.fee.escrow_fee + item.fee.gateway_fee;
    services.state.holdings.record(issuer, 'redemption_fees', -kept, at, orderId);
  }
}

/** 『票券核銷交易』回傳欄位, also the report (『票券核銷交易回傳資訊』). */
function redemptionAnswer(record: Redemption): Record<string, unknown> {
  return {
    code: record.code,
    msg: record.msg,
    uid: String(record.uid),
    key: record.key,
    order_id: record.orderId,
    reimbursement_date: record.code === '250' ? formatTaiwanTimestamp(record.at) : '',
    items: record.items,
    ...record.echo,
  };
}

export function redemptionQuery(
  services: Services,
  merchant: Merchant,
  request: RequestFor<'voucherquery'>,
): FlowResult {
  const record =
    services.state.redemptions.get(SimulatorState.key(merchant.uid, request.order_id)) ??
    offlineAsRedemption(
      services.state.offline.get(SimulatorState.offlineKey('store', merchant.uid, request.order_id)),
    );
  if (record === undefined) return unchanged(executionFailed('order_id (no such redemption)'));
  const { code, msg, uid, key, order_id, reimbursement_date, items, ...echo } = redemptionAnswer(record);
  // 『票券核銷訂單查詢內容回傳』 lists order_id first; same fields otherwise.
  return unchanged({
    ...executed(),
    content: { order_id, uid, key, code, msg, reimbursement_date, items, ...echo },
  });
}

/**
 * An offline redemption seen through voucherquery. Seed 002 gives voucheroffline no query; the client resolves
 * a lost offline answer with voucherquery (libs/gateway-client resolve.ts), so the simulator answers it, with
 * the split of each voucher as for an online redemption.
 */
function offlineAsRedemption(offline: OfflineRedemption | undefined): Redemption | undefined {
  if (offline === undefined) return undefined;
  return {
    merchantUid: offline.merchantUid,
    uid: offline.uid,
    key: offline.key,
    orderId: offline.orderId,
    userId: '',
    ip: '',
    code: offline.code,
    msg: offline.msg,
    at: offline.at,
    items: offline.redeemedItems,
    echo: offline.echo,
  };
}
