import type { Lang } from '../i18n';

const zh = {
  title: '撥付批次',
  batch_title: '撥付批次',
  period: '清分期間',
  merchant: '付款商店',
  group_id: '批次編號',
  state: '狀態',
  code: '代碼',
  covering: '補撥次數',
  items: '項目',
  amount: '金額',
  updated: '更新時間',
  filter: '篩選',
  all: '全部',
  none: '沒有撥付批次',
  older: '較早',
  more: '更多項目',
  back: '回到撥付批次',
  item_id: '項目編號',
  party: '受款方',
  payee_account: '受款帳戶',
  message: '訊息',
  revision: '重組次數',
  code_C0001: '待核准',
  code_C1001: '已撥付',
  code_C2001: '撥付失敗',
  code_C2002: '核准者退回',
};
const en: typeof zh = {
  title: 'Pay-off batches',
  batch_title: 'Pay-off batch',
  period: 'Run period',
  merchant: 'Paying merchant',
  group_id: 'Group id',
  state: 'State',
  code: 'Code',
  covering: 'Covering attempts',
  items: 'Items',
  amount: 'Amount',
  updated: 'Updated',
  filter: 'Filter',
  all: 'All',
  none: 'No pay-off batches',
  older: 'Older',
  more: 'More items',
  back: 'Back to pay-off batches',
  item_id: 'Item id',
  party: 'Payee',
  payee_account: 'Payee account',
  message: 'Message',
  revision: 'Revisions',
  code_C0001: 'awaiting approval',
  code_C1001: 'remitted',
  code_C2001: 'remittance failed',
  code_C2002: 'refused by the approver',
};

export type PayoffWords = typeof zh;
export const payoffWords: { readonly [L in Lang]: PayoffWords } = { 'zh-TW': zh, en };

/** A C-code with its meaning (`C2001 remittance failed`), or the code alone when it is not one we know. */
export function codeText(w: PayoffWords, code: string | null): string {
  if (!code) return '-';
  const meaning = (w as Record<string, string>)[`code_${code}`];
  return meaning ? `${code} ${meaning}` : code;
}
