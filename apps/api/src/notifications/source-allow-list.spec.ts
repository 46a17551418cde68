import { allowListEntries, parseEntry, SourceAllowList } from './source-allow-list';

describe('the report source allow-list', () => {
  it('allows every address when empty', () => {
    const list = SourceAllowList.of(allowListEntries(' , '));
    expect(list.allows('198.51.100.9')).toBe(true);
    expect(list.allows('2001:db8::1')).toBe(true);
  });

  it('allows the listed addresses and ranges only, IPv4-mapped addresses read as IPv4', () => {
    const list = SourceAllowList.of(allowListEntries('203.0.113.7, 198.51.100.0/24,2001:db8::/32'));
    expect(list.allows('203.0.113.7')).toBe(true);
    expect(list.allows('::ffff:203.0.113.7')).toBe(true);
    expect(list.allows('198.51.100.250')).toBe(true);
    expect(list.allows('2001:db8:1::5')).toBe(true);
    expect(list.allows('203.0.113.8')).toBe(false);
    expect(list.allows('198.51.101.1')).toBe(false);
    expect(list.allows('127.0.0.1')).toBe(false);
    expect(list.allows('::1')).toBe(false);
    expect(list.allows(undefined)).toBe(false);
    expect(list.allows('not an address')).toBe(false);
  });

  it('refuses entries that are not addresses or ranges', () => {
    for (const bad of ['example.com', '10.0.0.0/33', '10.0.0.1/8/1', '::/129', '10.0.0.0/x', '300.1.1.1'])
      expect(parseEntry(bad)).toBeUndefined();
    expect(() => SourceAllowList.of(['10.0.0.0/33'])).toThrow();
    expect(parseEntry('10.0.0.0/8')).toEqual({ address: '10.0.0.0', family: 'ipv4', prefix: 8 });
  });
});
