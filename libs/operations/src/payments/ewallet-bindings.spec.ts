import { describe, expect, it } from '@jest/globals';
import { maskedCardNumber } from './ewallet-bindings';

describe('maskedCardNumber', () => {
  it('keeps the first six and last four digits as the documents show them, and masks a full number', () => {
    expect(maskedCardNumber('493817******0003')).toBe('493817******0003');
    expect(maskedCardNumber('4938170000000003')).toBe('493817******0003');
    expect(maskedCardNumber('4938170000000000003')).toBe('493817*********0003');
  });

  it('refuses what is not a card number shown so', () => {
    for (const bad of [undefined, 3, '', '4938**', '49381*******0003', '493817******00x3', '4'.repeat(20)])
      expect(maskedCardNumber(bad)).toBeUndefined();
  });
});
