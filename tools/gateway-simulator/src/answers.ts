import type { Echo } from './state/types';

/*
 * The gateway's wording (from the seeds' code tables and samples), so answers read like the real ones. Tests
 * never assert on it; the detail appended after a colon names the field or voucher concerned, for people.
 */

export const MSG = {
  invalidData: '資料不正確',
  dataOk: '資料正確',
  systemError: '系統錯誤',
  executed: '執行成功',
  failed: '執行失敗',
  paid: '付款完成',
  paymentFailed: '交易失敗',
  paidMismatch: '交易成功,但金額不符',
  paymentExpired: '交易逾時',
  abandoned: '未完成交易',
  awaitingPayment: '資料正確',
  awaitingDeferred: '交易成功 尚未付款完成',
  redeemed: '核銷成功',
  redemptionFailed: '交易失敗',
  refunded: '退款成功',
  refundFailed: '退款交易失敗',
  paypageRefunded: '退款完成',
  offlineRedeemed: '核銷成功',
  offlineFailed: '核銷失敗',
} as const;

export const BATCH_MSG = {
  S01: '等待放行',
  S03: '執行批次撥款中',
  S04: '全部撥款完成',
  S05: '部分撥款完成',
} as const;
export const ITEM_MSG = {
  C0001: '等待放行',
  C1001: '撥款成功',
  C2001: '撥款失敗',
  C2002: '放行人退件',
} as const;

export function withDetail(base: string, detail: string | undefined): string {
  return detail === undefined || detail === '' ? base : `${base}: ${detail}`;
}

/** `100` 資料不正確: the request was refused and nothing changed. */
export function invalidData(detail?: string): { code: '100'; msg: string } {
  return { code: '100', msg: withDetail(MSG.invalidData, detail) };
}

/** Outer `400` 系統錯誤. */
export function systemError(detail?: string): { code: '400'; msg: string } {
  return { code: '400', msg: withDetail(MSG.systemError, detail) };
}

/** `B500` 執行失敗: executed nothing ("處理時,資料異常不予以處理"). */
export function executionFailed(detail?: string): { code: 'B500'; msg: string } {
  return { code: 'B500', msg: withDetail(MSG.failed, detail) };
}

export function executed(): { code: 'B200'; msg: string } {
  return { code: 'B200', msg: MSG.executed };
}

/** The echo fields as sent (`""` for those not sent), as every sample answer shows them. */
export function echoOf(request: Partial<Record<keyof Echo, string | undefined>>): Echo {
  return {
    echo_0: request.echo_0 ?? '',
    echo_1: request.echo_1 ?? '',
    echo_2: request.echo_2 ?? '',
    echo_3: request.echo_3 ?? '',
    echo_4: request.echo_4 ?? '',
  };
}
