import fc from 'fast-check';
import { InvalidIdentifierError, type IdentifierProblem } from './domain-errors';
import {
  agentUid,
  identifierMaxBytes,
  isAgentUid,
  isOrderId,
  isPayToken,
  isSerialNumber,
  isStoreUid,
  isVoucherItemId,
  orderId,
  payToken,
  serialNumber,
  storeUid,
  utf8ByteLength,
  voucherItemId,
} from './identifiers';

function errorOf(action: () => unknown): InvalidIdentifierError {
  try {
    action();
  } catch (error) {
    if (error instanceof InvalidIdentifierError) return error;
    throw error;
  }
  throw new Error('expected an InvalidIdentifierError');
}

function expectRefused(action: () => unknown, field: string, problem: IdentifierProblem): void {
  const error = errorOf(action);
  expect(error.code).toBe('ID_INVALID');
  expect(error.field).toBe(field);
  expect(error.problem).toBe(problem);
}

describe('utf8ByteLength', () => {
  it('counts bytes, not characters', () => {
    expect(utf8ByteLength('abc')).toBe(3);
    expect(utf8ByteLength('訂單')).toBe(6);
    expect(utf8ByteLength('😀')).toBe(4);
  });
});

describe('orderId', () => {
  it('accepts the seeds own examples', () => {
    for (const id of [
      'VS20210917113800',
      '1234567890',
      'F3DCB0AD-23F3-4721-BBBA-FAC8CDDB9E5F',
      '20200227165CFAB2C9',
    ]) {
      expect(orderId(id)).toBe(id);
    }
  });

  it('accepts visible ASCII punctuation', () => {
    expect(orderId('A-1_2.3:4/5#6')).toBe('A-1_2.3:4/5#6');
  });

  it('accepts exactly 50 bytes and refuses 51', () => {
    expect(orderId('x'.repeat(50))).toHaveLength(50);
    expectRefused(() => orderId('x'.repeat(51)), 'order_id', 'too_long');
  });

  it('refuses Chinese characters, even when short enough in bytes', () => {
    expectRefused(() => orderId('訂單1'), 'order_id', 'charset');
    // 16 CJK characters are 48 UTF-8 bytes: within the byte limit, refused for the charset.
    expectRefused(() => orderId('票'.repeat(16)), 'order_id', 'charset');
    expectRefused(() => orderId('ORDER-２０２６'), 'order_id', 'charset');
  });

  it('refuses blanks, control characters, empty strings and non-strings', () => {
    expectRefused(() => orderId('A 1'), 'order_id', 'charset');
    expectRefused(() => orderId('A\t1'), 'order_id', 'charset');
    expectRefused(() => orderId('A1\n'), 'order_id', 'charset');
    expectRefused(() => orderId('\u0000'), 'order_id', 'charset');
    expectRefused(() => orderId(''), 'order_id', 'empty');
    expectRefused(() => orderId(123), 'order_id', 'type');
    expectRefused(() => orderId(null), 'order_id', 'type');
  });

  it('names the caller’s field', () => {
    expectRefused(() => orderId('', 'reimbursement_order_id'), 'reimbursement_order_id', 'empty');
  });

  it('accepts every visible-ASCII string of 1..50 characters', () => {
    const visible = fc.string({
      unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
      minLength: 1,
      maxLength: 50,
    });
    fc.assert(fc.property(visible, (id) => isOrderId(id)));
  });

  it('refuses every string holding a non-ASCII character', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }).filter((s) => /[^\x00-\x7f]/.test(s)),
        (id) => {
          expect(isOrderId(id)).toBe(false);
        },
      ),
    );
  });
});

describe.each([
  ['voucherItemId', voucherItemId, isVoucherItemId, 'id'],
  ['serialNumber', serialNumber, isSerialNumber, 'serial_number'],
] as const)('%s', (_name, validate, guard, field) => {
  it('accepts the seeds examples and [A-Za-z0-9] up to 32 bytes', () => {
    expect(validate('H01')).toBe('H01');
    expect(validate('A00049')).toBe('A00049');
    expect(validate('a'.repeat(32))).toHaveLength(32);
    expect(guard('Zz09')).toBe(true);
  });

  it('refuses 33 characters, punctuation, blanks, CJK and empties', () => {
    expectRefused(() => validate('a'.repeat(33)), field, 'too_long');
    expectRefused(() => validate('A-1'), field, 'charset');
    expectRefused(() => validate('A 1'), field, 'charset');
    expectRefused(() => validate('票券'), field, 'charset');
    expectRefused(() => validate('Ａ1'), field, 'charset');
    expectRefused(() => validate(''), field, 'empty');
    expectRefused(() => validate(1), field, 'type');
    expect(guard('A_1')).toBe(false);
  });
});

describe('storeUid and agentUid', () => {
  it('accept the seeds sample and up to 16 alphanumerics', () => {
    expect(storeUid('289151880142')).toBe('289151880142');
    expect(agentUid('A'.repeat(16))).toHaveLength(16);
    expect(isStoreUid('1'.repeat(16))).toBe(true);
    expect(isAgentUid('1'.repeat(17))).toBe(false);
  });

  it('refuse longer, empty and punctuated values', () => {
    expectRefused(() => storeUid('1'.repeat(17)), 'store_uid', 'too_long');
    expectRefused(() => storeUid(''), 'store_uid', 'empty');
    expectRefused(() => agentUid('12-34'), 'agent_uid', 'charset');
    expectRefused(() => agentUid(289151880142), 'agent_uid', 'type');
  });
});

describe('payToken', () => {
  it('accepts the seed 002 example: MYTIX + 16 of [0-9A-Z], 21 in all', () => {
    expect(payToken('MYTIX12345678ABCDEFGH')).toBe('MYTIX12345678ABCDEFGH');
    expect(payToken('MYTIX0000000000000000')).toHaveLength(21);
    expect(isPayToken('MYTIXZZZZZZZZZZZZZZZZ')).toBe(true);
  });

  it('refuses wrong prefix, length, case and characters', () => {
    expectRefused(() => payToken('MYTIX12345678ABCDEFG'), 'pay_token', 'format');
    expectRefused(() => payToken('MYTIX12345678ABCDEFGHI'), 'pay_token', 'too_long');
    expectRefused(() => payToken('XYTIX12345678ABCDEFGH'), 'pay_token', 'format');
    expectRefused(() => payToken('MYTIX12345678abcdefgh'), 'pay_token', 'charset');
    expectRefused(() => payToken('mytix12345678ABCDEFGH'), 'pay_token', 'charset');
    expectRefused(() => payToken('MYTIX12345678ABCD-FGH'), 'pay_token', 'charset');
    expectRefused(() => payToken('["WU00000001"]'), 'pay_token', 'charset');
    expectRefused(() => payToken(''), 'pay_token', 'empty');
  });

  it('publishes its byte limits for column definitions', () => {
    expect(identifierMaxBytes).toEqual({
      storeUid: 16,
      agentUid: 16,
      orderId: 50,
      voucherItemId: 32,
      serialNumber: 32,
      payToken: 21,
    });
  });
});
