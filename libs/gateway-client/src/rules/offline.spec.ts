import { z } from 'zod';
import { voucherOfflineRequestSchema, type VoucherOfflineRequestWire } from '../schemas/voucheroffline';
import { OFFLINE_RULE } from './offline';

const base: VoucherOfflineRequestWire = {
  reimbursement_from_type: 1,
  reimbursement_store_uid: '289151880142',
  pay_token: 'MYTIX12345678ABCDEFGH',
  order_id: 'OFF-1',
  pos_trade_time: '20240105123000',
};

function rules(wire: VoucherOfflineRequestWire): { rule: unknown; field: string }[] {
  const result = voucherOfflineRequestSchema.safeParse(wire);
  if (result.success) return [];
  return result.error.issues.map((i) => ({
    rule: (i as { params?: { rule?: unknown } }).params?.rule ?? i.code,
    field: i.path.join('.'),
  }));
}

describe('offline redemption rules (seed 002)', () => {
  it('accepts a digital token at a MYTIX store', () => {
    expect(rules(base)).toEqual([]);
  });

  it('reimbursement_from_type decides the required field (1 is the default)', () => {
    const { reimbursement_store_uid: _omitted, ...noStore } = base;
    expect(rules(noStore)).toEqual([
      { rule: OFFLINE_RULE.reimbursementStoreRequired, field: 'reimbursement_store_uid' },
    ]);
    const { reimbursement_from_type: _type, ...defaulted } = noStore;
    expect(rules(defaulted)).toEqual([
      { rule: OFFLINE_RULE.reimbursementStoreRequired, field: 'reimbursement_store_uid' },
    ]);
    expect(rules({ ...noStore, reimbursement_from_type: 2 })).toEqual([
      { rule: OFFLINE_RULE.reimbursementDealerRequired, field: 'reimbursement_dealer_no' },
    ]);
    expect(rules({ ...noStore, reimbursement_from_type: 2, reimbursement_dealer_no: 'POS-7' })).toEqual([]);
  });

  it('pay_token format 1 is MYTIX + 16 characters', () => {
    expect(rules({ ...base, pay_token: 'MYTIX123' })).toEqual([
      { rule: OFFLINE_RULE.payTokenFormat, field: 'pay_token' },
    ]);
    expect(rules({ ...base, pay_token: 'MYTIX12345678ABCDEFGHX' })).toEqual([
      { rule: OFFLINE_RULE.payTokenFormat, field: 'pay_token' },
    ]);
  });

  it('pay_token format 2 (physical serials) needs issuance_uid; one digital token at most; no repeats', () => {
    const physical = { ...base, pay_token: '["WU00000001","WU00000002"]' };
    expect(rules(physical)).toEqual([{ rule: OFFLINE_RULE.issuanceUidRequired, field: 'issuance_uid' }]);
    expect(rules({ ...physical, issuance_uid: '123' })).toEqual([]);
    expect(rules({ ...base, pay_token: '["MYTIX12345678ABCDEFGH","MYTIX12345678ABCDEFGI"]' })).toEqual([
      { rule: OFFLINE_RULE.payTokenDigitalTwice, field: 'pay_token' },
    ]);
    expect(rules({ ...base, issuance_uid: '1', pay_token: '["WU1","WU1"]' })).toEqual([
      { rule: OFFLINE_RULE.payTokenDuplicate, field: 'pay_token.1' },
    ]);
    expect(rules({ ...base, pay_token: '[]' })).toEqual([
      { rule: OFFLINE_RULE.payTokenFormat, field: 'pay_token' },
    ]);
  });

  it('issue_invoice_state 1 requires the invoice; 0 refuses one', () => {
    expect(rules({ ...base, issue_invoice_state: 1 })).toEqual([
      { rule: OFFLINE_RULE.invoiceRequired, field: 'invoice' },
    ]);
    const invoice = { number: 'AB12345678', date: '20240105123000' };
    expect(rules({ ...base, issue_invoice_state: 1, invoice })).toEqual([]);
    expect(rules({ ...base, issue_invoice_state: 0, invoice })).toEqual([
      { rule: OFFLINE_RULE.invoiceNotAllowed, field: 'invoice' },
    ]);
  });

  it('normalises pos_trade_time to an instant and back', () => {
    const parsed = voucherOfflineRequestSchema.parse(base);
    expect(parsed.pos_trade_time?.toISOString()).toBe('2024-01-05T04:30:00.000Z');
    expect(z.encode(voucherOfflineRequestSchema, parsed)).toEqual(base);
  });
});
