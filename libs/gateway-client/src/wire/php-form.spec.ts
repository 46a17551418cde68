import { FormNestingError, httpBuildQuery, MAX_FORM_DEPTH, parseFormBody, phpUrlencode } from './php-form';

describe('httpBuildQuery (PHP http_build_query)', () => {
  it('nests with bracketed keys, leaves null out and writes booleans as 1 and 0, as PHP does', () => {
    const body = httpBuildQuery({
      a: 'x y',
      items: [{ id: 'H01', sharing: { sales: 0.1 } }],
      none: null,
      gone: undefined,
      yes: true,
      no: false,
      n: 0,
    });
    expect(body).toBe(
      'a=x+y&items%5B0%5D%5Bid%5D=H01&items%5B0%5D%5Bsharing%5D%5Bsales%5D=0.1&yes=1&no=0&n=0',
    );
  });

  it('writes nothing for an empty list or object (PHP writes no key for an empty array)', () => {
    expect(httpBuildQuery({ a: [], b: {}, c: '' })).toBe('c=');
  });

  it("urlencodes like PHP's urlencode: space as +, base64's + / = escaped, ~ ! ' ( ) * too", () => {
    expect(phpUrlencode("a+b/c= d~!'()*-_.")).toBe('a%2Bb%2Fc%3D+d%7E%21%27%28%29%2A-_.');
  });

  it('reads back to the same structure, values as text', () => {
    const report = {
      code: '250',
      items: [
        { id: 'H01', fee: { cost: '50' } },
        { id: 'H02', fee: { cost: '60' } },
      ],
      echo_0: '',
      note: 'x&y=z +',
    };
    expect(parseFormBody(httpBuildQuery(report))).toEqual(report);
    expect(parseFormBody(httpBuildQuery({ paid: true, gift: false, none: null }))).toEqual({
      paid: '1',
      gift: '0',
    });
  });
});

describe('parseFormBody (PHP $_POST nesting)', () => {
  it('rebuilds nested objects and lists', () => {
    expect(
      parseFormBody('a=1&items[0][id]=H01&items[0][sharing][sales]=0.1&items[1][id]=H02&tags[]=x&tags[]=y'),
    ).toEqual({
      a: '1',
      items: [{ id: 'H01', sharing: { sales: '0.1' } }, { id: 'H02' }],
      tags: ['x', 'y'],
    });
  });

  it('refuses a key nested past MAX_FORM_DEPTH without overflowing the stack, and reads one at the bound', () => {
    for (const depth of [MAX_FORM_DEPTH, 5_000, 100_000]) {
      expect(() => parseFormBody(`a=1&zz${'[a]'.repeat(depth)}=1`)).toThrow(FormNestingError);
    }
    expect(parseFormBody(`zz${'[a]'.repeat(MAX_FORM_DEPTH - 1)}=1`)).toHaveProperty('zz.a.a');
  });

  it('ignores keys that would reach the prototype', () => {
    const parsed = parseFormBody('__proto__[polluted]=1&a[constructor][x]=2&b=3');
    expect(parsed).toEqual({ b: '3' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
