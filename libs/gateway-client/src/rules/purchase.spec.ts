import { twd } from '@tixclear/domain';
import { z } from 'zod';
import {
  voucherServicePurchaseRequestSchema,
  type VoucherServicePurchaseRequestWire,
} from '../schemas/voucherservicepurchase';
import { seed000Requests } from '../testing/seed-samples';
import { PURCHASE_RULE } from './purchase';

/*
 * Each purchase rule of docs/protocol.md §3, through the schema (which runs the rules) so that the issue's path and
 * rule code are what the API and the simulator will see.
 */

type Wire = VoucherServicePurchaseRequestWire;
type WireItem = Wire['items'][number];

const sample = (): Wire => structuredClone(seed000Requests.purchaseRequest) as Wire;
const withItem = (patch: Partial<WireItem>, order: Partial<Wire> = {}): Wire => {
  const base = sample();
  const item = { ...(base.items[0] as WireItem), ...patch };
  return { ...base, items: [item], ...order };
};

/** The rule codes and fields of the issues, for compact assertions. */
function issues(wire: Wire): { rule: unknown; field: string }[] {
  const result = voucherServicePurchaseRequestSchema.safeParse(wire);
  if (result.success) return [];
  return result.error.issues.map((i) => ({
    rule: (i as { params?: { rule?: unknown } }).params?.rule ?? i.code,
    field: i.path.join('.'),
  }));
}

