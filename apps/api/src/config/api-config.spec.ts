import { ConfigError, loadApiConfig } from './api-config';

const BASE = {
  DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
  TIXCLEAR_MASTER_KEY: 'a'.repeat(64),
};

describe('TRUST_PROXY', () => {
  it('is off by default, and `off` or empty is off: X-Forwarded-For is ignored', () => {
    expect(loadApiConfig(BASE).trustProxy).toEqual([]);
    expect(loadApiConfig({ ...BASE, TRUST_PROXY: 'off' }).trustProxy).toEqual([]);
    expect(loadApiConfig({ ...BASE, TRUST_PROXY: '' }).trustProxy).toEqual([]);
  });

  it('takes the proxies’ addresses and CIDR ranges, comma-separated', () => {
    expect(loadApiConfig({ ...BASE, TRUST_PROXY: '10.0.0.5, 10.1.0.0/16,2001:db8::/32' }).trustProxy).toEqual(
      ['10.0.0.5', '10.1.0.0/16', '2001:db8::/32'],
    );
  });

  it.each(['true', 'on', '*', '1', 'loopback', 'off,10.0.0.5', '10.0.0.0/33', '10.0.0.5/'])(
    'refuses %j, naming the variable (trusting every sender would let a client pick its address)',
    (value) => {
      expect(() => loadApiConfig({ ...BASE, TRUST_PROXY: value })).toThrow(ConfigError);
      expect(() => loadApiConfig({ ...BASE, TRUST_PROXY: value })).toThrow(/TRUST_PROXY/);
    },
  );
});
