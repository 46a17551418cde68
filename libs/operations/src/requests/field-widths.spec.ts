import { MAX_LIST_ENTRIES, tooLongList, tooWideField, wider } from './field-widths';

describe('tooWideField', () => {
  it('names a partner uid or an item name longer than its column', () => {
    expect(tooWideField({ store_uid: 'x'.repeat(1_000_000) })).toEqual({ field: 'store_uid', width: 32 });
    expect(tooWideField({ store_uid: 'S', items: [{ name: 'ok' }, { name: 'n'.repeat(201) }] })).toEqual({
      field: 'items[1].name',
      width: 200,
    });
    expect(tooWideField({ reimbursement_dealer_no: 'd'.repeat(65) })?.field).toBe('reimbursement_dealer_no');
  });

  it('accepts values at the width, counting characters as PostgreSQL does (an emoji is one)', () => {
    expect(tooWideField({ store_uid: 'x'.repeat(32), items: [{ name: '🎫'.repeat(200) }] })).toBeUndefined();
    expect(wider('🎫'.repeat(201), 200)).toBe(true);
    expect(tooWideField('not an object')).toBeUndefined();
  });
});

describe('tooLongList', () => {
  it('names the first list longer than the bound, at any depth, and accepts one at it', () => {
    const at = Array.from({ length: MAX_LIST_ENTRIES }, () => 'S');
    expect(tooLongList({ items: [{ serial_numbers: at }] })).toBeUndefined();
    expect(tooLongList({ items: [{ serial_numbers: [...at, 'S'] }] })).toBe('items[0].serial_numbers');
    expect(tooLongList({ pay_token: [...at, 'S'] })).toBe('pay_token');
  });
});
