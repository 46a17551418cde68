import { storableText, tooDeepField, unstorableField } from './storable';

describe('unstorableField', () => {
  it('accepts ordinary JSON, emoji (surrogate pairs) and CJK included', () => {
    expect(unstorableField({ a: '票券', b: ['🎫', { c: 1, d: null, e: true }] })).toBeUndefined();
  });

  it('names a NUL or a lone surrogate in a value, with the wire path', () => {
    expect(unstorableField({ items: [{ id: 'ok' }, { id: 'a\u0000b' }] })).toEqual({
      field: 'items[1].id',
      reason: 'text',
    });
    expect(unstorableField({ echo_0: 'x\ud800' })).toEqual({ field: 'echo_0', reason: 'text' });
    expect(unstorableField({ echo_0: '\udc00x' })).toEqual({ field: 'echo_0', reason: 'text' });
  });

  it('names a key that cannot be stored', () => {
    expect(unstorableField({ 'a\u0000': 1 })?.reason).toBe('text');
  });

  it('refuses nesting past the limit without recursing', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i += 1) deep = [deep];
    expect(unstorableField({ zz: deep })).toMatchObject({ reason: 'depth' });
    expect(unstorableField({ a: { b: { c: 1 } } }, 3)).toBeUndefined();
    expect(unstorableField({ a: { b: { c: {} } } }, 3)).toEqual({ field: 'a.b.c', reason: 'depth' });
  });

  it('reads a top-level string too', () => {
    expect(storableText('fine')).toBe(true);
    expect(unstorableField('\u0000')).toEqual({ field: '', reason: 'text' });
  });
});

describe('tooDeepField', () => {
  it('names where a value nests past the bound, whatever its text, without recursing', () => {
    let deep: unknown = 'a\u0000';
    for (let i = 0; i < 100_000; i += 1) deep = { a: deep };
    expect(tooDeepField({ zz: deep })).toMatch(/^zz\.a\.a/);
    expect(tooDeepField({ text: '\u0000', list: [[1]] })).toBeUndefined();
  });
});
