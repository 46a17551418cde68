import { requestIdFor } from './request-context';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('requestIdFor', () => {
  it('keeps a sane incoming X-Request-Id', () => {
    for (const id of ['abc', 'trace-1.2:3_x', 'A'.repeat(128)]) expect(requestIdFor(id)).toBe(id);
  });

  it('makes a fresh one for a missing, repeated or unsafe header (it reaches the logs)', () => {
    for (const header of [undefined, '', ['a', 'b'], 'a b', 'x\nforged line', '<script>', 'A'.repeat(129)]) {
      expect(requestIdFor(header)).toMatch(UUID);
    }
  });
});