describe('purchase request rules', () => {
  it('accepts the seed sample (trust period 20210917..20220916 is a full year, read inclusively)', () => {
    expect(issues(sample())).toEqual([]);
  });

  it('order total must be the sum of the items total_cost', () => {
    expect(issues({ ...sample(), cost: 101 })).toEqual([
      { rule: PURCHASE_RULE.orderCostMismatch, field: 'cost' },
    ]);
  });

  it('totals must be unit × amount', () => {
    expect(issues(withItem({ total_price: 99 }))).toEqual([
      { rule: PURCHASE_RULE.totalPriceMismatch, field: 'items.0.total_price' },
    ]);
    expect(issues(withItem({ total_cost: 99 }, { cost: 99 }))).toEqual([
      { rule: PURCHASE_RULE.totalCostMismatch, field: 'items.0.total_cost' },
    ]);
  });

  it('a paid voucher is worth at least 50', () => {
    expect(
      issues(withItem({ cost: 49, price: 49, total_cost: 98, total_price: 98 }, { cost: 98 })).map(
        (i) => i.rule,
      ),
    ).toEqual([PURCHASE_RULE.valueBelowMinimum]);
  });

  it('at least one paid voucher per item', () => {
    const result = issues(
      withItem({ amount: 0, total_cost: 0, total_price: 0, serial_numbers: '[]' }, { cost: 0 }),
    );
    expect(result).toContainEqual({ rule: PURCHASE_RULE.amountZero, field: 'items.0.amount' });
  });

  it('the trust period must cover a year: one day short is refused', () => {
    expect(issues(withItem({ trust_end_date: '20220915' }))).toEqual([
      { rule: PURCHASE_RULE.trustPeriodTooShort, field: 'items.0.trust_end_date' },
    ]);
    expect(issues(withItem({ trust_end_date: '20230101' }))).toEqual([]);
  });

  it('custom serials: one per voucher, well-formed, unique across paid and gift', () => {
    expect(issues(withItem({ serial_numbers: '["A00049"]' }))).toEqual([
      { rule: PURCHASE_RULE.serialCount, field: 'items.0.serial_numbers' },
    ]);
    expect(issues(withItem({ serial_numbers: '["A00049","A-0050"]' }))).toEqual([
      { rule: PURCHASE_RULE.serialFormat, field: 'items.0.serial_numbers.1' },
    ]);
    expect(issues(withItem({ serial_numbers: '["A00049","A00049"]' }))).toEqual([
      { rule: PURCHASE_RULE.serialDuplicate, field: 'items.0.serial_numbers.1' },
    ]);
    expect(issues(withItem({ serial_numbers: `["A00049","${'A'.repeat(33)}"]` }))).toEqual([
      { rule: PURCHASE_RULE.serialFormat, field: 'items.0.serial_numbers.1' },
    ]);
    expect(issues(withItem({ gift_number: 1, gift_serial_numbers: '["A00050"]' }))).toEqual([
      { rule: PURCHASE_RULE.serialDuplicate, field: 'items.0.gift_serial_numbers.0' },
    ]);
    expect(issues(withItem({ gift_number: 1, gift_serial_numbers: '[]' }))).toEqual([
      { rule: PURCHASE_RULE.serialCount, field: 'items.0.gift_serial_numbers' },
    ]);
    expect(issues(withItem({ gift_number: 1, gift_serial_numbers: '["G1"]' }))).toEqual([]);
  });

  it('serials without is_custom_serial are refused; none is fine', () => {
    expect(issues(withItem({ is_custom_serial: 0 }))).toEqual([
      { rule: PURCHASE_RULE.serialsNotAllowed, field: 'items.0.serial_numbers' },
    ]);
    expect(issues(withItem({ is_custom_serial: 0, serial_numbers: '[]', gift_serial_numbers: '' }))).toEqual(
      [],
    );
  });

  it('sharing must sum to exactly 1, compared as exact decimals', () => {
    expect(
      issues(withItem({ sharing: { headquarters: '0.15', sales: '0.1', reimbursement: '0.74' } })),
    ).toEqual([{ rule: PURCHASE_RULE.sharingSum, field: 'items.0.sharing' }]);
    // 0.7 + 0.2 + 0.1 is 0.9999999999999999 in doubles: exact arithmetic accepts it.
    expect(issues(withItem({ sharing: { headquarters: 0.7, sales: 0.2, reimbursement: 0.1 } }))).toEqual([]);
    expect(
      issues(withItem({ sharing: { headquarters: '0.34', sales: '0.33', reimbursement: '0.33' } })),
    ).toEqual([]);
    expect(issues(withItem({ sharing: { headquarters: '1.5', sales: '-0.5', reimbursement: '0' } }))).toEqual(
      [
        { rule: PURCHASE_RULE.sharingRange, field: 'items.0.sharing.headquarters' },
        { rule: PURCHASE_RULE.sharingRange, field: 'items.0.sharing.sales' },
      ],
    );
  });

  it('ids: item ids are alphanumeric, at most 32 bytes, and unique', () => {
    expect(issues(withItem({ id: 'H-01' })).map((i) => i.field)).toEqual(['items.0.id']);
    const base = sample();
    const item = base.items[0] as WireItem;
    const twice: Wire = {
      ...base,
      cost: 200,
      items: [item, { ...item, serial_numbers: '["B1","B2"]' }],
      declarations: [...base.declarations, ...base.declarations],
    };
    expect(issues(twice)).toEqual([{ rule: PURCHASE_RULE.duplicateItemId, field: 'items.1.id' }]);
  });

  it('order_id is at most 50 bytes', () => {
    expect(issues({ ...sample(), order_id: '票'.repeat(17) }).map((i) => i.field)).toEqual(['order_id']);
  });

  it('declarations: one per item with matching names', () => {
    expect(issues({ ...sample(), declarations: [{ name: '別的券', content: '' }] })).toEqual([
      { rule: PURCHASE_RULE.declarationName, field: 'declarations.0.name' },
      { rule: PURCHASE_RULE.declarationName, field: 'items.0.name' },
    ]);
    const two = [
      { name: '用餐券', content: '' },
      { name: '用餐券', content: '' },
    ];
    expect(issues({ ...sample(), declarations: two })).toEqual([
      { rule: PURCHASE_RULE.declarationCount, field: 'declarations' },
      { rule: PURCHASE_RULE.declarationName, field: 'declarations.1.name' },
    ]);
  });

  it('runs the same rules when encoding a normalised request', () => {
    const normalised = voucherServicePurchaseRequestSchema.parse(sample());
    expect(z.safeEncode(voucherServicePurchaseRequestSchema, normalised).success).toBe(true);
    const broken = { ...normalised, cost: twd(normalised.cost + 1) };
    const result = z.safeEncode(voucherServicePurchaseRequestSchema, broken);
    expect(result.error?.issues.map((i) => (i as { params?: { rule?: unknown } }).params?.rule)).toEqual([
      PURCHASE_RULE.orderCostMismatch,
    ]);
  });
});
