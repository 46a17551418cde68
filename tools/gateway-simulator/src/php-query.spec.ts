import { describe, expect, it } from '@jest/globals';
import { parseFormBody } from '@tixclear/gateway-client';
import { httpBuildQuery, parsePhpQuery, phpUrlencode } from './php-query';

describe('httpBuildQuery (PHP http_build_query)', () => {
  it('nests arrays with bracketed keys, drops null and writes booleans as 1/0', () => {
    const body = httpBuildQuery({
      a: 'x y',
      items: [{ id: 'H01', sharing: { sales: 0.1 } }],
      none: null,
      yes: true,
    });
    expect(decodeURIComponent(body.replace(/\+/g, ' '))).toBe(
      'a=x y&items[0][id]=H01&items[0][sharing][sales]=0.1&yes=1',
    );
    expect(body).toContain('items%5B0%5D%5Bid%5D=H01');
  });

  it('urlencodes like PHP: space as +, base64 + / = escaped', () => {
    expect(phpUrlencode('a+b/c= d~')).toBe('a%2Bb%2Fc%3D+d%7E');
  });

  it('reads back to the same structure, here and in the client’s report parser', () => {
    const report = {
      code: '250',
      items: [
        { id: 'H01', fee: { cost: '50' } },
        { id: 'H02', fee: { cost: '60' } },
      ],
      echo_0: '',
    };
    expect(parsePhpQuery(httpBuildQuery(report))).toEqual(report);
    expect(parseFormBody(httpBuildQuery(report))).toEqual(report);
  });
});
