import { describe, expect, it } from '@jest/globals';
import { ReconciliationErrorCode } from './errors';
import { figuresSourceFrom } from './source-spec';

describe('figuresSourceFrom', () => {
  it('takes a statements directory or a simulator control url', () => {
    expect(figuresSourceFrom('statements:/var/statements').describe('M1', '2026-12-05')).toContain(
      'M1/2026-12-05',
    );
    expect(figuresSourceFrom('simulator:http://127.0.0.1:4010/').describe('M1', '2026-12-05')).toContain(
      'http://127.0.0.1:4010',
    );
  });

  it('refuses anything else, naming the field', () => {
    for (const spec of ['', 'statements:', 'simulator:', 'simulator:file:///etc', 'ftp://x', 'bank:x'])
      expect(() => figuresSourceFrom(spec)).toThrow(
        expect.objectContaining({ code: ReconciliationErrorCode.SourceInvalid, field: 'source' }),
      );
  });
});
