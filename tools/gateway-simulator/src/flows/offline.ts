import { formatTaiwanTimestamp } from '@tixclear/domain';
import { echoOf, executed, invalidData, MSG, withDetail } from '../answers';
import type { Merchant } from '../merchants';
import { SimulatorState } from '../state/store';
import type { OfflineRedemption, Voucher } from '../state/types';
import type { RequestFor } from '../validation';
import { changed, unchanged, type FlowResult, type Services } from './context';
import { recordFees } from './redemption';
import { PROBLEM_TEXT, problemOf, splitVouchers } from './vouchers';

/*
 * api/voucheroffline (seed 002 票券核銷線下交易): a POS redeems by pay token, store or dealer mode. The command
 * itself answers `B200` once executed; the redemption's own result is `content.code` (250 redeemed, 300 failed).
 * Format 1 tokens (MYTIX + 16) name one digital voucher each (the simulator gives every voucher its own token,
 * see GET /_control/state); format 2 is a JSON list of physical serials, looked up among the vouchers of
 * `issuance_uid`. No fee object in the answer (the seed has none): the clearing engine splits offline
 * redemptions itself. Decision: a gift voucher shows `cost` 0 (its 購買單價, what was paid for it) and its face
 * value as `price`, since the answer has no is_paid. Not reported (seed 002 defines no report). Seed 002 has no
 * query either: a store's online and offline redemptions share one order_id space and api/voucherquery answers
 * both (what the client's resolveVoucherOffline assumes).
 */

const DIGITAL = /^MYTIX[A-Za-z0-9]{16}$/;

type Resolution =
  { readonly ok: true; readonly vouchers: Voucher[] } | { readonly ok: false; readonly detail: string };

export function redeemOffline(
  services: Services,
  merchant: Merchant,
  request: RequestFor<'voucheroffline'>,
): FlowResult {
  const { state } = services;
  const key = SimulatorState.offlineKey(merchant.mode, merchant.uid, request.order_id);
  const online =
    merchant.mode === 'store' && state.redemptions.has(SimulatorState.key(merchant.uid, request.order_id));
  if (state.offline.has(key) || online) return unchanged(invalidData('order_id (duplicate)'));

  const now = services.clock.now();
  const found = resolve(services, request);
  // Kept for voucherquery only (the offline answer has no fee object); a missing schedule just leaves it out.
  const split = found.ok
    ? splitVouchers(
        services,
        found.vouchers,
        found.vouchers.map((v) => ({ serial_number: v.customSerialNo ?? v.serialNo })),
        now,
      )
    : undefined;
  if (found.ok) {
    for (const voucher of found.vouchers) {
      voucher.status = 'redeemed';
      voucher.redeemedBy = { kind: 'offline', orderId: request.order_id, at: now };
    }
    if (split?.ok === true) recordFees(services, found.vouchers, split.items, now, request.order_id);
  }
  const ids = services.ids();
  const uid = ids.uid();
  const verification = ids.key(32);
  const content = {
    uid: String(uid),
    key: verification,
    order_id: request.order_id,
    code: found.ok ? '250' : '300',
    msg: found.ok ? MSG.offlineRedeemed : withDetail(MSG.offlineFailed, found.detail),
    finishtime: formatTaiwanTimestamp(now),
    pay_token: typeof request.pay_token === 'string' ? request.pay_token : JSON.stringify(request.pay_token),
    pos_trade_time: request.pos_trade_time === undefined ? '' : formatTaiwanTimestamp(request.pos_trade_time),
    pos_id: request.pos_id ?? '',
    clerk_no: request.clerk_no ?? '',
    items: found.ok ? itemsOf(found.vouchers) : [],
    reimbursement_from_type: request.reimbursement_from_type ?? 1,
    reimbursement_store_uid: request.reimbursement_store_uid ?? '',
    reimbursement_dealer_no: request.reimbursement_dealer_no ?? '',
    issuance_uid: request.issuance_uid ?? '',
    reimbursement_order_id: request.reimbursement_order_id ?? '',
    issue_invoice_state: request.issue_invoice_state ?? 0,
    invoice:
      request.invoice === undefined || request.invoice === null
        ? null
        : { number: request.invoice.number, date: formatTaiwanTimestamp(request.invoice.date) },
    ...echoOf(request),
  };
  const record: OfflineRedemption = {
    merchantMode: merchant.mode,
    merchantUid: merchant.uid,
    uid,
    key: verification,
    orderId: request.order_id,
    code: found.ok ? '250' : '300',
    msg: content.msg,
    at: now,
    serials: found.ok ? found.vouchers.map((v) => v.serialNo) : [],
    redeemedItems: split?.ok === true ? split.items : [],
    echo: echoOf(request),
    content,
  };
  state.offline.set(key, record);
  return changed({ ...executed(), content });
}

function resolve(services: Services, request: RequestFor<'voucheroffline'>): Resolution {
  const entries = typeof request.pay_token === 'string' ? [request.pay_token] : request.pay_token;
  const vouchers: Voucher[] = [];
  for (const [k, entry] of entries.entries()) {
    const where = typeof request.pay_token === 'string' ? 'pay_token' : `pay_token[${k}]`;
    let voucher: Voucher | undefined;
    if (DIGITAL.test(entry)) {
      voucher = services.state.findVoucherByToken(entry);
    } else {
      const matches = services.state.findVouchersBySerial(request.issuance_uid, entry);
      if (matches.length > 1) return { ok: false, detail: `${where} ${entry}: the serial is ambiguous` };
      voucher = matches[0];
    }
    const problem = problemOf(voucher);
    if (problem !== undefined || voucher === undefined) {
      return { ok: false, detail: `${where} ${entry}: ${PROBLEM_TEXT[problem ?? 'unknown']}` };
    }
    if (vouchers.includes(voucher)) return { ok: false, detail: `${where} ${entry}: the same voucher twice` };
    vouchers.push(voucher);
  }
  return { ok: true, vouchers };
}

/** 『票券核銷線下交易產品資訊』: per issuer and product, amounts grouped by unit price, and every voucher. */
function itemsOf(vouchers: readonly Voucher[]): Record<string, unknown>[] {
  const groups = new Map<string, { head: Voucher; list: Voucher[] }>();
  for (const voucher of vouchers) {
    const key = `${voucher.issuerUid}\u0000${voucher.itemId}`;
    const group = groups.get(key) ?? { head: voucher, list: [] };
    group.list.push(voucher);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ head, list }) => {
    const products = new Map<
      string,
      { amount: number; cost: number; price: number; total_cost: number; total_price: number }
    >();
    for (const voucher of list) {
      const cost = paidCost(voucher);
      const key = `${cost}/${voucher.price}`;
      const product = products.get(key) ?? {
        amount: 0,
        cost,
        price: voucher.price,
        total_cost: 0,
        total_price: 0,
      };
      product.amount += 1;
      product.total_cost += cost;
      product.total_price += voucher.price;
      products.set(key, product);
    }
    return {
      issuance_uid: head.issuerUid,
      id: head.itemId,
      name: head.name,
      products: [...products.values()],
      vouchers: list.map((voucher) => ({
        serial_no: voucher.serialNo,
        custom_serial_no: voucher.customSerialNo ?? '',
        book_no: '',
        sales_from_type: 1,
        sales_store_uid: voucher.issuerUid,
        sales_dealer_no: '',
        cost: paidCost(voucher),
        price: voucher.price,
      })),
    };
  });
}

function paidCost(voucher: Voucher): number {
  return voucher.isPaid ? voucher.cost : 0;
}
