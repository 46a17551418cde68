import { formatTaiwanTimestamp } from '@tixclear/domain';
import type { DeferredPayment } from '../state/types';

/*
 * Deferred payments (seed 001 附錄二): choosing a convenience-store code (260), a virtual account (270) or
 * WEBATM (280) on the payment page does not pay; it hands the buyer the codes of 『ibon』/『超商條碼繳費』/
 * 『虛擬帳號回傳欄位』 and the order waits ("交易成功 尚未付款完成") until the money arrives (250), the deadline
 * passes (380), or the amount is wrong (290). The codes are made from the order's uid: unique and repeatable.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
/** `limit_pay_days` when the order does not say (decision: the seed gives no default). */
export const DEFAULT_LIMIT_PAY_DAYS = 7;
/** The simulated bank of virtual accounts (台灣銀行). */
const BANK_CODE = '004';

/** The waiting code of a payment tool, or undefined when it pays at once. */
export function deferredCodeOf(pfn: string): DeferredPayment['code'] | undefined {
  switch (pfn) {
    case 'CSTORECODE':
    case 'BARCODE':
      return '260';
    case 'E_COLLECTION':
      return '270';
    case 'WEBATM':
      return '280';
    default:
      return undefined;
  }
}

export function deferredPayment(
  pfn: string,
  uid: number,
  now: Date,
  limitPayDays: number,
): DeferredPayment | undefined {
  const code = deferredCodeOf(pfn);
  if (code === undefined) return undefined;
  const expiresAt = new Date(now.getTime() + Math.max(1, limitPayDays) * DAY_MS);
  const limit = formatTaiwanTimestamp(expiresAt);
  const digits = String(uid).padStart(11, '0');
  const barcodes = {
    BarCode1: `${limit.slice(2, 8)}SIM`,
    BarCode2: `SIM${digits}`,
    BarCode3: `${limit.slice(4, 8)}${digits.slice(-6)}`,
  };
  switch (pfn) {
    case 'E_COLLECTION':
      return {
        code,
        pfn,
        contentType: 'E_COLLECTION',
        content: { PinCode: `96${digits}`, LimitDate: limit, BankCode: BANK_CODE },
        bankId: BANK_CODE,
        expiresAt,
      };
    case 'CSTORECODE':
      return {
        code,
        pfn,
        contentType: 'IBON',
        content: { PinCode: `SIM${digits}`, LimitDate: limit, ...barcodes, BarcodeEndDate: limit },
        bankId: '',
        expiresAt,
      };
    case 'BARCODE':
      return {
        code,
        pfn,
        contentType: 'BARCODE',
        content: { ...barcodes, LimitDate: limit },
        bankId: '',
        expiresAt,
      };
    default:
      return { code, pfn, contentType: 'WEBATM', content: {}, bankId: '', expiresAt };
  }
}
