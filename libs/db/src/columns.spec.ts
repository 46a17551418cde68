import { DomainErrorCode, MoneyError } from '@tixclear/domain';
import { twdColumn } from './columns';

describe('twdColumn (bigint money columns)', () => {
  it("reads node-postgres's bigint text with the domain's reader", () => {
    expect(twdColumn.from('0')).toBe(0);
    expect(twdColumn.from('-120')).toBe(-120);
    expect(twdColumn.from(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(twdColumn.from(null)).toBeNull();
  });

  it('refuses a value past 2^53 − 1 with MONEY_INVALID rather than a rounded number', () => {
    let error: unknown;
    try {
      twdColumn.from('9007199254740993');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MoneyError);
    expect((error as MoneyError).code).toBe(DomainErrorCode.MoneyInvalid);
  });
});
