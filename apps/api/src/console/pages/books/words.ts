import type { Lang } from '../i18n';

const zh = {
  title: '試算表與履約保證',
  trial_balance: '試算表',
  account: '科目',
  code: '科目代號',
  name: '科目名稱',
  debit: '借方餘額',
  credit: '貸方餘額',
  total: '合計',
  balanced: '借貸平衡',
  unbalanced: '借貸不平衡',
  basis: '依每日入帳快照，已入帳至 {day}',
  basis_none: '尚無已入帳的分錄',
  trust_title: '履約保證信託負債',
  trust_chart: '近 90 日履約保證負債（每日入帳後）',
  until: '截至',
  show: '顯示',
  liability: '帳上履保負債',
  outstanding: '流通中票券面額',
  outstanding_count: '流通中票券張數',
  difference: '差額',
  no_difference: '帳上負債與流通中票券面額相符',
  difference_note: '差額來自尚未由清分作業入帳的銷售，或已核銷尚未清分的票券；持續存在時請查核',
};
const en: typeof zh = {
  title: 'Trial balance and trust',
  trial_balance: 'Trial balance',
  account: 'Account',
  code: 'Code',
  name: 'Name',
  debit: 'Debit',
  credit: 'Credit',
  total: 'Total',
  balanced: 'Debits equal credits',
  unbalanced: 'Debits do not equal credits',
  basis: 'From the daily snapshots, everything posted through {day}',
  basis_none: 'Nothing posted yet',
  trust_title: 'Trust (escrow) liability',
  trust_chart: 'Trust liability, last 90 days (as posted each day)',
  until: 'Until',
  show: 'Show',
  liability: 'Trust liability in the books',
  outstanding: 'Value of vouchers outstanding',
  outstanding_count: 'Vouchers outstanding',
  difference: 'Difference',
  no_difference: 'The liability equals the value of the vouchers outstanding',
  difference_note:
    'A difference comes from sales a run has not posted yet, or redemptions it has not cleared yet; check it if it stays',
};

export type BookWords = typeof zh;
export const bookWords: { readonly [L in Lang]: BookWords } = { 'zh-TW': zh, en };
