/*
 * 附錄一 PFN (支付工具) of seeds 000/001: a payment tool is named by its number or its code (`27` = `PION`).
 * Answers always carry the code (the sample query answers `"pfn": "CREDITCARD"`). Seed 001's table leaves the
 * code of 13 (WeChat Pay) blank; seed 000 names it WECHAT.
 */
const PFN: Readonly<Record<string, string>> = {
  '1': 'CREDITCARD',
  '3': 'CSTORECODE',
  '4': 'WEBATM',
  '6': 'E_COLLECTION',
  '7': 'UNIONPAY',
  '9': 'ABROAD',
  '10': 'ALIPAY',
  '13': 'WECHAT',
  '14': 'DIRECTDEBIT',
  '15': 'LINEPAYON',
  '16': 'LINEPAYOFF',
  '19': 'WECHATOFF',
  '20': 'APPLEPAY',
  '21': 'GOOGLEPAY',
  '23': 'C_INSTALLMENT',
  '24': 'C_REDEEM',
  '25': 'CARDLESS',
  '27': 'PION',
  '28': 'PIOFF',
  '29': 'AMEX',
  '31': 'JKOON',
  '32': 'JKOOF',
  '33': 'ALIPAYOFF',
  '34': 'M_RECHARGE',
  '36': 'AFP',
  '37': 'CASH',
  '38': 'EASYWALLETON',
  '39': 'EASYWALLETOFF',
  '40': 'EASYCARD',
  '41': 'IPASS',
  '42': 'ICASH',
  '43': 'BARCODE',
  '46': 'PXPAYOFF',
  '51': 'DIRECTDEBIT_ABROAD',
  '52': 'PLUSPAYON',
  '53': 'PLUSPAYOFF',
  '56': 'PXPAYON',
};

const CODES = new Set(Object.values(PFN));

/** `0`/empty: any tool, the buyer chooses on the payment page. */
export function isAnyPfn(pfn: string | undefined): boolean {
  return pfn === undefined || pfn.trim() === '' || pfn.trim() === '0';
}

/** The code of a payment tool given by number or code, or `undefined` when the table has no such tool. */
export function pfnCode(pfn: string): string | undefined {
  const text = pfn.trim().toUpperCase();
  if (CODES.has(text)) return text;
  return PFN[text];
}

/** The tool used when the buyer pays on the simulated page: the requested one, else the one chosen, else a card. */
export function paidWith(requested: string, chosen: string | undefined): string {
  if (!isAnyPfn(requested)) return pfnCode(requested) ?? 'CREDITCARD';
  if (chosen !== undefined && !isAnyPfn(chosen)) return pfnCode(chosen) ?? 'CREDITCARD';
  return 'CREDITCARD';
}
