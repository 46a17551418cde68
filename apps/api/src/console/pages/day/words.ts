import type { Lang } from '../i18n';

const zh = {
  vouchers_sold: '售出票券',
  redeemed_online: '線上核銷',
  redeemed_offline: '離線核銷',
  vouchers_refunded: '退貨票券',
  movements: '票券',
  money: '清分金額',
  figures_note: '售出與退貨依入帳營業日；核銷依核銷營業日；金額為當日已清分票券。',
};

const en: typeof zh = {
  vouchers_sold: 'Vouchers sold',
  redeemed_online: 'Redeemed online',
  redeemed_offline: 'Redeemed offline',
  vouchers_refunded: 'Vouchers refunded',
  movements: 'Vouchers',
  money: 'Cleared amounts',
  figures_note:
    "Sales and refunds by the business day they were posted on; redemptions by their business day; amounts are the day's cleared vouchers.",
};

export const dayWords: Record<Lang, typeof zh> = { 'zh-TW': zh, en };
