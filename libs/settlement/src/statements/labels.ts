import type { Section } from './statement';

/**
 * A label in Traditional Chinese (Taiwan) with the English beside it, as the printed statement shows both. Fee
 * and share names are seed 000's (『票券費用』, 『發行費收費者』).
 */
export interface Label {
  zh: string;
  en: string;
}

export const SECTION_LABELS: Readonly<Record<Section, Label>> = {
  sales: { zh: '售出', en: 'Sold' },
  refunds: { zh: '退款', en: 'Refunded' },
  redemptions: { zh: '核銷', en: 'Redeemed' },
  trust: { zh: '信託餘額', en: 'Held in trust' },
  balance: { zh: '應付餘額', en: 'Balance owed to you' },
  payouts: { zh: '撥付', en: 'Pay-offs' },
  payments: { zh: '線上付款', en: 'Payments (PayPage)' },
};

const ITEM_LABELS: Readonly<Record<string, Label>> = {
  paid: { zh: '付費票券', en: 'Paid vouchers' },
  gift: { zh: '贈品票券', en: 'Gift vouchers' },
  escrow_fee: { zh: '信託手續費', en: 'Escrow (trust) fee' },
  gateway_fee: { zh: '金流手續費', en: 'Gateway fee' },
  headquarters: { zh: '總部分潤', en: 'Headquarters share' },
  sales: { zh: '銷售點分潤', en: 'Sales point share' },
  reimbursement: { zh: '核銷點分潤', en: 'Redemption point share' },
  opening: { zh: '期初餘額', en: 'Opening balance' },
  closing: { zh: '期末餘額', en: 'Closing balance' },
  sold: { zh: '售出', en: 'Sold' },
  refunded: { zh: '退款', en: 'Refunded' },
  redeemed: { zh: '核銷', en: 'Redeemed' },
  settled_outside: { zh: '外部結清', en: 'Settled outside' },
  expired: { zh: '信託期滿', en: 'Trust period ended' },
  credited: { zh: '本期應付', en: 'Earned this period' },
  debited: { zh: '本期已付', en: 'Paid this period' },
  payout: { zh: '已撥付', en: 'Remitted' },
  total: { zh: '合計', en: 'Total' },
  received: { zh: '收款', en: 'Received' },
  refund_cancelled: { zh: '取消退款', en: 'Refund cancelled' },
  net: { zh: '淨額', en: 'Net' },
};

const ISSUANCE = /^issuance_fee_l([123])$/;
const LAYERS: Readonly<Record<string, Label>> = {
  '1': { zh: '經銷商', en: 'dealer' },
  '2': { zh: '大特店', en: 'big store' },
  '3': { zh: '特約商店', en: 'store' },
};

/** The label of a statement line's item; an item without one shows as itself in both languages. */
export function itemLabel(item: string): Label {
  const issuance = ISSUANCE.exec(item);
  if (issuance) {
    const layer = LAYERS[issuance[1] ?? ''];
    return { zh: `票券發行費（${layer?.zh ?? ''}收）`, en: `Issuance fee (collected by ${layer?.en ?? ''})` };
  }
  return ITEM_LABELS[item] ?? { zh: item, en: item };
}
