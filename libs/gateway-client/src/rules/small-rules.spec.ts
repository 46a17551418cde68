import { esvcRefundRequestSchema } from '../schemas/esvcrefund';
import { payoffCoveringRemittanceRequestSchema } from '../schemas/payoffcoveringremittance';
import { payoffRemittanceRequestSchema } from '../schemas/payoffremittance';
import { voucherTransactionRequestSchema } from '../schemas/vouchertransaction';
import { ITEMS_RULE } from './items';
import { fieldName } from './issues';
import { PAYOFF_RULE } from './payoff';
import { VOUCHER_RULE } from './vouchers';

const ruleOf = (result: { success: boolean; error?: { issues: unknown[] } }): unknown[] =>
  (result.error?.issues ?? []).map((i) => (i as { params?: { rule?: unknown } }).params?.rule);

describe('smaller request rules', () => {
  it('a voucher is redeemed once per request', () => {
    const item = { id: 'H01', serial_number: 'A1' };
    const result = voucherTransactionRequestSchema.safeParse({
      store_uid: 's',
      order_id: 'o',
      user_id: 'u',
      ip: '127.0.0.1',
      items: [item, item],
    });
    expect(ruleOf(result)).toEqual([VOUCHER_RULE.duplicateVoucher]);
  });

  it('refund items total the refunded amount, each total is cost × amount', () => {
    const request = {
      store_uid: 's',
      key: 'k',
      uid: '1',
      cost: 100,
      items: [{ id: '1', name: 'n', cost: 40, amount: 2, total: 80 }],
    };
    expect(ruleOf(esvcRefundRequestSchema.safeParse(request))).toEqual([ITEMS_RULE.itemsTotalMismatch]);
    const bad = { ...request, items: [{ id: '1', name: 'n', cost: 40, amount: 2, total: 100 }] };
    expect(ruleOf(esvcRefundRequestSchema.safeParse(bad))).toEqual([ITEMS_RULE.itemTotalMismatch]);
    expect(esvcRefundRequestSchema.safeParse({ ...request, items: undefined }).success).toBe(true);
  });

  it('pay-off items are unique and not zero', () => {
    const item = { id: 'P1', user_id: 'u', money: 10 };
    const create = payoffRemittanceRequestSchema.safeParse({
      store_uid: 's',
      group_id: 'G1',
      items: [item, { ...item, money: 0 }],
    });
    expect(ruleOf(create)).toEqual([PAYOFF_RULE.duplicateItemId, PAYOFF_RULE.zeroMoney]);
    const covering = payoffCoveringRemittanceRequestSchema.safeParse({
      store_uid: 's',
      group_id: 'G1',
      items: [{ id: 'P1' }, { id: 'P1' }],
    });
    expect(ruleOf(covering)).toEqual([PAYOFF_RULE.duplicateItemId]);
  });

  it('renders field paths with indexes', () => {
    expect(fieldName(['items', 0, 'sharing', 'sales'])).toBe('items[0].sharing.sales');
  });
});
