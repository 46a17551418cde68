import { SAMPLE_PARTNER } from '@tixclear/db';

const STORE = SAMPLE_PARTNER.partnerUid;
let counter = 0;

/** A unique id for this test process (orders, serials). */
export function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}${process.pid}${Date.now().toString(36)}${counter}`.toUpperCase().slice(0, 32);
}

function ymd(date: Date): string {
  return date.toISOString().slice(0, 10).replace(/-/g, '');
}

/** A valid purchase of `amount` paid vouchers and `gifts` gift vouchers, value 50 each, one year of trust. */
export function purchaseRequest(options: { amount?: number; gifts?: number; cost?: number } = {}) {
  const amount = options.amount ?? 2;
  const gifts = options.gifts ?? 0;
  const cost = options.cost ?? 50;
  const orderId = uniqueId('VS');
  const serials = Array.from({ length: amount }, (_, i) => `${orderId.slice(2, 28)}P${i}`);
  const giftSerials = Array.from({ length: gifts }, (_, i) => `${orderId.slice(2, 28)}G${i}`);
  const start = new Date();
  const end = new Date(start.getTime() + 364 * 86_400_000);
  return {
    orderId,
    serials,
    giftSerials,
    request: {
      store_uid: STORE,
      order_id: orderId,
      pfn: '0',
      user_data: { user_id: 'phper', user_name: '金城武', ip: '127.0.0.1' },
      cost: cost * amount,
      currency: 'TWD',
      items: [
        {
          id: 'H01',
          name: '用餐券',
          amount,
          price: cost,
          cost,
          total_price: cost * amount,
          total_cost: cost * amount,
          gift_number: gifts,
          trust_start_date: ymd(start),
          trust_end_date: ymd(end),
          is_custom_serial: 1,
          serial_numbers: JSON.stringify(serials),
          gift_serial_numbers: JSON.stringify(giftSerials),
          sharing: { headquarters: '0.15', sales: '0.1', reimbursement: '0.75' },
        },
      ],
      declarations: [{ name: '用餐券', content: '<h6>使用需知</h6><ul><li>x</li></ul>' }],
    },
  };
}

export function redeemRequest(serials: readonly string[], orderId = uniqueId('VT')) {
  return {
    store_uid: STORE,
    order_id: orderId,
    user_id: 'phper',
    ip: '127.0.0.1',
    items: serials.map((serial) => ({ id: 'H01', serial_number: serial })),
  };
}

export function refundRequest(serials: readonly string[], orderId = uniqueId('VR')) {
  return {
    store_uid: STORE,
    order_id: orderId,
    items: serials.map((serial) => ({ id: 'H01', serial_number: serial })),
  };
}

/** An offline (POS) redemption's fixed fields; `fields` name the point and the vouchers (token or serials). */
export function offlineRequest(fields: Record<string, unknown>) {
  return {
    order_id: uniqueId('VO'),
    pos_trade_time: '20250301120000',
    pos_id: 'POS01',
    clerk_no: 'C07',
    ...fields,
  };
}

/** A gateway's purchase report for `orderId` (paid, 100 TWD), as POSTed to /gateway/notify. */
export function purchaseReport(orderId: string): Record<string, unknown> {
  return {
    uid: '9001',
    key: 'a'.repeat(40),
    code: '250',
    msg: '付款成功',
    finishtime: '20250301120000',
    order_id: orderId,
    user_id: 'phper',
    cost: '100',
    currency: 'TWD',
    actual_cost: '100',
    actual_currency: 'TWD',
    pfn: 'CREDITCARD',
  };
}
