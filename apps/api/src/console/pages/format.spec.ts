import { count, escapeHtml, Html, html, ntd, taipeiTime } from './format';

describe('console page formatting', () => {
  it('escapes every interpolated value, so a hostile reference renders as text', () => {
    const hostile = `"><img src=x onerror=alert(1)>'&`;
    expect(escapeHtml(hostile)).toBe('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&#39;&amp;');
    expect(html`<td title="${hostile}">${hostile}</td>`.value).not.toMatch(/<img|"></);
    expect(html`<p>${[html`<b>a</b>`, '<i>']}</p>`.value).toBe('<p><b>a</b>&lt;i&gt;</p>');
    expect(html`${new Html('<br>')}${null}${undefined}`.value).toBe('<br>');
  });

  it('formats whole TWD as NT$ with thousands, by integer arithmetic beyond 2^53', () => {
    expect(ntd(0)).toBe('NT$0');
    expect(ntd(999)).toBe('NT$999');
    expect(ntd('1234')).toBe('NT$1,234');
    expect(ntd(-1234567)).toBe('-NT$1,234,567');
    expect(ntd('123456789012345678901')).toBe('NT$123,456,789,012,345,678,901');
    expect(() => ntd('12.5')).toThrow();
    expect(count(1000000)).toBe('1,000,000');
  });

  it('shows instants as Asia/Taipei wall time (UTC+8, no daylight saving)', () => {
    expect(taipeiTime('2026-12-05T16:30:00Z')).toBe('2026-12-06 00:30:00');
    expect(taipeiTime(new Date('2026-07-01T00:00:00Z'))).toBe('2026-07-01 08:00:00');
  });
});
