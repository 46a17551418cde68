import { SAMPLE_PARTNER } from '@tixclear/db';
import { uniqueId } from './requests';

/*
 * PayPage (seed 001) and e-ticket refund (seed 003) requests of the payment specs, shaped as seed 001's
 * reference clients send them.
 */

const STORE = SAMPLE_PARTNER.partnerUid;

/** An `api/orders` request of `cost` TWD (two items), paid by card. */
export function paymentRequest(cost = 1000, orderId = uniqueId('PO')) {
  const half = cost / 2;
  return {
    store_uid: STORE,
    user_id: 'phper',
    user_name: '金城武',
    cost,
    currency: 'TWD',
    order_id: orderId,
    ip: '127.0.0.1',
    pfn: 'CREDITCARD',
    items: [
      { id: 'P01', name: '演唱會門票', cost: half, amount: 1, total: half },
      { id: 'P02', name: '周邊商品', cost: half, amount: 1, total: half },
    ],
  };
}

/** An `api/refund` of `cost` of the order the gateway knows as (uid, key). */
export function moneyRefundRequest(order: { uid: string; key: string }, cost: number) {
  return { store_uid: STORE, uid: order.uid, key: order.key, cost };
}
