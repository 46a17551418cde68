import { describe, expect, it } from '@jest/globals';
import { parseRequest } from '../requests/validation';
import { gatewaySerials, hasGatewaySerials } from './gateway-serials';

/** A purchase of two items: H01 numbered by the gateway (2 paid, 1 gift), H02 by the partner (1 paid). */
function purchase() {
  const item = {
    name: '用餐券',
    price: 50,
    cost: 50,
    trust_start_date: '20261201',
    trust_end_date: '20271130',
    sharing: { headquarters: '0.15', sales: '0.1', reimbursement: '0.75' },
  };
  return parseRequest('voucherservicepurchase', {
    store_uid: '398800730001',
    order_id: 'VS1',
    pfn: '0',
    user_data: { user_id: 'phper', ip: '127.0.0.1' },
    cost: 150,
    items: [
      {
        ...item,
        id: 'H01',
        amount: 2,
        total_price: 100,
        total_cost: 100,
        gift_number: 1,
        is_custom_serial: 0,
      },
      {
        ...item,
        name: '飲料券',
        id: 'H02',
        amount: 1,
        total_price: 50,
        total_cost: 50,
        gift_number: 0,
        is_custom_serial: 1,
        serial_numbers: '["OWN1"]',
        gift_serial_numbers: '[]',
      },
    ],
    declarations: [{ name: '用餐券' }, { name: '飲料券' }],
  });
}

const listed = {
  code: '250',
  voucher_paid: [
    { product_id: 'H01', serial_number: 'TX0000000001', name: '用餐券', cost: 50 },
    { product_id: 'H01', serial_number: 'TX0000000002', name: '用餐券', cost: 50 },
    { product_id: 'H02', serial_number: 'OWN1', name: '飲料券', cost: 50 },
  ],
  voucher_free: [{ product_id: 'H01', serial_number: 'TX0000000003', name: '用餐券', cost: 0 }],
};

describe('the vouchers the gateway numbered, read from a paid purchase result', () => {
  it('reads each item’s paid and free vouchers; the partner’s own serials are not read again', () => {
    expect(hasGatewaySerials(purchase())).toBe(true);
    expect(gatewaySerials(purchase(), listed)).toEqual({
      vouchers: [
        { item: 0, serial: 'TX0000000001', isPaid: true },
        { item: 0, serial: 'TX0000000002', isPaid: true },
        { item: 0, serial: 'TX0000000003', isPaid: false },
      ],
    });
  });

  it('is a problem, never a guess, when the result does not list them exactly', () => {
    const problems: Record<string, unknown>[] = [
      { code: '250' },
      { ...listed, voucher_free: [] },
      { ...listed, voucher_paid: listed.voucher_paid.slice(1) },
      { ...listed, voucher_paid: [...listed.voucher_paid, { product_id: 'H01', serial_number: 'TX9' }] },
      { ...listed, voucher_free: [{ product_id: 'H01', serial_number: 'TX0000000001' }] },
      { ...listed, voucher_free: [{ product_id: 'H09', serial_number: 'TX0000000003' }] },
      { ...listed, voucher_free: [{ product_id: 'H01', serial_number: 'TX-3' }] },
      { ...listed, voucher_free: [{ product_id: 'H01', serial_number: 'T'.repeat(33) }] },
      { ...listed, voucher_free: [{ product_id: 'H01' }] },
      { ...listed, voucher_free: ['TX0000000003'] },
      { ...listed, voucher_free: 'TX0000000003' },
    ];
    for (const result of problems) expect(gatewaySerials(purchase(), result)).toHaveProperty('problem');
  });

  it('needs nothing from the result when the partner numbered every voucher', () => {
    const own = purchase();
    const numbered = { ...own, items: own.items.slice(1) };
    expect(hasGatewaySerials(numbered)).toBe(false);
    expect(gatewaySerials(numbered, { code: '250' })).toEqual({ vouchers: [] });
  });
});
